-- Tamper resistance for the audit log (security.md L4/L5). The verifier (AuditVerifier) is what
-- detects tampering; these triggers make casual or accidental changes impossible for the app
-- role. A database superuser can still bypass them (DISABLE TRIGGER, session_replication_role):
-- that is what the hash chain and the exported signed checkpoints are for.

-- Genesis of the chain: no entries, previous chain hash = 32 zero bytes.
INSERT INTO "audit_chain_head" ("id", "last_seq", "last_batch_id", "chain_hash")
VALUES (1, 0, 0, repeat('0', 64))
ON CONFLICT ("id") DO NOTHING;
--> statement-breakpoint

-- New entries arrive unsealed: only the sealer assigns seq, leaf_hash and batch_id.
CREATE OR REPLACE FUNCTION "audit_entries_insert_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seq IS NOT NULL OR NEW.leaf_hash IS NOT NULL OR NEW.batch_id IS NOT NULL THEN
    RAISE EXCEPTION 'audit_entries: new entries must be unsealed' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint

-- The one permitted UPDATE: sealing an unsealed entry, every other column unchanged.
-- to_jsonb(row) minus the seal columns covers columns added later without touching this function.
CREATE OR REPLACE FUNCTION "audit_entries_update_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD.seq IS NULL AND OLD.leaf_hash IS NULL AND OLD.batch_id IS NULL
     AND NEW.seq IS NOT NULL AND NEW.leaf_hash IS NOT NULL AND NEW.batch_id IS NOT NULL
     AND (to_jsonb(NEW) - 'seq' - 'leaf_hash' - 'batch_id') = (to_jsonb(OLD) - 'seq' - 'leaf_hash' - 'batch_id') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_entries is append-only: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint

-- audit_batches: append-only except recording the export time once.
CREATE OR REPLACE FUNCTION "audit_batches_update_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD.exported_at IS NULL
     AND (to_jsonb(NEW) - 'exported_at') = (to_jsonb(OLD) - 'exported_at') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_batches is append-only: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint

CREATE OR REPLACE FUNCTION "audit_reject_truncate"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: TRUNCATE rejected', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint

CREATE TRIGGER "audit_entries_insert_guard" BEFORE INSERT ON "audit_entries"
  FOR EACH ROW EXECUTE FUNCTION "audit_entries_insert_guard"();
--> statement-breakpoint
CREATE TRIGGER "audit_entries_append_only" BEFORE UPDATE OR DELETE ON "audit_entries"
  FOR EACH ROW EXECUTE FUNCTION "audit_entries_update_guard"();
--> statement-breakpoint
CREATE TRIGGER "audit_entries_no_truncate" BEFORE TRUNCATE ON "audit_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_reject_truncate"();
--> statement-breakpoint
CREATE TRIGGER "audit_batches_append_only" BEFORE UPDATE OR DELETE ON "audit_batches"
  FOR EACH ROW EXECUTE FUNCTION "audit_batches_update_guard"();
--> statement-breakpoint
CREATE TRIGGER "audit_batches_no_truncate" BEFORE TRUNCATE ON "audit_batches"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_reject_truncate"();
