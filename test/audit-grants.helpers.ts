import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrationsFolder, queryRows, type DbOrTx } from '@app/platform';

/**
 * Privileges on the audit log (security.md L5), shared by test/audit-grants.spec.ts (every engine)
 * and test/audit-grants.pg.spec.ts (a real server, a real login role).
 */
/** What anyone but the owner may hold at table level on an audit table: read and append. */
export const APP_TABLE_PRIVILEGES = ['INSERT', 'SELECT'];

/**
 * The only columns anyone but the owner may UPDATE: what the sealer writes (the seal columns of
 * audit_entries while the seal lives there, the export mark of a batch, the sealer's cursor row).
 */
export function updatableAuditColumn(table: string, column: string): boolean {
  if (table === 'audit_entries') return ['seq', 'batch_id', 'leaf_hash'].includes(column);
  if (table === 'audit_batches') return column === 'exported_at';
  if (table === 'audit_chain_head') return column !== 'id';
  return false;
}

export interface Grant {
  grantee: string;
  table: string;
  privilege: string;
  column?: string;
}

/** Every audit table (audit_*), read from the catalog so that a new one is covered without edits. */
export async function auditTables(db: DbOrTx): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables
         where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name like 'audit\\_%' order by 1`,
  );
  return rows.map((r) => r.name);
}

/** The UPDATE-able columns of each audit table, as the rule above allows them (for exact comparisons). */
export async function expectedUpdatableColumns(db: DbOrTx): Promise<Record<string, string[]>> {
  const rows = await queryRows<{ table_name: string; column_name: string }>(
    db,
    sql`select table_name, column_name from information_schema.columns
         where table_schema = current_schema() and table_name like 'audit\\_%' order by 1, 2`,
  );
  const tables = await auditTables(db);
  return Object.fromEntries(
    tables.map((t) => [t, rows.filter((r) => r.table_name === t && updatableAuditColumn(t, r.column_name)).map((r) => r.column_name)]),
  );
}

/**
 * Table-level grants on the audit tables to anyone but their owner (PUBLIC included), from
 * information_schema.role_table_grants (the caller is a superuser here, so it sees every role).
 */
export async function auditTableGrants(db: DbOrTx): Promise<Grant[]> {
  const rows = await queryRows<{ grantee: string; table_name: string; privilege_type: string }>(
    db,
    sql`select g.grantee, g.table_name, g.privilege_type
          from information_schema.role_table_grants g
          join pg_tables t on t.schemaname = g.table_schema and t.tablename = g.table_name
         where g.table_schema = current_schema() and g.table_name like 'audit\\_%' and g.grantee <> t.tableowner
         order by 1, 2, 3`,
  );
  return rows.map((r) => ({ grantee: r.grantee, table: r.table_name, privilege: r.privilege_type }));
}

/** Column-level UPDATE grants on the audit tables to anyone but their owner (information_schema.column_privileges). */
export async function auditColumnUpdateGrants(db: DbOrTx): Promise<Grant[]> {
  const rows = await queryRows<{ grantee: string; table_name: string; column_name: string }>(
    db,
    sql`select c.grantee, c.table_name, c.column_name
          from information_schema.column_privileges c
          join pg_tables t on t.schemaname = c.table_schema and t.tablename = c.table_name
         where c.table_schema = current_schema() and c.table_name like 'audit\\_%' and c.grantee <> t.tableowner
           and c.privilege_type = 'UPDATE'
         order by 1, 2, 3`,
  );
  return rows.map((r) => ({ grantee: r.grantee, table: r.table_name, privilege: 'UPDATE', column: r.column_name }));
}

/** One role's grants, per audit table: table privileges and UPDATE-able columns. */
export async function grantsOf(db: DbOrTx, role: string): Promise<{ tables: Record<string, string[]>; columns: Record<string, string[]> }> {
  const tables = await auditTables(db);
  const tableGrants = (await auditTableGrants(db)).filter((g) => g.grantee === role);
  const columnGrants = (await auditColumnUpdateGrants(db)).filter((g) => g.grantee === role);
  return {
    tables: Object.fromEntries(
      tables.map((t) => [
        t,
        tableGrants
          .filter((g) => g.table === t)
          .map((g) => g.privilege)
          .sort(),
      ]),
    ),
    columns: Object.fromEntries(
      tables.map((t) => [
        t,
        columnGrants
          .filter((g) => g.table === t)
          .map((g) => g.column ?? '')
          .sort(),
      ]),
    ),
  };
}

/** What the app role must hold: read + append on every audit table, UPDATE of the sealer's columns. */
export async function expectedAppGrants(db: DbOrTx): Promise<{ tables: Record<string, string[]>; columns: Record<string, string[]> }> {
  const tables = await auditTables(db);
  const columns = await expectedUpdatableColumns(db);
  return {
    tables: Object.fromEntries(tables.map((t) => [t, APP_TABLE_PRIVILEGES])),
    columns: Object.fromEntries(tables.map((t) => [t, [...(columns[t] ?? [])].sort()])),
  };
}

/**
 * Every grant on the audit log that would let someone other than the owner change or remove audit
 * rows: table-level UPDATE/DELETE/TRUNCATE (or anything beyond the app's read-and-append set), and
 * column UPDATE outside the seal columns. A migration that grants more fails the tests through this.
 */
export async function forbiddenAuditGrants(db: DbOrTx): Promise<Grant[]> {
  const tableGrants = (await auditTableGrants(db)).filter((g) => !APP_TABLE_PRIVILEGES.includes(g.privilege));
  const columnGrants = (await auditColumnUpdateGrants(db)).filter((g) => !updatableAuditColumn(g.table, g.column ?? ''));
  return [...tableGrants, ...columnGrants];
}

/** Roles (PUBLIC included) that may EXECUTE the owner-rights prune function. */
export async function pruneFunctionGrantees(db: DbOrTx): Promise<string[]> {
  const rows = await queryRows<{ grantee: string }>(
    db,
    sql`select distinct coalesce(r.rolname, 'PUBLIC') as grantee
          from pg_proc p
          cross join lateral aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
          left join pg_roles r on r.oid = a.grantee
         where p.oid = 'audit_prune_entries(bigint, bigint)'::regprocedure and a.privilege_type = 'EXECUTE' and a.grantee <> p.proowner
         order by 1`,
  );
  return rows.map((r) => r.grantee);
}

/** The deployment's grant script (README, Security notes) for `role`, as psql would run it. */
export function appGrantsSql(role: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`unsafe role name ${role}`);
  const script = readFileSync(join(__dirname, '..', 'deploy', 'postgres', 'app-grants.sql'), 'utf8');
  return script.replaceAll(':"app_role"', `"${role}"`).replaceAll(":'app_role'", `'${role}'`);
}

/**
 * The L5 migration's statements (re-run to show it is idempotent and honours `bianca.app_role`),
 * found by content so that squashing migrations does not break the test.
 */
export function auditGrantsMigrationSql(): string[] {
  const files = readdirSync(migrationsFolder)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => readFileSync(join(migrationsFolder, f), 'utf8'))
    .filter((text) => text.includes('FUNCTION "audit_grant_app_role"'));
  if (files.length !== 1) throw new Error(`expected one migration defining audit_grant_app_role, found ${files.length}`);
  return files[0]
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter(Boolean);
}
