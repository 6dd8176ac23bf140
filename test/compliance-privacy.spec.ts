import { sql } from 'drizzle-orm';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { AuditSealer, AuditVerifier } from '@app/audit';
import { runReencrypt } from '@app/compliance';
import { AnalysisService } from '@app/analysis';
import { CallDispatchRepository } from '@app/calls';
import { ConversationService } from '@app/conversations';
import { FieldCipher, QueueService, queryRows, type JobName } from '@app/platform';
import {
  createCaregiver,
  createConversation,
  createOrg,
  createPatient,
  createSchedule,
  createTestApp,
  createTestDatabase,
  loginAs,
  raiseAlert,
  uniqueSuffix,
  type TestApp,
} from '@app/testing';
import { randomBytes } from 'node:crypto';

/** Minimal zip reader (central directory + stored/deflated entries): name → content. */
function unzip(buffer: Buffer): Map<string, Buffer> {
  let eocd = buffer.length - 22;
  while (eocd >= 0 && buffer.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip archive');
  const count = buffer.readUInt16LE(eocd + 10);
  let offset = buffer.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(offset) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = buffer.readUInt16LE(offset + 10);
    const compressed = buffer.readUInt32LE(offset + 20);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    const local = buffer.readUInt32LE(offset + 42);
    const name = buffer.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    const dataStart = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
    const data = buffer.subarray(dataStart, dataStart + compressed);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return files;
}

function binary(res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

async function runJob(t: TestApp, name: JobName): Promise<void> {
  const queues = t.get(QueueService);
  const id = await queues.enqueue(name, {});
  const queue = queues.queue('compliance');
  for (;;) {
    const job = await queue.getJob(id);
    if (!job || (await job.isCompleted())) return;
    if (await job.isFailed()) throw new Error(`job ${name} failed: ${job.failedReason}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every audit entry that mentions `canary` anywhere (all columns, as text). */
async function auditMentions(t: TestApp, canary: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    t.database.db,
    sql`select count(*)::int as n from audit_entries a where position(${canary.toLowerCase()} in lower(row_to_json(a)::text)) > 0`,
  );
  return rows[0].n;
}

describe('compliance: privacy (consent, export, erasure), retention, fail-closed, key rotation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function team() {
    const org = await createOrg(t);
    const admin = await createCaregiver(t, { org, role: 'orgAdmin' });
    const staff = await createCaregiver(t, { org, role: 'staff' });
    const canary = `Zebulon${uniqueSuffix()}`;
    const patient = await createPatient(t, staff, {
      name: `${canary} Quackenbush`,
      notes: `${canary} takes warfarin`,
      medications: [`${canary}-mycin`],
    });
    return {
      org,
      admin,
      staff,
      patient,
      canary,
      adminAuth: `Bearer ${await loginAs(t, admin)}`,
      staffAuth: `Bearer ${await loginAs(t, staff)}`,
    };
  }

  /** A completed call of the patient with its stored sentiment, medical and fraud analyses, and its call attempt. */
  async function analysedCall(patient: { id: string; orgId: string }, content: string): Promise<{ conversationId: string }> {
    const conversation = await createConversation(t, patient as Parameters<typeof createConversation>[1], [
      { role: 'assistant', content: 'How was your week?' },
      { role: 'patient', content },
    ]);
    const start = new Date(Date.now() - 3_600_000);
    await t.get(ConversationService).updateCall(patient.orgId, conversation.id, {
      status: 'completed',
      callStatus: 'ended',
      callOutcome: 'answered',
      startTime: start,
      endTime: new Date(start.getTime() + 120_000),
      duration: 120,
    });
    const analysis = t.get(AnalysisService);
    expect(await analysis.analyzeConversation(patient.orgId, conversation.id)).toMatchObject({ status: 'analyzed' });
    expect(await analysis.analyzePatient(patient.orgId, patient.id, `privacy-${conversation.id}`)).toEqual({ medical: true, fraud: true });
    await t.get(CallDispatchRepository).insert({
      id: conversation.id,
      orgId: patient.orgId,
      patientId: patient.id,
      trigger: 'manual',
      direction: 'outbound',
      provider: 'fake',
      state: 'ended',
      outcome: 'answered',
    });
    return { conversationId: conversation.id };
  }

  describe('consent', () => {
    it('records grants and withdrawals with timestamps per patient (audited), current state per type', async () => {
      const { patient, adminAuth, staffAuth, canary } = await team();
      const url = `/v1/privacy/patients/${patient.id}/consents`;
      const initial = await t.http().get(url).set('Authorization', adminAuth).expect(200);
      expect(initial.body.consents).toEqual(
        expect.arrayContaining([{ type: 'ai_disclosure', status: 'unknown', grantedAt: null, withdrawnAt: null }]),
      );
      await t.http().post(url).set('Authorization', adminAuth).send({ type: 'ai_disclosure', status: 'granted' }).expect(201);
      await t
        .http()
        .post(url)
        .set('Authorization', adminAuth)
        .send({ type: 'recording', status: 'granted', effectiveAt: '2026-01-02T10:00:00.000Z' })
        .expect(201);
      const res = await t.http().post(url).set('Authorization', adminAuth).send({ type: 'recording', status: 'withdrawn' }).expect(201);
      const byType = Object.fromEntries(res.body.consents.map((c: { type: string }) => [c.type, c]));
      expect(byType.ai_disclosure).toMatchObject({ status: 'granted', withdrawnAt: null });
      expect(byType.recording).toMatchObject({ status: 'withdrawn', grantedAt: '2026-01-02T10:00:00.000Z' });
      expect(byType.recording.withdrawnAt).toEqual(expect.any(String));
      expect(res.body.history).toHaveLength(3);

      await t.http().post(url).set('Authorization', adminAuth).send({ type: 'telepathy', status: 'granted' }).expect(400);
      await t
        .http()
        .post(url)
        .set('Authorization', adminAuth)
        .send({ type: 'recording', status: 'granted', effectiveAt: '2999-01-01T00:00:00Z' })
        .expect(400);
      await t.http().post(url).set('Authorization', staffAuth).send({ type: 'recording', status: 'granted' }).expect(403);
      const other = await team();
      await t.http().get(url).set('Authorization', other.adminAuth).expect(404);

      const actions = await queryRows<{ action: string }>(
        t.database.db,
        sql`select action from audit_entries where ${patient.id} = any(patient_ids) and action like 'privacy.consent.%' order by id`,
      );
      expect(actions.map((a) => a.action)).toEqual([
        'privacy.consent.read',
        'privacy.consent.grant',
        'privacy.consent.grant',
        'privacy.consent.withdraw',
      ]);
      expect(await auditMentions(t, canary)).toBe(0);
    });
  });

  describe('data-subject export', () => {
    it('streams a zip of JSON parts and plain-text transcripts, recorded as a request and audited as an export', async () => {
      const { admin, staff, patient, adminAuth, staffAuth, canary } = await team();
      await createSchedule(t, staff, patient);
      const conversation = await createConversation(t, patient, [
        { role: 'assistant', content: 'Good morning, how are you feeling?' },
        { role: 'patient', content: `Tired. ${canary} says my knee hurts.` },
      ]);
      await raiseAlert(t, patient, { message: `${canary} fell in the kitchen` });
      const analysed = await analysedCall(patient, `I feel happy today, ${canary} visited me.`);
      await t
        .http()
        .post(`/v1/privacy/patients/${patient.id}/consents`)
        .set('Authorization', adminAuth)
        .send({ type: 'ai_disclosure', status: 'granted' })
        .expect(201);

      const res = await t
        .http()
        .post(`/v1/privacy/patients/${patient.id}/export`)
        .set('Authorization', adminAuth)
        .buffer(true)
        .parse((r, done) => binary(r as unknown as NodeJS.ReadableStream, done))
        .expect(200);
      expect(res.headers['content-type']).toBe('application/zip');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="patient-${patient.id}-export.zip"`);
      const files = unzip(res.body as Buffer);
      const json = (name: string): unknown => JSON.parse(files.get(name)?.toString('utf8') ?? 'null');
      expect([...files.keys()].sort()).toEqual(
        expect.arrayContaining([
          'manifest.json',
          'patient.json',
          'schedules.json',
          'conversations.json',
          'alerts.json',
          'consents.json',
          'analyses.json',
          'calls.json',
        ]),
      );
      expect(json('analyses.json')).toEqual({
        sentiments: [
          expect.objectContaining({
            conversationId: analysed.conversationId,
            analysis: expect.objectContaining({ overallSentiment: expect.any(String) }),
          }),
        ],
        medical: [expect.objectContaining({ patientId: patient.id, warnings: expect.any(Array) })],
        fraudAbuse: [expect.objectContaining({ patientId: patient.id, financialRisk: expect.anything() })],
      });
      expect(json('calls.json')).toEqual([expect.objectContaining({ id: analysed.conversationId, trigger: 'manual', state: 'ended' })]);
      expect(json('patient.json')).toMatchObject({ id: patient.id, name: `${canary} Quackenbush`, notes: `${canary} takes warfarin` });
      expect(json('schedules.json')).toEqual([expect.objectContaining({ patientId: patient.id })]);
      expect(json('conversations.json')).toHaveLength(2);
      expect(json('conversations.json')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: analysed.conversationId }),
          expect.objectContaining({
            id: conversation.id,
            messages: [
              expect.objectContaining({ seq: 1, role: 'assistant', content: 'Good morning, how are you feeling?' }),
              expect.objectContaining({ seq: 2, role: 'patient', content: `Tired. ${canary} says my knee hurts.` }),
            ],
          }),
        ]),
      );
      expect(json('alerts.json')).toEqual([expect.objectContaining({ message: `${canary} fell in the kitchen` })]);
      expect(json('consents.json')).toEqual([expect.objectContaining({ type: 'ai_disclosure', status: 'granted' })]);
      const transcript = [...files.entries()].find(([name]) => name.startsWith('transcripts/') && name.endsWith(`${conversation.id}.txt`));
      expect(transcript?.[1].toString('utf8')).toContain(`patient: Tired. ${canary} says my knee hurts.`);

      const requestId = res.headers['x-privacy-request-id'];
      const requests = await t.http().get(`/v1/privacy/requests?patientId=${patient.id}`).set('Authorization', adminAuth).expect(200);
      expect(requests.body.results).toEqual([
        expect.objectContaining({
          id: requestId,
          kind: 'export',
          status: 'completed',
          requestedBy: admin.id,
          completedAt: expect.any(String),
        }),
      ]);
      const audit = await queryRows<{ action: string; severity: string }>(
        t.database.db,
        sql`select action, severity from audit_entries where action = 'privacy.export' and ${requestId} = any(resource_ids)`,
      );
      expect(audit).toEqual([{ action: 'privacy.export', severity: 'warning' }]);
      expect(await auditMentions(t, canary)).toBe(0);

      await t.http().post(`/v1/privacy/patients/${patient.id}/export`).set('Authorization', staffAuth).expect(403);
      await t.http().get('/v1/privacy/requests').set('Authorization', staffAuth).expect(403);
    });
  });

  describe('superAdmin', () => {
    it('reads consents and exports only under an active break-glass grant, and never erases', async () => {
      const { org, patient } = await team();
      const superAdmin = await createCaregiver(t, { role: 'superAdmin' });
      const auth = `Bearer ${await loginAs(t, superAdmin)}`;
      await t.http().get(`/v1/privacy/patients/${patient.id}/consents`).set('Authorization', auth).expect(403);
      await t.http().post(`/v1/privacy/patients/${patient.id}/export`).set('Authorization', auth).expect(403);
      await t
        .http()
        .post('/v1/compliance/break-glass')
        .set('Authorization', auth)
        .send({ orgId: org.id, reason: 'Data-subject request escalated by the org, ticket 99', durationMinutes: 15 })
        .expect(201);
      await t.http().get(`/v1/privacy/patients/${patient.id}/consents`).set('Authorization', auth).expect(200);
      await t.http().post(`/v1/privacy/patients/${patient.id}/export`).set('Authorization', auth).expect(200);
      await t
        .http()
        .post(`/v1/privacy/patients/${patient.id}/consents`)
        .set('Authorization', auth)
        .send({ type: 'recording', status: 'granted' })
        .expect(403);
      await t.http().post(`/v1/privacy/patients/${patient.id}/erasure`).set('Authorization', auth).send({ confirm: true }).expect(403);
      const uses = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from audit_entries where action = 'compliance.break_glass.use' and actor_id = ${superAdmin.id} and severity = 'high'`,
      );
      expect(uses[0].n).toBeGreaterThanOrEqual(2);
    });
  });

  describe('erasure', () => {
    it('removes every row of the patient’s PHI in one transaction; the request survives and the audit chain still verifies', async () => {
      const { patient, staff, adminAuth, canary } = await team();
      await createSchedule(t, staff, patient);
      const conversation = await createConversation(t, patient, [{ role: 'patient', content: `${canary} private words` }]);
      await raiseAlert(t, patient, { message: `${canary} alert text` });
      const analysed = await analysedCall(patient, `${canary} worries about money and a stranger on the phone`);
      await t
        .http()
        .post(`/v1/privacy/patients/${patient.id}/consents`)
        .set('Authorization', adminAuth)
        .send({ type: 'recording', status: 'granted' })
        .expect(201);
      const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
      const uploaded = await t
        .http()
        .post(`/v1/patients/${patient.id}/avatar`)
        .set('Authorization', adminAuth)
        .attach('avatar', png, { filename: 'a.png', contentType: 'image/png' })
        .expect(200);
      const avatarPath = join(t.config.dataDir, 'uploads', String(uploaded.body.avatar).split('/uploads/')[1]);
      expect(existsSync(avatarPath)).toBe(true);
      await t.get(AuditSealer).seal();

      await t.http().post(`/v1/privacy/patients/${patient.id}/erasure`).set('Authorization', adminAuth).send({}).expect(400);
      const res = await t
        .http()
        .post(`/v1/privacy/patients/${patient.id}/erasure`)
        .set('Authorization', adminAuth)
        .send({ confirm: true })
        .expect(200);
      expect(res.body).toMatchObject({ kind: 'erasure', status: 'completed', patientId: patient.id });

      const left = await queryRows<Record<string, number>>(
        t.database.db,
        sql`select
              (select count(*)::int from patients where id = ${patient.id}::uuid) as patients,
              (select count(*)::int from patient_caregivers where patient_id = ${patient.id}::uuid) as links,
              (select count(*)::int from schedules where patient_id = ${patient.id}::uuid) as schedules,
              (select count(*)::int from conversations where patient_id = ${patient.id}::uuid) as conversations,
              (select count(*)::int from messages where conversation_id = ${conversation.id}::uuid) as messages,
              (select count(*)::int from alerts where related_patient_id = ${patient.id}::uuid) as alerts,
              (select count(*)::int from compliance_consents where patient_id = ${patient.id}::uuid) as consents,
              (select count(*)::int from compliance_privacy_requests where patient_id = ${patient.id}::uuid) as requests,
              (select count(*)::int from conversation_sentiments where patient_id = ${patient.id}::uuid) as sentiments,
              (select count(*)::int from medical_analyses where patient_id = ${patient.id}::uuid) as medical,
              (select count(*)::int from fraud_abuse_analyses where patient_id = ${patient.id}::uuid) as fraud,
              (select count(*)::int from call_dispatches where patient_id = ${patient.id}::uuid) as calls`,
      );
      expect(left[0]).toEqual({
        patients: 0,
        links: 0,
        schedules: 0,
        conversations: 0,
        messages: 0,
        alerts: 0,
        consents: 0,
        requests: 1,
        sentiments: 0,
        medical: 0,
        fraud: 0,
        calls: 0,
      });
      expect(analysed.conversationId).toEqual(expect.any(String));
      await t.http().get(`/v1/patients/${patient.id}`).set('Authorization', adminAuth).expect(404);
      expect(existsSync(avatarPath)).toBe(false);
      await t.http().post(`/v1/privacy/patients/${patient.id}/export`).set('Authorization', adminAuth).expect(404);

      const [erasure] = await queryRows<{ severity: string; reason: string }>(
        t.database.db,
        sql`select severity, reason from audit_entries where action = 'privacy.erasure' and ${patient.id} = any(patient_ids)`,
      );
      expect(erasure).toEqual({ severity: 'high', reason: expect.stringMatching(/^rows_\d+$/) });
      await t.get(AuditSealer).seal();
      const report = await t.get(AuditVerifier).verify();
      expect(report.ok).toBe(true);
      expect(await auditMentions(t, canary)).toBe(0);
    });
  });

  describe('fail-closed', () => {
    it('a PHI write whose audit entry cannot be written fails and leaves nothing behind (a real database refusal)', async () => {
      const { org, patient, adminAuth } = await team();
      // A real failure of the audit insert: a trigger that refuses this org's consent entries.
      await t.database.db.execute(
        sql.raw(`create or replace function test_refuse_audit_${org.id.replace(/-/g, '')}() returns trigger language plpgsql as $$
          begin
            if new.org_id = '${org.id}'::uuid and new.action like 'privacy.consent.%' then
              raise exception 'audit storage refused';
            end if;
            return new;
          end $$`),
      );
      await t.database.db.execute(
        sql.raw(`create trigger test_refuse_audit_${org.id.replace(/-/g, '')} before insert on audit_entries
          for each row execute function test_refuse_audit_${org.id.replace(/-/g, '')}()`),
      );
      try {
        const res = await t
          .http()
          .post(`/v1/privacy/patients/${patient.id}/consents`)
          .set('Authorization', adminAuth)
          .send({ type: 'recording', status: 'granted' })
          .expect(503);
        expect(res.body).toMatchObject({ code: 503 });
        expect(JSON.stringify(res.body)).toContain('AuditUnavailable');
        const rows = await queryRows<{ n: number }>(
          t.database.db,
          sql`select count(*)::int as n from compliance_consents where patient_id = ${patient.id}::uuid`,
        );
        expect(rows[0].n).toBe(0);
        // The same holds for the care domains: a patient update is refused too when its entry is.
        await t.database.db.execute(
          sql.raw(`create or replace function test_refuse_audit_${org.id.replace(/-/g, '')}() returns trigger language plpgsql as $$
            begin
              if new.org_id = '${org.id}'::uuid then raise exception 'audit storage refused'; end if;
              return new;
            end $$`),
        );
        await t.http().patch(`/v1/patients/${patient.id}`).set('Authorization', adminAuth).send({ notes: 'changed' }).expect(503);
      } finally {
        await t.database.db.execute(sql.raw(`drop trigger test_refuse_audit_${org.id.replace(/-/g, '')} on audit_entries`));
      }
      const after = await t.http().get(`/v1/patients/${patient.id}`).set('Authorization', adminAuth).expect(200);
      expect(after.body.notes).not.toBe('changed');
    });
  });

  describe('retention', () => {
    it('per-org settings (validated, audited); the purge job deletes expired conversations only, skips legal hold, chain verifies', async () => {
      const a = await team();
      const b = await team();
      const settings = (auth: string) => t.http().patch('/v1/compliance/settings').set('Authorization', auth);
      const initial = await t.http().get('/v1/compliance/settings').set('Authorization', a.adminAuth).expect(200);
      expect(initial.body).toMatchObject({ auditRetentionDays: 2557, conversationRetentionDays: null, legalHold: false });
      await settings(a.adminAuth).send({ conversationRetentionDays: 29 }).expect(400);
      await settings(a.adminAuth).send({ auditRetentionDays: 365 }).expect(400);
      await settings(a.staffAuth).send({ conversationRetentionDays: 30 }).expect(403);
      const updated = await settings(a.adminAuth).send({ conversationRetentionDays: 30 }).expect(200);
      expect(updated.body).toMatchObject({ orgId: a.org.id, conversationRetentionDays: 30, auditRetentionDays: 2557 });
      await settings(b.adminAuth).send({ conversationRetentionDays: 30, legalHold: true }).expect(200);

      const conversations = t.get(ConversationService);
      const old = await createConversation(t, a.patient, [{ role: 'patient', content: 'old words' }]);
      const recent = await createConversation(t, a.patient, [{ role: 'patient', content: 'recent words' }]);
      const held = await createConversation(t, b.patient, [{ role: 'patient', content: 'held words' }]);
      const longAgo = new Date(Date.now() - 31 * 86_400_000);
      await conversations.updateCall(a.org.id, old.id, { startTime: longAgo });
      await conversations.updateCall(b.org.id, held.id, { startTime: longAgo });
      await conversations.updateCall(a.org.id, recent.id, { startTime: new Date(Date.now() - 29 * 86_400_000) });

      await runJob(t, 'compliance.retention-purge');

      const ids = await queryRows<{ id: string }>(
        t.database.db,
        sql`select id::text as id from conversations where id in (${old.id}::uuid, ${recent.id}::uuid, ${held.id}::uuid)`,
      );
      expect(ids.map((r) => r.id).sort()).toEqual([recent.id, held.id].sort());
      const messages = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from messages where conversation_id = ${old.id}::uuid`,
      );
      expect(messages[0].n).toBe(0);
      const purge = await queryRows<{ actor_id: string | null; resource_ids: string[] }>(
        t.database.db,
        sql`select actor_id, resource_ids from audit_entries where action = 'retention.purge' and org_id = ${a.org.id}::uuid`,
      );
      expect(purge).toEqual([{ actor_id: null, resource_ids: [old.id] }]);
      await t.get(AuditSealer).seal();
      expect((await t.get(AuditVerifier).verify()).ok).toBe(true);
    });
  });

  describe('keys:reencrypt', () => {
    it('rotates every registered PHI column to the new key with progress output (exit 0); usage errors exit 2', async () => {
      const database = await createTestDatabase();
      const k1 = randomBytes(32).toString('base64');
      const k2 = randomBytes(32).toString('base64');
      // Two instances on one database: the old key's, then the new key's (k1 kept for decryption).
      const first = await createTestApp({ database, env: { ENCRYPTION_KEY: k1, ENCRYPTION_KEY_ID: 'k1' } });
      const org = await createOrg(first);
      const adminRow = await createCaregiver(first, { org, role: 'orgAdmin' });
      const patient = await createPatient(first, adminRow, { name: 'Rotation Example' });
      const patientId = patient.id;
      await createConversation(first, patient, [{ role: 'patient', content: 'rotate me' }]);
      // Analysis rows (sentiment, medical, fraud/abuse) written under k1.
      const analysed = await createConversation(first, patient, [
        { role: 'assistant', content: 'How was your week?' },
        { role: 'patient', content: 'I feel lonely, and a man on the phone asked for my bank password.' },
      ]);
      const callStart = new Date(Date.now() - 3_600_000);
      await first.get(ConversationService).updateCall(patient.orgId, analysed.id, {
        status: 'completed',
        callStatus: 'ended',
        callOutcome: 'answered',
        startTime: callStart,
        endTime: new Date(callStart.getTime() + 120_000),
        duration: 120,
      });
      expect(await first.get(AnalysisService).analyzeConversation(patient.orgId, analysed.id)).toMatchObject({ status: 'analyzed' });
      expect(await first.get(AnalysisService).analyzePatient(patient.orgId, patientId, 'rotation')).toEqual({ medical: true, fraud: true });
      const analysisBefore = await first.get(AnalysisService).exportOfPatient(patient.orgId, patientId, first.database.db);
      const second = await createTestApp({
        database,
        env: { ENCRYPTION_KEY: k2, ENCRYPTION_KEY_ID: 'k2', ENCRYPTION_KEYS_PREVIOUS: `k1:${k1}` },
      });
      try {
        const out: string[] = [];
        const err: string[] = [];
        const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
        expect(await runReencrypt(second.app, ['--bogus'], io)).toBe(2);
        expect(err.join('\n')).toContain('usage: npm run cli -- keys:reencrypt');
        const code = await runReencrypt(second.app, ['--batch-size', '2'], io);
        expect({ code, err }).toEqual({ code: 0, err: ['usage: npm run cli -- keys:reencrypt [--batch-size <n>] [--table <name>]'] });
        expect(out.join('\n')).toMatch(/patients: \d+ scanned, \d+ rewritten/);
        expect(out.join('\n')).toMatch(/messages: scanned \d+, rewritten [1-9]\d*/);
        const cipher = second.get(FieldCipher);
        const [row] = await queryRows<{ name: string; notes: string | null }>(
          second.database.db,
          sql`select name, notes from patients where id = ${patientId}::uuid`,
        );
        expect(cipher.isCurrent(row.name)).toBe(true);
        const [message] = await queryRows<{ content: string }>(second.database.db, sql`select content from messages limit 1`);
        expect(cipher.isCurrent(message.content)).toBe(true);
        // The analysis tables were rotated too, and read back under k2 (AAD unchanged).
        for (const table of ['conversation_sentiments', 'medical_analyses', 'fraud_abuse_analyses']) {
          expect(out.join('\n')).toMatch(new RegExp(`${table}: scanned 1, rewritten [1-9]`));
        }
        const [sentimentRow] = await queryRows<{ analysis: string }>(
          second.database.db,
          sql`select analysis from conversation_sentiments where conversation_id = ${analysed.id}::uuid`,
        );
        const [medicalRow] = await queryRows<{ metrics: string; warnings: string; recommendations: string }>(
          second.database.db,
          sql`select metrics, warnings, recommendations from medical_analyses where patient_id = ${patientId}::uuid`,
        );
        const [fraudRow] = await queryRows<{ details: string; warnings: string; recommendations: string }>(
          second.database.db,
          sql`select details, warnings, recommendations from fraud_abuse_analyses where patient_id = ${patientId}::uuid`,
        );
        for (const value of [sentimentRow.analysis, ...Object.values(medicalRow), ...Object.values(fraudRow)]) {
          expect(cipher.isCurrent(value)).toBe(true);
        }
        const analysisAfter = await second.get(AnalysisService).exportOfPatient(patient.orgId, patientId, second.database.db);
        expect(analysisAfter).toEqual(analysisBefore);
        expect(analysisAfter.fraudAbuse).toHaveLength(1);
        // Still readable, and the blind-index lookup (name=) still finds the patient.
        const auth = `Bearer ${await loginAs(second, adminRow)}`;
        const list = await second.http().get('/v1/patients?name=rotation%20example').set('Authorization', auth).expect(200);
        expect(list.body.results.map((p: { id: string }) => p.id)).toEqual([patientId]);
        // A second pass has nothing left to rewrite.
        const again: string[] = [];
        expect(await runReencrypt(second.app, [], { out: (l) => again.push(l), err: () => undefined })).toBe(0);
        expect(again.filter((l) => /rewritten [1-9]/.test(l) && l.includes('scanned '))).toEqual([]);
        expect(again).toEqual(
          expect.arrayContaining([
            'conversation_sentiments: scanned 1, rewritten 0',
            'medical_analyses: scanned 1, rewritten 0',
            'fraud_abuse_analyses: scanned 1, rewritten 0',
          ]),
        );
      } finally {
        await second.close();
        await first.close();
        await database.drop();
      }
    });
  });
});
