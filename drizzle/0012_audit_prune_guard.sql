-- Audit retention pruning (security.md L6). The append-only guard of audit_entries gains exactly one
-- DELETE path: a sealed entry at or below an existing prune anchor, inside a transaction that set
-- `bianca.audit_prune_through` locally (only AuditPruner does, after inserting the anchor in the
-- same transaction). Any other DELETE is still rejected; a superuser who bypasses the trigger leaves
-- a gap without a signed anchor, which the verifier reports as the first missing entry. The UPDATE
-- path (sealing) is unchanged from 0005.
CREATE OR REPLACE FUNCTION "audit_entries_update_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unsealed "audit_entries";
  prune_through bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN
    prune_through := nullif(current_setting('bianca.audit_prune_through', true), '')::bigint;
    IF prune_through IS NOT NULL AND OLD.seq IS NOT NULL AND OLD.seq <= prune_through
       AND EXISTS (SELECT 1 FROM "audit_prune_anchors" a WHERE a.through_seq = prune_through) THEN
      RETURN OLD;
    END IF;
  ELSIF TG_OP = 'UPDATE'
     AND OLD.seq IS NULL AND OLD.leaf_hash IS NULL AND OLD.batch_id IS NULL
     AND NEW.seq IS NOT NULL AND NEW.leaf_hash IS NOT NULL AND NEW.batch_id IS NOT NULL THEN
    unsealed := NEW;
    unsealed.seq := NULL;
    unsealed.leaf_hash := NULL;
    unsealed.batch_id := NULL;
    IF unsealed IS NOT DISTINCT FROM OLD THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_entries is append-only: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint

-- Prune anchors are evidence: insert only.
CREATE OR REPLACE FUNCTION "audit_prune_anchors_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_prune_anchors is append-only: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_prune_anchors_append_only" BEFORE UPDATE OR DELETE ON "audit_prune_anchors"
  FOR EACH ROW EXECUTE FUNCTION "audit_prune_anchors_guard"();
--> statement-breakpoint
CREATE TRIGGER "audit_prune_anchors_no_truncate" BEFORE TRUNCATE ON "audit_prune_anchors"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_reject_truncate"();
