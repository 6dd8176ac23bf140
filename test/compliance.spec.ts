import { sql } from 'drizzle-orm';
import { AuditVerifier } from '@app/audit';
import { BreachDetector } from '@app/compliance';
import { readOutbox } from '@app/notifications';
import { Clock, QueueService, queryRows, type JobName } from '@app/platform';
import { createCaregiver, createOrg, createPatient, createTestApp, loginAs, TEST_PASSWORD, uniqueSuffix, type TestApp } from '@app/testing';

/** Enqueues a job and waits until the worker finished it (completed jobs are removed; failed ones throw). */
async function runJob(t: TestApp, name: JobName, queueName: string): Promise<void> {
  const queues = t.get(QueueService);
  const id = await queues.enqueue(name, {});
  const queue = queues.queue(queueName);
  for (;;) {
    const job = await queue.getJob(id);
    if (!job || (await job.isCompleted())) return;
    if (await job.isFailed()) throw new Error(`job ${name} failed: ${job.failedReason}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('compliance: break-glass, breach detection', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '100000' } });
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  async function team() {
    const org = await createOrg(t);
    const admin = await createCaregiver(t, { org, role: 'orgAdmin' });
    const staff = await createCaregiver(t, { org, role: 'staff' });
    const superAdmin = await createCaregiver(t, { role: 'superAdmin' });
    const patient = await createPatient(t, staff, { name: `Canary Person ${uniqueSuffix()}` });
    return {
      org,
      admin,
      staff,
      superAdmin,
      patient,
      adminAuth: `Bearer ${await loginAs(t, admin)}`,
      staffAuth: `Bearer ${await loginAs(t, staff)}`,
      superAuth: `Bearer ${await loginAs(t, superAdmin)}`,
    };
  }

  const REASON = 'Patient family reports a missed medication alert; ticket 4411';

  describe('break-glass (Z6/Z7)', () => {
    it('validates duration (≤ 60 min), reason (required, 20..1000 chars) and the caller role', async () => {
      const { org, superAuth, adminAuth } = await team();
      const post = (auth: string, body: object) => t.http().post('/v1/compliance/break-glass').set('Authorization', auth).send(body);
      await post(superAuth, { orgId: org.id, reason: REASON, durationMinutes: 61 }).expect(400);
      await post(superAuth, { orgId: org.id, reason: REASON, durationMinutes: 0 }).expect(400);
      await post(superAuth, { orgId: org.id, durationMinutes: 10 }).expect(400);
      await post(superAuth, { orgId: org.id, reason: 'too short', durationMinutes: 10 }).expect(400);
      await post(superAuth, { orgId: org.id, reason: 'x'.repeat(1001), durationMinutes: 10 }).expect(400);
      await post(adminAuth, { orgId: org.id, reason: REASON, durationMinutes: 10 }).expect(403);
      await post(superAuth, { orgId: '00000000-0000-4000-8000-000000000000', reason: REASON, durationMinutes: 10 }).expect(404);
    });

    it('opens PHI reads of one org only while the grant is active; audited high; alerts the org admins; expires by the clock', async () => {
      const { org, admin, patient, superAdmin, superAuth } = await team();
      const other = await team();
      const read = (id: string) => t.http().get(`/v1/patients/${id}`).set('Authorization', superAuth);
      await read(patient.id).expect(403);

      const created = await t
        .http()
        .post('/v1/compliance/break-glass')
        .set('Authorization', superAuth)
        .send({ orgId: org.id, reason: REASON, durationMinutes: 2 })
        .expect(201);
      const grantId = created.body.id as string;
      expect(new Date(created.body.expiresAt).getTime() - new Date(created.body.createdAt).getTime()).toBe(2 * 60_000);

      const res = await read(patient.id).expect(200);
      expect(res.body.id).toBe(patient.id);
      // Another org's patient stays out of reach (404, like a missing one).
      await read(other.patient.id).expect(404);
      // Read-only: no writes through break-glass.
      await t.http().patch(`/v1/patients/${patient.id}`).set('Authorization', superAuth).send({ notes: 'x' }).expect(403);

      const audit = await queryRows<{ action: string; severity: string; actor_id: string }>(
        t.database.db,
        sql`select action, severity, actor_id from audit_entries where actor_id = ${superAdmin.id} and org_id = ${org.id}::uuid`,
      );
      expect(audit).toEqual(
        expect.arrayContaining([
          { action: 'compliance.break_glass.create', severity: 'high', actor_id: superAdmin.id },
          { action: 'compliance.break_glass.use', severity: 'high', actor_id: superAdmin.id },
        ]),
      );
      // The reason is stored encrypted, never in clear.
      const [grant] = await queryRows<{ reason_encrypted: string }>(
        t.database.db,
        sql`select reason_encrypted from compliance_break_glass_grants where id = ${grantId}::uuid`,
      );
      expect(grant.reason_encrypted).not.toContain('medication');
      const alerts = await queryRows<{ recipient_id: string; kind: string }>(
        t.database.db,
        sql`select recipient_id, kind from compliance_alerts where ref_id = ${grantId}::uuid`,
      );
      expect(alerts).toEqual([{ recipient_id: admin.id, kind: 'break_glass.created' }]);

      // 3 minutes later the grant has expired by itself (no sleeping: the Clock moves).
      const later = new Date(Date.now() + 3 * 60_000);
      jest.spyOn(t.get(Clock), 'now').mockReturnValue(later);
      await read(patient.id).expect(403);
      // An expired grant cannot be revoked any more.
      await t.http().delete(`/v1/compliance/break-glass/${grantId}`).set('Authorization', superAuth).expect(404);
    });

    it('is revoked early by a superAdmin (audited), after which PHI reads are refused again', async () => {
      const { org, patient, superAuth, adminAuth } = await team();
      const created = await t
        .http()
        .post('/v1/compliance/break-glass')
        .set('Authorization', superAuth)
        .send({ orgId: org.id, reason: REASON, durationMinutes: 60 })
        .expect(201);
      await t.http().get(`/v1/patients/${patient.id}`).set('Authorization', superAuth).expect(200);
      await t.http().delete(`/v1/compliance/break-glass/${created.body.id}`).set('Authorization', adminAuth).expect(403);
      const revoked = await t.http().delete(`/v1/compliance/break-glass/${created.body.id}`).set('Authorization', superAuth).expect(200);
      expect(revoked.body.revokedAt).toEqual(expect.any(String));
      await t.http().get(`/v1/patients/${patient.id}`).set('Authorization', superAuth).expect(403);
      const rows = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from audit_entries where action = 'compliance.break_glass.revoke' and ${created.body.id} = any(resource_ids)`,
      );
      expect(rows[0].n).toBe(1);
    });
  });

  describe('breach detection (B1/B2) through the scheduled job', () => {
    it('failed logins, PHI read volume and superAdmin PHI access each open one breach and alert the admins; re-runs never duplicate', async () => {
      const { org, admin, staff, patient, superAdmin, superAuth } = await team();
      // ≥ 10 failed logins for one account in 15 min.
      for (let i = 0; i < 10; i++) {
        await t
          .http()
          .post('/v1/auth/login')
          .send({ email: staff.email, password: `${TEST_PASSWORD}-wrong` });
      }
      // superAdmin PHI access through break-glass.
      await t
        .http()
        .post('/v1/compliance/break-glass')
        .set('Authorization', superAuth)
        .send({ orgId: org.id, reason: REASON, durationMinutes: 10 })
        .expect(201);
      await t.http().get(`/v1/patients/${patient.id}`).set('Authorization', superAuth).expect(200);

      await runJob(t, 'compliance.breach-detect', 'compliance');
      await runJob(t, 'compliance.breach-detect', 'compliance');

      const breaches = await queryRows<{ id: string; rule: string; subject: string; severity: string }>(
        t.database.db,
        sql`select id, rule, subject, severity from compliance_breaches where org_id = ${org.id}::uuid order by rule`,
      );
      expect(breaches.map((b) => [b.rule, b.subject])).toEqual([
        ['failed_logins_account', staff.id],
        ['superadmin_phi_access', superAdmin.id],
      ]);
      const alerts = await queryRows<{ recipient_id: string; kind: string; ref_id: string }>(
        t.database.db,
        sql`select recipient_id, kind, ref_id from compliance_alerts where org_id = ${org.id}::uuid and kind = 'breach.detected'`,
      );
      for (const b of breaches) {
        expect(alerts.filter((a) => a.ref_id === b.id).map((a) => a.recipient_id)).toEqual(
          expect.arrayContaining([admin.id, superAdmin.id]),
        );
      }

      // The org admin reads its breach log over HTTP (audited) and acknowledges one.
      const adminAuth = `Bearer ${await loginAs(t, admin)}`;
      const list = await t.http().get('/v1/compliance/breaches').set('Authorization', adminAuth).expect(200);
      expect(list.body.results.map((b: { rule: string }) => b.rule).sort()).toEqual(['failed_logins_account', 'superadmin_phi_access']);
      const patched = await t
        .http()
        .patch(`/v1/compliance/breaches/${breaches[0].id}`)
        .set('Authorization', adminAuth)
        .send({ status: 'acknowledged' })
        .expect(200);
      expect(patched.body.status).toBe('acknowledged');
      const other = await team();
      await t
        .http()
        .patch(`/v1/compliance/breaches/${breaches[0].id}`)
        .set('Authorization', other.adminAuth)
        .send({ status: 'acknowledged' })
        .expect(404);
    });

    it('PHI access outside the org’s business hours fires off_hours_access (medium), once per actor and hour', async () => {
      const { org, admin, adminAuth, patient } = await team();
      const hour = new Date().getUTCHours();
      const start = `${String((hour + 6) % 24).padStart(2, '0')}:00`;
      const end = `${String((hour + 7) % 24).padStart(2, '0')}:00`;
      await t
        .http()
        .patch('/v1/compliance/settings')
        .set('Authorization', adminAuth)
        .send({ businessHours: { timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start, end } })
        .expect(200);
      await t
        .http()
        .patch('/v1/compliance/settings')
        .set('Authorization', adminAuth)
        .send({ businessHours: { timezone: 'Mars/Olympus', days: [1], start, end } })
        .expect(400);
      await t.http().get(`/v1/patients/${patient.id}`).set('Authorization', adminAuth).expect(200);
      await t.http().get(`/v1/patients/${patient.id}`).set('Authorization', adminAuth).expect(200);
      await runJob(t, 'compliance.breach-detect', 'compliance');
      const rows = await queryRows<{ rule: string; subject: string; severity: string }>(
        t.database.db,
        sql`select rule, subject, severity from compliance_breaches where org_id = ${org.id}::uuid`,
      );
      expect(rows).toEqual([{ rule: 'off_hours_access', subject: admin.id, severity: 'medium' }]);
      const mail = await readOutbox(t.config.dataDir, admin.email);
      expect(mail.map((m) => m.subject)).toContain('Bianca security alert: breach.detected');
    });

    it('escalates open incidents at day 30 and day 50 of the 60-day notification clock, once each', async () => {
      const { org, admin, adminAuth, patient } = await team();
      const hour = new Date().getUTCHours();
      await t
        .http()
        .patch('/v1/compliance/settings')
        .set('Authorization', adminAuth)
        .send({
          businessHours: {
            timezone: 'UTC',
            days: [1, 2, 3, 4, 5, 6, 7],
            start: `${String((hour + 3) % 24).padStart(2, '0')}:00`,
            end: `${String((hour + 4) % 24).padStart(2, '0')}:00`,
          },
        })
        .expect(200);
      await t.http().get(`/v1/patients/${patient.id}`).set('Authorization', adminAuth).expect(200);
      const run = await t.get(BreachDetector).run();
      const breach = run.breaches.find((b) => b.orgId === org.id);
      expect(breach).toBeDefined();
      const clock = jest.spyOn(t.get(Clock), 'now');
      clock.mockReturnValue(new Date(Date.now() + 31 * 86_400_000));
      await t.get(BreachDetector).checkDeadlines();
      clock.mockReturnValue(new Date(Date.now() + 51 * 86_400_000));
      await t.get(BreachDetector).checkDeadlines();
      await t.get(BreachDetector).checkDeadlines();
      clock.mockRestore();
      const alerts = await queryRows<{ kind: string }>(
        t.database.db,
        sql`select kind from compliance_alerts where ref_id = ${breach?.id ?? ''}::uuid and recipient_id = ${admin.id} order by kind`,
      );
      expect(alerts.map((a) => a.kind)).toEqual(['breach.detected', 'breach.escalation_day30', 'breach.escalation_day50']);
    });

    it('reads across > 50 distinct patients by one actor fires phi_read_volume (critical)', async () => {
      const { org, admin, adminAuth } = await team();
      const patients = [];
      for (let i = 0; i < 51; i++) patients.push(await createPatient(t, admin));
      for (const p of patients) await t.http().get(`/v1/patients/${p.id}`).set('Authorization', adminAuth).expect(200);
      const run = await t.get(BreachDetector).run();
      expect(run.breaches.filter((b) => b.orgId === org.id).map((b) => [b.rule, b.subject, b.severity])).toEqual([
        ['phi_read_volume', admin.id, 'critical'],
      ]);
      const again = await t.get(BreachDetector).run();
      expect(again.breaches.filter((b) => b.orgId === org.id)).toEqual([]);
      expect((await t.get(AuditVerifier).verify()).ok).toBe(true);
    });
  });
});
