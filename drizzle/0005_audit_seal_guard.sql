-- Audit log, sealing cost (npm run bench -- audit): the seal guard compares whole rows with the
-- seal columns blanked instead of two to_jsonb() documents per sealed row (~2x cheaper), with the
-- same rule as before: only an unsealed entry may be sealed, every other column unchanged, and
-- columns added later are covered without touching this function.
CREATE OR REPLACE FUNCTION "audit_entries_update_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unsealed "audit_entries";
BEGIN
  IF TG_OP = 'UPDATE'
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

-- Batches whose checkpoint export is still pending (normally none): found without a scan.
CREATE INDEX IF NOT EXISTS "audit_batches_unexported_idx" ON "audit_batches" ("id") WHERE "exported_at" IS NULL;
