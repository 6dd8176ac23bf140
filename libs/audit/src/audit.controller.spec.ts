import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows } from '@app/platform';
import { createCaregiver, createOrg, createTestApp, loginAs, type TestApp } from '@app/testing';
import { AuditService } from './audit.service';
import { AuditQueryService } from './audit-query.service';
import { AuditSealer } from './audit-sealer.service';

describe('GET /v1/audit/entries (compliance officers)', () => {
  let t: TestApp;
  let orgA: { id: string };
  let orgB: { id: string };
  let adminA: string;
  let adminAId: string;
  let staffA: string;
  const patientA = randomUUID();
  const patientB = randomUUID();

  beforeAll(async () => {
    t = await createTestApp({ env: { AUDIT_SEAL_INTERVAL_MS: '0' } });
    orgA = await createOrg(t);
    orgB = await createOrg(t);
    const admin = await createCaregiver(t, { org: orgA as never, role: 'orgAdmin' });
    adminAId = admin.id;
    adminA = await loginAs(t, admin);
    staffA = await loginAs(t, await createCaregiver(t, { org: orgA as never, role: 'staff' }));
    const audit = t.get(AuditService);
    for (let i = 0; i < 3; i++) {
      await audit.record({
        action: 'patient.read',
        resourceType: 'patient',
        resourceIds: [patientA],
        patientIds: [patientA],
        orgId: orgA.id,
        outcome: 'success',
        actor: null,
      });
      await audit.record({
        action: 'patient.read',
        resourceType: 'patient',
        resourceIds: [patientB],
        patientIds: [patientB],
        orgId: orgB.id,
        outcome: 'success',
        actor: null,
      });
    }
    await audit.record({
      action: 'patient.update',
      resourceType: 'patient',
      resourceIds: [patientA],
      patientIds: [patientA],
      orgId: orgA.id,
      outcome: 'denied',
      reason: 'stale',
      actor: null,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (url: string, token?: string) => {
    const req = t.http().get(url);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  };

  it('lets an orgAdmin page through their own org only, filtered by patient and action', async () => {
    const res = await get(`/v1/audit/entries?patientId=${patientA}&limit=2`, adminA).expect(200);
    expect(res.body).toMatchObject({ page: 1, limit: 2, totalResults: 4, totalPages: 2 });
    expect(res.body.results).toHaveLength(2);
    for (const entry of res.body.results) expect(entry).toMatchObject({ orgId: orgA.id, patientIds: [patientA], sealed: false, seq: null });
    const updates = await get(`/v1/audit/entries?action=patient.update`, adminA).expect(200);
    expect(updates.body.results.map((e: { reason: string }) => e.reason)).toEqual(['stale']);
    const other = await get(`/v1/audit/entries?patientId=${patientB}`, adminA).expect(200);
    expect(other.body.totalResults).toBe(0);
  });

  it('audits the read itself (actor, org, patient filter)', async () => {
    const patient = randomUUID();
    await get(`/v1/audit/entries?patientId=${patient}`, adminA).expect(200);
    const rows = await queryRows<{ action: string; actor_id: string; actor_role: string; org_id: string }>(
      t.database.db,
      sql`select action, actor_id, actor_role, org_id from audit_entries where ${patient} = any(patient_ids)`,
    );
    expect(rows).toEqual([{ action: 'audit.entries.list', actor_id: adminAId, actor_role: 'orgAdmin', org_id: orgA.id }]);
  });

  it('answers another org like a missing one (404, audited as cross-tenant), refuses staff (403) and anonymous callers (401)', async () => {
    const foreign = await get(`/v1/audit/entries?orgId=${orgB.id}`, adminA).expect(404);
    const missing = await get(`/v1/audit/entries?orgId=${randomUUID()}`, adminA).expect(404);
    expect(foreign.body).toEqual(missing.body);
    const [denied] = await queryRows<{ reason: string }>(
      t.database.db,
      sql`select reason from audit_entries where action = 'audit.access.denied' and actor_id = ${adminAId} order by id desc limit 1`,
    );
    expect(denied?.reason).toBe('cross_tenant');
    await get('/v1/audit/entries', staffA).expect(403);
    await get('/v1/audit/entries').expect(401);
  });

  it('answers 400 for malformed filters', async () => {
    const res = await get('/v1/audit/entries?patientId=jane&from=yesterday&sortBy=actorId', adminA).expect(400);
    expect(res.body.message).toContain('must be a valid id');
    expect(res.body.message).toContain('must be an ISO 8601 date-time');
    await get('/v1/audit/entries?sortBy=reason:asc', adminA).expect(400);
  });

  it('streams CSV and NDJSON exports', async () => {
    const csv = await get(`/v1/audit/entries/export?format=csv&patientId=${patientA}`, adminA).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,seq,occurredAt,orgId,actorId,actorRole,sessionId,requestId,ip,userAgent,action,resourceType,resourceIds,patientIds,outcome,reason,severity',
    );
    expect(lines.slice(1).filter((l) => l.includes(',patient.'))).toHaveLength(4);
    expect(lines.slice(1).every((l) => l.includes(patientA))).toBe(true);
    const ndjson = await get(`/v1/audit/entries/export?patientId=${patientA}&action=patient.read`, adminA).expect(200);
    expect(ndjson.headers['content-type']).toContain('application/x-ndjson');
    const entries = ndjson.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entries).toHaveLength(3);
    expect(entries.every((e: { orgId: string }) => e.orgId === orgA.id)).toBe(true);
    await get('/v1/audit/entries/export?format=xml', adminA).expect(400);
  });

  it('gives a superAdmin every org (service level)', async () => {
    const service = t.get(AuditQueryService);
    const page = await service.list(
      { actor: { id: randomUUID(), role: 'superAdmin', orgId: null }, orgId: null },
      { action: 'patient.read' },
      { limit: 100 },
    );
    const orgs = new Set(page.results.map((e) => e.orgId));
    expect(orgs.has(orgA.id) && orgs.has(orgB.id)).toBe(true);
  });

  it('fails closed: when the read cannot be audited, the caller gets 503 and no entries', async () => {
    await t.database.db.execute(
      sql.raw(
        `create function audit_test_fail() returns trigger language plpgsql as $$ begin raise exception 'audit storage unavailable'; end $$`,
      ),
    );
    await t.database.db.execute(
      sql.raw('create trigger audit_test_fail before insert on audit_entries for each row execute function audit_test_fail()'),
    );
    try {
      const res = await get(`/v1/audit/entries?patientId=${patientA}`, adminA).expect(503);
      expect(res.body).toMatchObject({ code: 503, error: 'AuditUnavailable' });
      expect(JSON.stringify(res.body)).not.toContain(patientA);
    } finally {
      await t.database.db.execute(sql.raw('drop trigger audit_test_fail on audit_entries'));
      await t.database.db.execute(sql.raw('drop function audit_test_fail()'));
    }
  });
  it('shows the seal (sealed, seq) once an entry is sealed, in the page, the seq sort and the export', async () => {
    const patient = randomUUID();
    const audit = t.get(AuditService);
    for (let i = 0; i < 2; i++) {
      await audit.record({
        action: 'patient.read',
        resourceType: 'patient',
        resourceIds: [patient],
        patientIds: [patient],
        orgId: orgA.id,
        outcome: 'success',
        actor: null,
      });
    }
    await t.get(AuditSealer).seal();
    const res = await get(`/v1/audit/entries?patientId=${patient}&sortBy=seq:asc`, adminA).expect(200);
    expect(res.body.results).toHaveLength(2);
    for (const entry of res.body.results) expect(entry).toMatchObject({ sealed: true, seq: expect.stringMatching(/^\d+$/) });
    const seqs = res.body.results.map((e: { seq: string }) => Number(e.seq));
    expect(seqs[1]).toBeGreaterThan(seqs[0]);
    const exported = await get(`/v1/audit/entries/export?patientId=${patient}&format=ndjson`, adminA).expect(200);
    const lines = exported.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: string; sealed: boolean; action: string })
      .filter((l) => l.action === 'patient.read'); // the page read above is audited (unsealed) too
    expect(lines.map((l) => [l.seq, l.sealed])).toEqual(seqs.map((seq: number) => [String(seq), true]));
  });
});
