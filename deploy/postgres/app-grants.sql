-- Least-privilege grants for the application role (README, Security notes; security.md L5).
-- Run as the owner role after every migration, e.g.
--   psql "$OWNER_DATABASE_URL" -v app_role=bianca_app -f deploy/postgres/app-grants.sql
-- Idempotent. test/audit-grants.pg.spec.ts runs this file as written.

-- Read the migration journal (the app checks it at start and runs no DDL when it is up to date).
GRANT USAGE ON SCHEMA drizzle TO :"app_role";
GRANT SELECT ON drizzle.__drizzle_migrations TO :"app_role";

-- Application data: row operations only (no TRUNCATE, REFERENCES, TRIGGER or DDL).
GRANT USAGE ON SCHEMA public TO :"app_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";

-- Last, because the blanket grant above covers them too: the audit tables go back to read and
-- append, UPDATE of the seal columns only, and the guarded prune function (migration audit_grants).
SELECT audit_grant_app_role(:'app_role');
