-- Audit append cost (npm run bench -- audit): both guards of audit_entries now decide in the
-- trigger's WHEN clause, which the executor evaluates without entering PL/pgSQL, so the guard
-- functions run only for a row they are about to reject. Same rules as 0005/0012:
-- - INSERT: a new entry must be unsealed;
-- - UPDATE: only sealing an unsealed entry, every other column unchanged. The WHEN clause names
--   every non-seal column (audit-sealer.spec.ts fails when a column is missing from it), and the
--   function still re-checks the whole row generically before it raises;
-- - DELETE: only the prune path of 0012 (separate trigger: a WHEN clause cannot name NEW for DELETE).
DROP TRIGGER IF EXISTS "audit_entries_insert_guard" ON "audit_entries";
--> statement-breakpoint
CREATE TRIGGER "audit_entries_insert_guard" BEFORE INSERT ON "audit_entries"
  FOR EACH ROW WHEN (NEW.seq IS NOT NULL OR NEW.leaf_hash IS NOT NULL OR NEW.batch_id IS NOT NULL)
  EXECUTE FUNCTION "audit_entries_insert_guard"();
--> statement-breakpoint
DROP TRIGGER IF EXISTS "audit_entries_append_only" ON "audit_entries";
--> statement-breakpoint
CREATE TRIGGER "audit_entries_append_only" BEFORE UPDATE ON "audit_entries"
  FOR EACH ROW WHEN (NOT (
    OLD.seq IS NULL AND OLD.leaf_hash IS NULL AND OLD.batch_id IS NULL
    AND NEW.seq IS NOT NULL AND NEW.leaf_hash IS NOT NULL AND NEW.batch_id IS NOT NULL
    AND (OLD.id, OLD.occurred_at, OLD.org_id, OLD.actor_id, OLD.actor_role, OLD.session_id, OLD.request_id, OLD.ip, OLD.user_agent, OLD.action, OLD.resource_type, OLD.resource_ids, OLD.patient_ids, OLD.outcome, OLD.reason, OLD.severity)
        IS NOT DISTINCT FROM
        (NEW.id, NEW.occurred_at, NEW.org_id, NEW.actor_id, NEW.actor_role, NEW.session_id, NEW.request_id, NEW.ip, NEW.user_agent, NEW.action, NEW.resource_type, NEW.resource_ids, NEW.patient_ids, NEW.outcome, NEW.reason, NEW.severity)
  ))
  EXECUTE FUNCTION "audit_entries_update_guard"();
--> statement-breakpoint
CREATE TRIGGER "audit_entries_delete_guard" BEFORE DELETE ON "audit_entries"
  FOR EACH ROW EXECUTE FUNCTION "audit_entries_update_guard"();
