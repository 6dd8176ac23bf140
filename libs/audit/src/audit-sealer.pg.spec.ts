import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { sql } from 'drizzle-orm';
import { queryRows } from '@app/platform';
import { createTestApp, createTestDatabase, type TestApp, type TestDatabase } from '@app/testing';
import { AuditService } from './audit.service';
import { AuditSealer } from './audit-sealer.service';
import { AuditVerifier } from './audit-verifier';

/**
 * Sealing adds seal rows instead of rewriting entries, so "unsealed" means "no seal row"; the
 * sealer searches from a floor (AuditChainRepository.advanceFloor). An entry whose transaction
 * commits late, with an id below entries sealed meanwhile, must still be sealed: the floor may not
 * move past it while its transaction is open. Needs a second connection, so PostgreSQL only.
 */
describe('AuditSealer with a slow writer (PostgreSQL server)', () => {
  let database: TestDatabase;
  let t: TestApp;
  let slow: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await createTestApp({ database, env: { AUDIT_SEAL_INTERVAL_MS: '0', ROLES: 'api' } });
    slow = new Client({ connectionString: database.url });
    await slow.connect();
  });
  afterAll(async () => {
    await slow?.end();
    await t?.close();
  });

  const record = (): Promise<void> =>
    t.get(AuditService).record({ action: 'patient.read', resourceType: 'patient', orgId: randomUUID(), outcome: 'success', actor: null });

  it('seals an entry committed after later ids were sealed, and the chain verifies', async () => {
    const sealer = t.get(AuditSealer);
    await record();
    await sealer.seal();
    await slow.query('begin');
    const inserted = await slow.query<{ id: string }>(
      `insert into audit_entries (action, resource_type, outcome) values ('patient.read', 'patient', 'success') returning id::text as id`,
    );
    const lateId = inserted.rows[0].id;
    for (let i = 0; i < 3; i++) {
      await record();
      await sealer.seal();
    }
    const [head] = await queryRows<{ floor: string }>(t.database.db, sql`select sealed_floor_id::text as floor from audit_chain_head`);
    expect(Number(head.floor)).toBeLessThan(Number(lateId));
    await slow.query('commit');
    await sealer.seal();
    const [seal] = await queryRows<{ n: string }>(
      t.database.db,
      sql`select count(*)::text as n from audit_entry_seals where entry_id = ${lateId}`,
    );
    expect(seal.n).toBe('1');
    expect(await t.get(AuditVerifier).verify()).toMatchObject({ ok: true, unsealed: 0 });
    // Once nothing old is open, the floor catches up with the sealed entries.
    await sealer.seal();
    await sealer.seal();
    const [after] = await queryRows<{ floor: string; max: string }>(
      t.database.db,
      sql`select (select sealed_floor_id from audit_chain_head)::text as floor, (select max(id) from audit_entries)::text as max`,
    );
    expect(Number(after.floor)).toBe(Number(after.max));
  });
});
