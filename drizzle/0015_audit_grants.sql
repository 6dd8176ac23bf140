-- Audit log privileges (security.md L5). The triggers of 0002/0012/0013 keep the log append-only
-- for whoever owns it; these grants make it append-only for the application role at the privilege
-- level too, so a compromised app cannot UPDATE, DELETE or TRUNCATE audit rows at all. Roles are
-- created by the deployment (README, Security notes): an owner role runs the migrations and owns
-- the tables; the app role gets only what it needs. Every statement is harmless where there is no
-- separate app role (PGlite, a single-role development server).

-- Nobody but the owner may change the audit tables (PostgreSQL grants nothing on tables to PUBLIC
-- by default; this states it and undoes any earlier blanket grant).
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_entries", "audit_batches", "audit_chain_head", "audit_prune_anchors" FROM PUBLIC;
--> statement-breakpoint

-- The one DELETE of audit entries (retention pruning, L6) runs here with the owner's rights, so the
-- app role needs no DELETE privilege. The delete guard still admits only sealed entries at or below
-- an existing prune anchor, which the caller inserts first in the same transaction (AuditPruner).
-- (Two shapes of the seal: columns of audit_entries, or rows of an insert-only audit_entry_seals.)
CREATE OR REPLACE FUNCTION "audit_prune_entries"(after_seq bigint, through_seq bigint) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  removed bigint;
BEGIN
  PERFORM set_config('bianca.audit_prune_through', through_seq::text, true);
  IF to_regclass('audit_entry_seals') IS NOT NULL THEN
    DELETE FROM "audit_entries" e USING "audit_entry_seals" s
     WHERE s.entry_id = e.id AND s.seq > after_seq AND s.seq <= through_seq;
  ELSE
    DELETE FROM "audit_entries" WHERE seq > after_seq AND seq <= through_seq;
  END IF;
  GET DIAGNOSTICS removed = ROW_COUNT;
  PERFORM set_config('bianca.audit_prune_through', '', true);
  RETURN removed;
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION "audit_prune_entries"(bigint, bigint) FROM PUBLIC;
--> statement-breakpoint

-- The app role's audit privileges, in one place (run by this migration and by the deployment SQL
-- deploy/postgres/app-grants.sql after the app's other grants): on every audit_* table read and
-- append only; UPDATE only of the columns the sealer writes (the seal columns of audit_entries
-- while they exist, exported_at of audit_batches, the sealer's cursor audit_chain_head but its id;
-- the triggers still admit only sealing an unsealed entry and marking a batch exported once); and
-- the prune function. Generic over the audit_* tables, so a new insert-only audit table is covered
-- when the deployment re-runs the script after migrating. Returns false, changing nothing, when the
-- role is not named or does not exist.
CREATE OR REPLACE FUNCTION "audit_grant_app_role"(app_role text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  tbl text;
  cols text;
BEGIN
  IF app_role IS NULL OR app_role = '' OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) THEN
    RETURN false;
  END IF;
  -- The owner keeps its rights (it runs the migrations); the app role must be another role.
  IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
              WHERE c.oid = '"audit_entries"'::regclass AND r.rolname = app_role) THEN
    RAISE EXCEPTION 'audit_grant_app_role: % owns the audit tables; the app role must be a separate role', app_role;
  END IF;
  FOR tbl IN SELECT c.relname FROM pg_class c
              WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND c.relname LIKE 'audit\_%' LOOP
    EXECUTE format('REVOKE ALL ON %I FROM %I', tbl, app_role);
    EXECUTE format('GRANT SELECT, INSERT ON %I TO %I', tbl, app_role);
    SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
      FROM pg_attribute a
     WHERE a.attrelid = format('%I', tbl)::regclass AND a.attnum > 0 AND NOT a.attisdropped
       AND ((tbl = 'audit_entries' AND a.attname IN ('seq', 'batch_id', 'leaf_hash'))
         OR (tbl = 'audit_batches' AND a.attname = 'exported_at')
         OR (tbl = 'audit_chain_head' AND a.attname <> 'id'));
    IF cols IS NOT NULL THEN
      EXECUTE format('GRANT UPDATE (%s) ON %I TO %I', cols, tbl, app_role);
    END IF;
  END LOOP;
  EXECUTE format('GRANT EXECUTE ON FUNCTION "audit_prune_entries"(bigint, bigint) TO %I', app_role);
  RETURN true;
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION "audit_grant_app_role"(text) FROM PUBLIC;
--> statement-breakpoint

-- The role named by configuration: `ALTER DATABASE … SET bianca.app_role = '…'` (README).
SELECT "audit_grant_app_role"(current_setting('bianca.app_role', true));
