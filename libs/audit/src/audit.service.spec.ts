import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { RequestContext, queryRows } from '@app/platform';
import { createTestApp, type TestApp } from '@app/testing';
import { AuditService } from './audit.service';
import { AuditUnavailableError, InvalidAuditEventError } from './audit.errors';

interface EntryRow {
  id: string;
  seq: string | null;
  org_id: string | null;
  actor_id: string | null;
  actor_role: string | null;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  action: string;
  resource_type: string;
  resource_ids: string[];
  patient_ids: string[];
  outcome: string;
  reason: string | null;
  severity: string;
}

describe('AuditService.record', () => {
  let t: TestApp;
  let audit: AuditService;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUDIT_SEAL_INTERVAL_MS: '0' } });
    audit = t.get(AuditService);
    await t.database.db.execute(sql`create table audit_test_phi (id uuid primary key, note text not null)`);
  });
  afterAll(async () => {
    await t.close();
  });

  const entriesFor = (resourceId: string): Promise<EntryRow[]> =>
    queryRows<EntryRow>(
      t.database.db,
      sql`select e.*, s.seq from audit_entries e left join audit_entry_seals s on s.entry_id = e.id
           where ${resourceId} = any(e.resource_ids) order by e.id`,
    );

  it('writes one unsealed entry joined with the request context', async () => {
    const orgId = randomUUID();
    const patientId = randomUUID();
    const actor = { id: randomUUID(), role: 'orgAdmin', orgId };
    await RequestContext.run({ requestId: 'req-123', ip: '203.0.113.9', userAgent: 'jest\r\n{"x":1}', actor }, () =>
      audit.record({
        action: 'patient.read',
        resourceType: 'patient',
        resourceIds: [patientId],
        patientIds: [patientId],
        outcome: 'success',
      }),
    );
    const [row] = await entriesFor(patientId);
    expect(row).toMatchObject({
      seq: null,
      org_id: orgId,
      actor_id: actor.id,
      actor_role: 'orgAdmin',
      request_id: 'req-123',
      ip: '203.0.113.9',
      action: 'patient.read',
      resource_type: 'patient',
      resource_ids: [patientId],
      patient_ids: [patientId],
      outcome: 'success',
      severity: 'info',
    });
    expect(row.user_agent).toBe('jest  {"x":1}');
  });

  it('lets the event override the actor and org (null: no actor)', async () => {
    const resourceId = randomUUID();
    await RequestContext.run({ requestId: 'r', actor: { id: randomUUID(), role: 'staff', orgId: randomUUID() } }, () =>
      audit.record({
        action: 'auth.login',
        resourceType: 'user',
        resourceIds: [resourceId],
        outcome: 'denied',
        reason: 'bad_password',
        actor: null,
        orgId: null,
        severity: 'warning',
      }),
    );
    const [row] = await entriesFor(resourceId);
    expect(row).toMatchObject({
      actor_id: null,
      actor_role: null,
      org_id: null,
      outcome: 'denied',
      reason: 'bad_password',
      severity: 'warning',
    });
  });

  it('commits with the surrounding transaction and rolls back with it', async () => {
    const kept = randomUUID();
    const dropped = randomUUID();
    await t.database.transaction(async (tx) => {
      await tx.execute(sql`insert into audit_test_phi (id, note) values (${kept}, 'ok')`);
      await audit.record({ action: 'patient.update', resourceType: 'patient', resourceIds: [kept], outcome: 'success' }, tx);
    });
    await expect(
      t.database.transaction(async (tx) => {
        await tx.execute(sql`insert into audit_test_phi (id, note) values (${dropped}, 'no')`);
        await audit.record({ action: 'patient.update', resourceType: 'patient', resourceIds: [dropped], outcome: 'success' }, tx);
        throw new Error('business rule failed after the audit entry');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await entriesFor(kept)).toHaveLength(1);
    expect(await entriesFor(dropped)).toHaveLength(0);
  });

  it('fails closed: when the insert fails, record() throws AuditUnavailableError (503) and the PHI write rolls back', async () => {
    const id = randomUUID();
    // Simulates the audit storage failing (spec L3: "a trigger that raises when a setting is set").
    await t.database.db.execute(
      sql.raw(`create function audit_test_fail() returns trigger language plpgsql as $$
        begin
          if current_setting('bianca.test_fail_audit', true) = 'on' then raise exception 'audit storage unavailable'; end if;
          return new;
        end $$`),
    );
    await t.database.db.execute(
      sql.raw('create trigger audit_test_fail before insert on audit_entries for each row execute function audit_test_fail()'),
    );
    try {
      const error = await t.database
        .transaction(async (tx) => {
          await tx.execute(sql`select set_config('bianca.test_fail_audit', 'on', true)`);
          await tx.execute(sql`insert into audit_test_phi (id, note) values (${id}, 'canary-phi-note')`);
          await audit.record({ action: 'patient.create', resourceType: 'patient', resourceIds: [id], outcome: 'success' }, tx);
        })
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(AuditUnavailableError);
      expect((error as AuditUnavailableError).status).toBe(503);
      const rows = await queryRows(t.database.db, sql`select id from audit_test_phi where id = ${id}`);
      expect(rows).toHaveLength(0);
      expect(await entriesFor(id)).toHaveLength(0);
    } finally {
      await t.database.db.execute(sql.raw('drop trigger audit_test_fail on audit_entries'));
      await t.database.db.execute(sql.raw('drop function audit_test_fail()'));
    }
  });

  it.each([
    ['action with spaces', { action: 'read Jane Doe' }, 'action'],
    ['upper-case reason', { reason: 'Patient said she fell' }, 'reason'],
    ['a phone number as id', { resourceIds: ['+1 555 123 4567'] }, 'resourceIds'],
    ['a name as patient id', { patientIds: ['Jane Doe'] }, 'patientIds'],
    ['a non-uuid org', { orgId: 'acme' }, 'orgId'],
    ['an unknown outcome', { outcome: 'maybe' }, 'outcome'],
  ])('refuses PHI-shaped or malformed fields (%s) without writing', async (_name, change, field) => {
    const marker = randomUUID();
    const event = { action: 'patient.read', resourceType: 'patient', resourceIds: [marker], outcome: 'success' as const, ...change };
    const error = await audit.record(event as never).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(InvalidAuditEventError);
    expect((error as Error).message).toContain(field);
    expect(await entriesFor(marker)).toHaveLength(0);
  });

  it('never stores canary PHI strings in any audit column', async () => {
    const canaries = ['Canary McPatient', '+15559870001', 'canary@example.org', 'fell down the stairs'];
    const patientId = randomUUID();
    await RequestContext.run({ requestId: randomUUID(), actor: { id: randomUUID(), role: 'staff', orgId: randomUUID() } }, async () => {
      await audit.record({
        action: 'patient.read',
        resourceType: 'patient',
        resourceIds: [patientId],
        patientIds: [patientId],
        outcome: 'success',
      });
      for (const canary of canaries) {
        await audit.record({ action: canary, resourceType: 'patient', outcome: 'success' }).catch(() => undefined);
        await audit
          .record({ action: 'patient.read', resourceType: 'patient', resourceIds: [canary], outcome: 'success' })
          .catch(() => undefined);
        await audit.record({ action: 'patient.read', resourceType: 'patient', reason: canary, outcome: 'failure' }).catch(() => undefined);
      }
    });
    const [dump] = await queryRows<{ text: string }>(
      t.database.db,
      sql`select coalesce(string_agg(audit_entries::text, E'\n'), '') as text from audit_entries`,
    );
    for (const canary of canaries) expect(dump.text).not.toContain(canary);
    expect(dump.text).toContain(patientId);
  });
});
