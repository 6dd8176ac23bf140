import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '@app/platform';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import {
  auditColumnUpdateGrants,
  auditGrantsMigrationSql,
  auditTableGrants,
  auditTables,
  expectedAppGrants,
  forbiddenAuditGrants,
  grantsOf,
  pruneFunctionGrantees,
} from './audit-grants.helpers';

/**
 * Audit log privileges (security.md L5) on the configured engine (PGlite by default, the
 * TEST_DATABASE_URL server in the second CI pass): the migration is applied, no role but the owner
 * may UPDATE, DELETE or TRUNCATE audit rows, re-running the migration is harmless, and a role named
 * by `bianca.app_role` gets exactly read + append + the seal columns. Each role-creating case runs
 * in a transaction that is rolled back (CREATE ROLE is transactional): nothing outlives the test.
 * The same with a real login role over the network: audit-grants.pg.spec.ts.
 */
describe('audit log privileges (L5)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  /** Runs `work` in a transaction that is always rolled back. */
  async function rolledBack(work: (tx: Tx) => Promise<void>): Promise<void> {
    const rollback = new Error('rollback');
    await expect(
      database.connection.db.transaction(async (tx) => {
        await work(tx);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
  }

  const roleName = (): string => `bianca_l5_${randomBytes(5).toString('hex')}`;

  it('is applied: the guarded prune function exists and nobody but the owner may execute it or change audit rows', async () => {
    const db = database.connection.db;
    const [fns] = await queryRows<{ prune: string | null; grant: string | null }>(
      db,
      sql`select to_regprocedure('audit_prune_entries(bigint, bigint)')::text as prune, to_regprocedure('audit_grant_app_role(text)')::text as grant`,
    );
    expect(fns).toEqual({ prune: 'audit_prune_entries(bigint,bigint)', grant: 'audit_grant_app_role(text)' });
    expect(await forbiddenAuditGrants(db)).toEqual([]);
    expect(await pruneFunctionGrantees(db)).toEqual([]);
  });

  it('re-running the migration without a configured role changes nothing', async () => {
    const db = database.connection.db;
    const before = { tables: await auditTableGrants(db), columns: await auditColumnUpdateGrants(db) };
    await rolledBack(async (tx) => {
      for (const statement of auditGrantsMigrationSql()) await tx.execute(sql.raw(statement));
      // A configured name that is not a role: also nothing (the deployment creates roles).
      await tx.execute(sql`select set_config('bianca.app_role', ${roleName()}, true)`);
      for (const statement of auditGrantsMigrationSql()) await tx.execute(sql.raw(statement));
      expect({ tables: await auditTableGrants(tx), columns: await auditColumnUpdateGrants(tx) }).toEqual(before);
    });
  });

  it('grants the role named by bianca.app_role read, append and the seal columns only; as that role changes are denied', async () => {
    await rolledBack(async (tx) => {
      const role = roleName();
      await tx.execute(sql.raw(`create role ${role} nologin`));
      // A blanket grant first (as a careless deployment would), then the migration narrows it.
      await tx.execute(sql.raw(`grant all on ${(await auditTables(tx)).join(', ')} to ${role}`));
      await tx.execute(sql`select set_config('bianca.app_role', ${role}, true)`);
      for (const statement of auditGrantsMigrationSql()) await tx.execute(sql.raw(statement));

      expect(await grantsOf(tx, role)).toEqual(await expectedAppGrants(tx));
      expect(await forbiddenAuditGrants(tx)).toEqual([]);
      expect(await pruneFunctionGrantees(tx)).toEqual([role]);

      // Acting as the role (SET ROLE; each attempt in its own savepoint): append works, changes do not.
      await tx.execute(sql.raw(`set local role ${role}`));
      await tx.execute(sql`insert into audit_entries (action, resource_type, outcome) values ('l5.probe', 'test', 'success')`);
      const denied = async (statement: string): Promise<string> => {
        try {
          await tx.transaction(async (sp) => {
            await sp.execute(sql.raw(statement));
          });
          return 'allowed';
        } catch (err) {
          return String((err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message);
        }
      };
      expect(await denied(`update audit_entries set reason = 'x' where action = 'l5.probe'`)).toMatch(
        /permission denied for table audit_entries/,
      );
      expect(await denied(`delete from audit_entries where action = 'l5.probe'`)).toMatch(/permission denied for table audit_entries/);
      expect(await denied('truncate audit_entries')).toMatch(/permission denied for table audit_entries/);
      expect(await denied(`update audit_batches set checkpoint = 'x'`)).toMatch(/permission denied for table audit_batches/);
      expect(await denied('delete from audit_prune_anchors')).toMatch(/permission denied for table audit_prune_anchors/);
      expect(await denied('truncate audit_chain_head')).toMatch(/permission denied for table audit_chain_head/);
      await tx.execute(sql`reset role`);
    });
  });

  it('the scan catches a migration that grants more (UPDATE, DELETE, TRUNCATE, a non-seal column) to any role', async () => {
    await rolledBack(async (tx) => {
      const role = roleName();
      await tx.execute(sql.raw(`create role ${role} nologin`));
      await tx.execute(sql.raw(`grant update on audit_entries to ${role}`));
      await tx.execute(sql.raw(`grant update (checkpoint) on audit_batches to ${role}`));
      await tx.execute(sql.raw(`grant delete, truncate on audit_prune_anchors to public`));
      const found = await forbiddenAuditGrants(tx);
      expect(found).toEqual(
        expect.arrayContaining([
          { grantee: role, table: 'audit_entries', privilege: 'UPDATE' },
          { grantee: role, table: 'audit_batches', privilege: 'UPDATE', column: 'checkpoint' },
          { grantee: 'PUBLIC', table: 'audit_prune_anchors', privilege: 'DELETE' },
          { grantee: 'PUBLIC', table: 'audit_prune_anchors', privilege: 'TRUNCATE' },
        ]),
      );
    });
  });

  it('refuses to narrow the owner itself (the app role must be a separate role)', async () => {
    await rolledBack(async (tx) => {
      const [row] = await queryRows<{ owner: string }>(
        tx,
        sql`select tableowner as owner from pg_tables where tablename = 'audit_entries'`,
      );
      const attempt = tx.transaction(async (sp) => {
        await sp.execute(sql`select audit_grant_app_role(${row.owner})`);
      });
      await expect(attempt).rejects.toMatchObject({ cause: { message: expect.stringMatching(/owns the audit tables/) } });
    });
  });
});
