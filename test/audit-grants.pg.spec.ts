import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AuditSealer, AuditService, AuditVerifier } from '@app/audit';
import { RetentionService } from '@app/compliance';
import { Clock, PostgresConnection } from '@app/platform';
import { createTestApp, createTestDatabase, testState, type TestApp, type TestDatabase } from '@app/testing';
import { appGrantsSql, expectedAppGrants, forbiddenAuditGrants, grantsOf, pruneFunctionGrantees } from './audit-grants.helpers';

/**
 * Audit log privileges (security.md L5) on a real PostgreSQL server, with a real login role set up
 * by the deployment script the README documents (deploy/postgres/app-grants.sql): as that role,
 * appending works and UPDATE, DELETE and TRUNCATE answer `permission denied` (the privilege, not
 * the triggers); the whole app runs as that role, and sealing and retention pruning still work.
 * Only in the test list when TEST_DATABASE_URL is set (jest.config.cjs: *.pg.spec.ts).
 */
const DAY_MS = 86_400_000;

describe('audit log privileges for a login app role (L5, PostgreSQL server)', () => {
  const base = testState().databaseUrl;
  const role = `bianca_l5_${randomBytes(5).toString('hex')}`;
  const password = randomBytes(18).toString('base64url');
  let database: TestDatabase;
  let admin: Client;
  let appUrl: string;

  beforeAll(async () => {
    if (!base) throw new Error('audit-grants.pg.spec.ts needs TEST_DATABASE_URL (jest.config.cjs lists it only then)');
    database = await createTestDatabase();
    admin = new Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`create role ${role} login password '${password}'`);
    await admin.query(appGrantsSql(role));
    const url = new URL(database.url!);
    url.username = role;
    url.password = password;
    appUrl = url.toString();
  });
  afterAll(async () => {
    await admin?.end();
    await database?.drop();
    if (!base) return;
    const cluster = new Client({ connectionString: base });
    await cluster.connect();
    try {
      await cluster.query(`drop role if exists ${role}`);
    } finally {
      await cluster.end();
    }
  });

  it('the documented grants give the app role read + append + seal columns, and nothing that changes audit rows', async () => {
    const db = database.connection.db;
    expect(await grantsOf(db, role)).toEqual(await expectedAppGrants(db));
    // Any role at all (PUBLIC included): a migration granting more fails here.
    expect(await forbiddenAuditGrants(db)).toEqual([]);
    expect(await pruneFunctionGrantees(db)).toEqual([role]);
  });

  it('connected as the app role: INSERT works; UPDATE of a non-seal column, DELETE and TRUNCATE are denied by privilege', async () => {
    const app = new Client({ connectionString: appUrl });
    await app.connect();
    try {
      const { rows } = await app.query<{ id: string; who: string }>(
        `insert into audit_entries (action, resource_type, outcome) values ('l5.probe', 'test', 'success') returning id::text, current_user as who`,
      );
      expect(rows[0]?.who).toBe(role);
      const id = rows[0].id;
      const attempt = async (statement: string): Promise<{ code?: string; message: string } | 'allowed'> => {
        try {
          await app.query(statement);
          return 'allowed';
        } catch (err) {
          const e = err as { code?: string; message: string };
          return { code: e.code, message: e.message };
        }
      };
      const denied = (table: string) => ({ code: '42501', message: `permission denied for table ${table}` });
      expect(await attempt(`update audit_entries set reason = 'forged' where id = ${id}`)).toEqual(denied('audit_entries'));
      expect(await attempt(`update audit_entries set occurred_at = now() - interval '1 day' where id = ${id}`)).toEqual(
        denied('audit_entries'),
      );
      expect(await attempt(`delete from audit_entries where id = ${id}`)).toEqual(denied('audit_entries'));
      expect(await attempt('truncate audit_entries')).toEqual(denied('audit_entries'));
      expect(await attempt(`update audit_batches set checkpoint = 'forged'`)).toEqual(denied('audit_batches'));
      expect(await attempt('delete from audit_batches')).toEqual(denied('audit_batches'));
      expect(await attempt('truncate audit_batches, audit_prune_anchors')).toEqual(denied('audit_batches'));
      expect(await attempt('delete from audit_prune_anchors')).toEqual(denied('audit_prune_anchors'));
      expect(await attempt('delete from audit_chain_head')).toEqual(denied('audit_chain_head'));
      // The owner-rights prune function removes only sealed entries (this one is not).
      const pruned = await app.query<{ n: string }>(`select audit_prune_entries(0, 9999999)::text as n`);
      expect(pruned.rows[0]?.n).toBe('0');
      const left = await app.query<{ n: string }>(`select count(*)::text as n from audit_entries where id = ${id} and reason is null`);
      expect(left.rows[0]?.n).toBe('1');
    } finally {
      await app.end();
    }
  });

  it('the whole app runs as the app role: boot (no DDL), audit, seal, export, retention prune and verify', async () => {
    const connection = PostgresConnection.create(appUrl, { max: 5 });
    // Migrations are up to date (the owner ran them): the app role's start-up migrate is a no-op.
    await connection.migrate();
    let t: TestApp | undefined;
    try {
      t = await createTestApp({
        env: { AUDIT_SEAL_INTERVAL_MS: '0', ROLES: 'api' },
        database: { connection, url: appUrl, drop: () => connection.close() },
      });
      const orgId = randomUUID();
      for (let i = 0; i < 12; i++) {
        const patientId = randomUUID();
        await t.get(AuditService).record({
          action: 'patient.read',
          resourceType: 'patient',
          resourceIds: [patientId],
          patientIds: [patientId],
          orgId,
          outcome: 'success',
          actor: { id: randomUUID(), role: 'staff', orgId },
        });
      }
      const sealed = await t.get(AuditSealer).seal({ batchSize: 5 });
      expect(sealed.entries).toBeGreaterThanOrEqual(12);
      expect(sealed.exported).toBe(sealed.batches);

      // Sealed entries, but no signed prune anchor: the guard refuses the owner-rights delete.
      const raw = new Client({ connectionString: appUrl });
      await raw.connect();
      try {
        await expect(raw.query('select audit_prune_entries(0, 9999999)')).rejects.toMatchObject({
          code: '42501',
          message: expect.stringMatching(/append-only: DELETE rejected/),
        });
      } finally {
        await raw.end();
      }

      // 7 years + 2 days later (injected clock): the sealed, exported prefix is pruned through the
      // owner-rights function; the chain still verifies from the signed anchor.
      jest.spyOn(t.get(Clock), 'now').mockReturnValue(new Date(Date.now() + 2559 * DAY_MS));
      const pruned = await t.get(RetentionService).pruneAudit();
      expect(pruned.entries).toBeGreaterThanOrEqual(10);
      jest.restoreAllMocks();
      await t.get(AuditSealer).seal({ batchSize: 5 });
      expect(await t.get(AuditVerifier).verify()).toMatchObject({ ok: true, prunedThroughSeq: pruned.prunedThroughSeq, pruneAnchors: 1 });
    } finally {
      jest.restoreAllMocks();
      if (t) await t.close();
      else await connection.close();
    }
  });
});
