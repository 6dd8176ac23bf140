import { sql } from 'drizzle-orm';
import {
  ANALYSIS_MONTHLY_CRON,
  ANALYSIS_MONTHLY_JOB,
  ANALYSIS_MONTHLY_SCHEDULER_ID,
  ANALYSIS_PATIENT_JOB,
  AnalysisScheduler,
  AnalysisService,
  monthlyRunKey,
} from '@app/analysis';
import { ConversationService } from '@app/conversations';
import type { Patient } from '@app/patients';
import { QueueService, jobIdFor, queryRows } from '@app/platform';
import { createCaregiver, createConversation, createOrg, createPatient, createTestApp, loginAs, type TestApp } from '@app/testing';

/** Bounded wait for background work (a job) to show its effect; not a timing assertion. */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 800; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('analysis: monthly medical and fraud/abuse analyses of every patient', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function completedCall(patient: Patient, content: string): Promise<void> {
    const row = await createConversation(t, patient, [
      { role: 'assistant', content: 'How have you been this month?' },
      { role: 'patient', content },
    ]);
    const start = new Date(Date.now() - 3_600_000);
    await t.get(ConversationService).updateCall(patient.orgId, row.id, {
      status: 'completed',
      callStatus: 'ended',
      callOutcome: 'answered',
      startTime: start,
      endTime: new Date(start.getTime() + 120_000),
      duration: 120,
    });
  }

  /** Stored analyses of the run per patient: patient id → [medical, fraud]. */
  async function storedOf(runKey: string): Promise<Map<string, [number, number]>> {
    const rows = await queryRows<{ patient_id: string; medical: number; fraud: number }>(
      t.database.db,
      sql`select p.id::text as patient_id,
                 (select count(*)::int from medical_analyses m where m.patient_id = p.id and m.run_key = ${runKey}) as medical,
                 (select count(*)::int from fraud_abuse_analyses f where f.patient_id = p.id and f.run_key = ${runKey}) as fraud
            from patients p`,
    );
    return new Map(rows.map((r) => [r.patient_id, [r.medical, r.fraud]]));
  }

  it('tests declare no wall-clock scheduler; the cron is the 1st of each month at 03:00 UTC', async () => {
    expect(ANALYSIS_MONTHLY_CRON).toBe('0 3 1 * *');
    const schedulers = await t.get(QueueService).queue('analysis').getJobSchedulers();
    expect(schedulers.filter((s) => s.key === ANALYSIS_MONTHLY_SCHEDULER_ID)).toEqual([]);
  });

  it('the worker role declares the monthly scheduler outside tests', async () => {
    const app = await createTestApp({ env: { NODE_ENV: 'development' } });
    try {
      const scheduler = await eventually(async () => {
        const list = await app.get(QueueService).queue('analysis').getJobSchedulers();
        return list.find((s) => s.key === ANALYSIS_MONTHLY_SCHEDULER_ID);
      }, 'the monthly scheduler');
      expect(scheduler).toMatchObject({ name: ANALYSIS_MONTHLY_JOB, pattern: '0 3 1 * *', tz: 'UTC' });
    } finally {
      await app.close();
    }
  });

  it('enqueues one analysis.patient job per live patient of every org (keyset pages); a second run the same month stores nothing new', async () => {
    const orgA = await createOrg(t);
    const orgB = await createOrg(t);
    const adminA = await createCaregiver(t, { org: orgA, role: 'orgAdmin' });
    const adminB = await createCaregiver(t, { org: orgB, role: 'orgAdmin' });
    const patientsA = [await createPatient(t, adminA), await createPatient(t, adminA)];
    const patientsB = [await createPatient(t, adminB), await createPatient(t, adminB)];
    const removed = await createPatient(t, adminB);
    await t
      .http()
      .delete(`/v1/patients/${removed.id}`)
      .set('Authorization', `Bearer ${await loginAs(t, adminB)}`)
      .expect(204);
    await completedCall(patientsA[0], 'I walked to the market and had tea with my neighbour. I feel well.');
    await completedCall(patientsB[0], 'A man on the phone said I won a prize and asked for my bank account number.');
    const live = [...patientsA, ...patientsB];

    // Page size 2 over 4 live patients: the keyset walk crosses pages (2, 2, 0).
    const scheduler = t.get(AnalysisScheduler);
    const before = new Date().toISOString().slice(0, 7);
    const first = await scheduler.scheduleMonth(undefined, 2);
    const after = new Date().toISOString().slice(0, 7);
    expect(first.patients).toBe(4);
    expect([monthlyRunKey(before), monthlyRunKey(after)]).toContain(first.runKey);

    const queue = t.get(QueueService).queue('analysis');
    for (const p of live) {
      const job = await queue.getJob(jobIdFor(ANALYSIS_PATIENT_JOB, `${p.id}:${first.runKey}`));
      expect(job?.data).toMatchObject({ data: { orgId: p.orgId, patientId: p.id, runKey: first.runKey } });
    }
    expect(await queue.getJob(jobIdFor(ANALYSIS_PATIENT_JOB, `${removed.id}:${first.runKey}`))).toBeUndefined();

    // Each live patient of both orgs gets exactly one medical and one fraud/abuse analysis of the run.
    const stored = await eventually(async () => {
      const s = await storedOf(first.runKey);
      return live.every((p) => s.get(p.id)?.[0] === 1 && s.get(p.id)?.[1] === 1) ? s : undefined;
    }, 'the monthly analyses of every live patient');
    expect(stored.get(removed.id)).toEqual([0, 0]);
    const [withCall] = await queryRows<{ conversation_count: number }>(
      t.database.db,
      sql`select conversation_count from medical_analyses where patient_id = ${patientsB[0].id}::uuid and run_key = ${first.runKey}`,
    );
    expect(withCall.conversation_count).toBe(1);

    // The monthly job handler again, the same month: nothing new is stored.
    const second = await scheduler.handleMonthly({ month: first.runKey.slice('monthly-'.length) });
    expect(second).toEqual(first);
    await eventually(async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0) ? true : undefined;
    }, 'an idle analysis queue');
    expect(await storedOf(first.runKey)).toEqual(stored);
    // Even a redelivery after Redis forgot the job stores nothing new (one analysis per run key).
    expect(await t.get(AnalysisService).analyzePatient(patientsA[1].orgId, patientsA[1].id, first.runKey)).toEqual({
      medical: false,
      fraud: false,
    });
    expect(await storedOf(first.runKey)).toEqual(stored);

    const audit = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_entries where action = 'analysis.monthly.schedule' and ${first.runKey}::text = any(resource_ids)`,
    );
    expect(audit[0].n).toBe(2);
  });

  it('rejects a malformed month', async () => {
    await expect(t.get(AnalysisScheduler).handleMonthly({ month: '2026-13' })).rejects.toThrow('YYYY-MM');
  });
});
