import { sql } from 'drizzle-orm';
import { ANALYSIS_CONVERSATION_JOB, AnalysisService } from '@app/analysis';
import { ConversationService, type ConversationRow } from '@app/conversations';
import type { Patient } from '@app/patients';
import { QueueService, queryRows } from '@app/platform';
import {
  FakeOpenAIHttp,
  DEFAULT_ANALYSIS_REPLY,
  createCaregiver,
  createConversation,
  createOrg,
  createPatient,
  createTestApp,
  loginAs,
  raiseAlert,
  uniqueSuffix,
  type TestApp,
} from '@app/testing';

type Line = { role: 'patient' | 'assistant'; content: string };

const HAPPY: Line[] = [
  { role: 'assistant', content: 'Good morning! How are you today?' },
  { role: 'patient', content: 'I had a wonderful morning. I planted tomatoes in the garden with my daughter and it was lovely.' },
];
const SAD: Line[] = [
  { role: 'assistant', content: 'How have you been feeling?' },
  { role: 'patient', content: 'I feel sad and lonely, and I am tired all the time. Nothing is good.' },
];

/** Bounded wait for background work (a job) to show its effect; not a timing assertion. */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function pdfParser(res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('analysis: sentiment, medical and fraud/abuse analyses, reports', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function team(app: TestApp = t) {
    const org = await createOrg(app);
    const admin = await createCaregiver(app, { org, role: 'orgAdmin' });
    const staff = await createCaregiver(app, { org, role: 'staff' });
    const other = await createCaregiver(app, { org, role: 'staff' });
    const patient = await createPatient(app, staff);
    return {
      org,
      admin,
      staff,
      patient,
      adminAuth: `Bearer ${await loginAs(app, admin)}`,
      staffAuth: `Bearer ${await loginAs(app, staff)}`,
      otherAuth: `Bearer ${await loginAs(app, other)}`,
    };
  }

  /** A finished call: messages, then status completed with an end time `seconds` after its start. */
  async function completedCall(
    p: Patient,
    lines: Line[],
    options: { hoursAgo?: number; seconds?: number; status?: 'completed' | 'failed'; app?: TestApp } = {},
  ): Promise<ConversationRow> {
    const app = options.app ?? t;
    const row = await createConversation(app, p, lines);
    const start = new Date(Date.now() - (options.hoursAgo ?? 0) * 3_600_000 - 60_000);
    const seconds = options.seconds ?? 120;
    return app.get(ConversationService).updateCall(p.orgId, row.id, {
      status: options.status ?? 'completed',
      callStatus: options.status === 'failed' ? 'no_answer' : 'ended',
      callOutcome: options.status === 'failed' ? 'no_answer' : 'answered',
      startTime: start,
      endTime: new Date(start.getTime() + seconds * 1000),
      duration: options.status === 'failed' ? 0 : seconds,
    });
  }

  async function sentimentRows(app: TestApp, conversationId: string) {
    return queryRows<{ id: string; fallback: boolean; provider: string }>(
      app.database.db,
      sql`select id, fallback, provider from conversation_sentiments where conversation_id = ${conversationId}`,
    );
  }

  describe('analysis.conversation job (no OpenAI key: local fallback)', () => {
    it('writes a summary and one stored sentiment, however often it runs', async () => {
      const { patient, staffAuth } = await team();
      const call = await completedCall(patient, HAPPY);
      const queues = t.get(QueueService);
      const ids = [
        await queues.enqueue(ANALYSIS_CONVERSATION_JOB, { orgId: patient.orgId, conversationId: call.id }),
        await queues.enqueue(ANALYSIS_CONVERSATION_JOB, { orgId: patient.orgId, conversationId: call.id }),
      ];
      for (const id of ids) {
        await eventually(async () => ((await (await queues.queue('analysis').getJob(id))?.isCompleted()) ? true : undefined), `job ${id}`);
      }
      // And once more, directly (as a redelivery would).
      expect(await t.get(AnalysisService).analyzeConversation(patient.orgId, call.id)).toEqual({ status: 'exists' });
      const rows = await sentimentRows(t, call.id);
      expect(rows).toEqual([{ id: expect.any(String), fallback: true, provider: 'local' }]);

      const res = await t.http().get(`/v1/sentiment/conversation/${call.id}`).set('Authorization', staffAuth).expect(200);
      expect(res.body).toEqual({
        conversationId: call.id,
        sentiment: expect.objectContaining({ overallSentiment: 'positive', fallback: true, concernLevel: 'low' }),
        sentimentAnalyzedAt: expect.any(String),
        hasSentimentAnalysis: true,
      });
      const conversation = await t.http().get(`/v1/conversations/${call.id}`).set('Authorization', staffAuth).expect(200);
      expect(conversation.body.summary).toBe(
        'Patient said: I had a wonderful morning. I planted tomatoes in the garden with my daughter and it was lovely.',
      );
    });

    it('skips calls that are not completed and missing ones', async () => {
      const { patient } = await team();
      const live = await createConversation(t, patient, HAPPY);
      const analysis = t.get(AnalysisService);
      expect(await analysis.analyzeConversation(patient.orgId, live.id)).toEqual({ status: 'not-completed' });
      expect(await analysis.analyzeConversation(patient.orgId, '00000000-0000-4000-8000-000000000000')).toEqual({ status: 'missing' });
      expect(await sentimentRows(t, live.id)).toEqual([]);
    });
  });

  describe('sentiment routes (§2.14)', () => {
    it('SN3 answers no analysis yet; SN4 analyses a completed call (orgAdmin) and refuses an unfinished one', async () => {
      const { patient, adminAuth, staffAuth } = await team();
      const call = await completedCall(patient, SAD);
      const before = await t.http().get(`/v1/sentiment/conversation/${call.id}`).set('Authorization', adminAuth).expect(200);
      expect(before.body).toEqual({ conversationId: call.id, sentiment: null, sentimentAnalyzedAt: null, hasSentimentAnalysis: false });

      const res = await t.http().post(`/v1/sentiment/conversation/${call.id}/analyze`).set('Authorization', adminAuth).expect(200);
      expect(res.body).toEqual({
        success: true,
        conversationId: call.id,
        sentiment: expect.objectContaining({ overallSentiment: 'negative', fallback: true }),
        analyzedAt: expect.any(String),
      });
      await t.http().post(`/v1/sentiment/conversation/${call.id}/analyze`).set('Authorization', adminAuth).expect(200);
      expect(await sentimentRows(t, call.id)).toHaveLength(1);

      await t.http().post(`/v1/sentiment/conversation/${call.id}/analyze`).set('Authorization', staffAuth).expect(403);
      const live = await createConversation(t, patient, SAD);
      const refused = await t.http().post(`/v1/sentiment/conversation/${live.id}/analyze`).set('Authorization', adminAuth).expect(400);
      expect(refused.body).toMatchObject({ code: 400, message: 'Can only analyze sentiment for completed conversations' });
      const missing = await t
        .http()
        .post('/v1/sentiment/conversation/00000000-0000-4000-8000-000000000000/analyze')
        .set('Authorization', adminAuth)
        .expect(404);
      expect(missing.body).toMatchObject({ code: 404, message: 'Conversation not found' });
    });

    it('SN1 trend over lastCall / month / lifetime and SN2 summary, following the patient', async () => {
      const { patient, staffAuth, otherAuth } = await team();
      const analysis = t.get(AnalysisService);
      const calls = [await completedCall(patient, SAD, { hoursAgo: 48 }), await completedCall(patient, SAD, { hoursAgo: 24 })];
      calls.push(await completedCall(patient, HAPPY, { hoursAgo: 1 }));
      for (const c of calls) await analysis.analyzeConversation(patient.orgId, c.id);
      await completedCall(patient, HAPPY, { hoursAgo: 24 * 60 }); // outside month, not analysed

      const month = await t
        .http()
        .get(`/v1/sentiment/patient/${patient.id}/trend?timeRange=month`)
        .set('Authorization', staffAuth)
        .expect(200);
      expect(month.body).toMatchObject({ patientId: patient.id, timeRange: 'month', totalConversations: 3, analyzedConversations: 3 });
      expect(month.body.dataPoints.map((p: { conversationId: string }) => p.conversationId)).toEqual(calls.map((c) => c.id));
      expect(month.body.dataPoints[0]).toMatchObject({
        duration: 120,
        sentiment: expect.objectContaining({ overallSentiment: 'negative' }),
      });
      expect(month.body.summary).toMatchObject({
        averageSentiment: -0.33,
        sentimentDistribution: { positive: 1, negative: 2, neutral: 0, mixed: 0 },
        trendDirection: 'improving',
      });

      const lastCall = await t.http().get(`/v1/sentiment/patient/${patient.id}/trend`).set('Authorization', staffAuth).expect(200);
      expect(lastCall.body).toMatchObject({ timeRange: 'lastCall', totalConversations: 1, analyzedConversations: 1 });
      const lifetime = await t
        .http()
        .get(`/v1/sentiment/patient/${patient.id}/trend?timeRange=lifetime`)
        .set('Authorization', staffAuth)
        .expect(200);
      expect(lifetime.body).toMatchObject({ totalConversations: 4, analyzedConversations: 3 });

      const summary = await t.http().get(`/v1/sentiment/patient/${patient.id}/summary`).set('Authorization', staffAuth).expect(200);
      expect(summary.body).toMatchObject({ totalConversations: 3, analyzedConversations: 3, trendDirection: 'improving' });
      expect(summary.body.recentTrend).toHaveLength(3);

      const bad = await t
        .http()
        .get(`/v1/sentiment/patient/${patient.id}/trend?timeRange=week`)
        .set('Authorization', staffAuth)
        .expect(400);
      expect(bad.body.message).toBe('"timeRange" must be one of [lastCall, month, lifetime]');
      // A staff member not assigned to the patient, another org, a missing patient.
      await t.http().get(`/v1/sentiment/patient/${patient.id}/trend`).set('Authorization', otherAuth).expect(403);
      const stranger = await team();
      await t.http().get(`/v1/sentiment/patient/${patient.id}/summary`).set('Authorization', stranger.adminAuth).expect(404);
      await t.http().get(`/v1/sentiment/conversation/${calls[0].id}`).set('Authorization', stranger.adminAuth).expect(404);
      await t.http().get('/v1/sentiment/patient/00000000-0000-4000-8000-000000000000/summary').set('Authorization', staffAuth).expect(404);
    });
  });

  describe('medical analysis routes (§2.15)', () => {
    it('MD4 analyses and stores; MD1 lists newest first; MD2 trends; limits and time ranges are validated', async () => {
      const { patient, staffAuth, otherAuth, adminAuth } = await team();
      await completedCall(patient, [
        { role: 'assistant', content: 'What did you do today?' },
        {
          role: 'patient',
          content: 'Um, I went to the, uh, the thing. What day is it? I forget the word for it, you know. What is it called again?',
        },
        { role: 'assistant', content: 'Did you have lunch?' },
        { role: 'patient', content: 'Um, uh, I think so. Like I said, the stuff was there. What day is it today?' },
      ]);
      const trigger = await t.http().post(`/v1/medical-analysis/trigger-patient/${patient.id}`).set('Authorization', staffAuth).expect(200);
      expect(trigger.body).toMatchObject({
        success: true,
        message: 'Medical analysis completed',
        result: {
          conversationCount: 1,
          messageCount: 2,
          totalWords: 42,
          cognitiveMetrics: { temporalConfusionCount: 3, wordFindingDifficultyCount: 2, fillerWordDensity: 0.1429 },
          psychiatricMetrics: { crisisIndicators: { hasCrisisIndicators: false } },
          vocabularyMetrics: { totalWords: 42 },
        },
      });
      await t.http().post(`/v1/medical-analysis/trigger-patient/${patient.id}`).set('Authorization', adminAuth).expect(200);

      const results = await t.http().get(`/v1/medical-analysis/results/${patient.id}?limit=1`).set('Authorization', staffAuth).expect(200);
      expect(results.body).toMatchObject({ success: true, count: 1 });
      expect(results.body.results[0].cognitiveMetrics.riskScore).toBeCloseTo(42.02, 1);
      const all = await t.http().get(`/v1/medical-analysis/results/${patient.id}`).set('Authorization', staffAuth).expect(200);
      expect(all.body.count).toBe(2);
      expect(new Date(all.body.results[0].analysisDate) >= new Date(all.body.results[1].analysisDate)).toBe(true);

      const trend = await t
        .http()
        .get(`/v1/medical-analysis/trend/${patient.id}?timeRange=month`)
        .set('Authorization', staffAuth)
        .expect(200);
      expect(trend.body.trend).toMatchObject({ patientId: patient.id, timeRange: 'month', totalAnalyses: 2 });
      expect(trend.body.trend.dataPoints[0]).toMatchObject({
        date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        cognitiveRisk: expect.any(Number),
        analysis: { cognitiveMetrics: { temporalConfusionCount: 3 }, psychiatricMetrics: { emotionalTone: { dominantTone: 'neutral' } } },
      });
      expect(trend.body.trend.summary.averageCognitiveRisk).toBeCloseTo(42.02, 1);

      for (const limit of ['0', '101', 'abc']) {
        const res = await t
          .http()
          .get(`/v1/medical-analysis/results/${patient.id}?limit=${limit}`)
          .set('Authorization', staffAuth)
          .expect(400);
        expect(res.body.message).toMatch(/"limit" must be/);
      }
      await t.http().get(`/v1/medical-analysis/trend/${patient.id}?timeRange=decade`).set('Authorization', staffAuth).expect(400);
      await t.http().get(`/v1/medical-analysis/results/${patient.id}`).set('Authorization', otherAuth).expect(403);
      const stranger = await team();
      await t.http().post(`/v1/medical-analysis/trigger-patient/${patient.id}`).set('Authorization', stranger.adminAuth).expect(404);
    });

    it('MD4 without conversations stores an empty result with confidence none', async () => {
      const { patient, staffAuth } = await team();
      const res = await t.http().post(`/v1/medical-analysis/trigger-patient/${patient.id}`).set('Authorization', staffAuth).expect(200);
      expect(res.body).toMatchObject({
        success: true,
        message: 'No conversations found for analysis period',
        result: { confidence: 'none' },
      });
    });

    it('MD5 schedules one job per patient (orgAdmin only), once per day', async () => {
      const { patient, staff, adminAuth, staffAuth } = await team();
      const second = await createPatient(t, staff);
      await completedCall(patient, HAPPY);
      const res = await t.http().post('/v1/medical-analysis/trigger-all').set('Authorization', adminAuth).expect(200);
      expect(res.body).toMatchObject({ success: true, jobCount: 2, patientsAnalyzed: 2, jobsScheduled: 2 });
      await t.http().post('/v1/medical-analysis/trigger-all').set('Authorization', adminAuth).expect(200);
      await t.http().post('/v1/medical-analysis/trigger-all').set('Authorization', staffAuth).expect(403);
      const counts = async () =>
        queryRows<{ patient_id: string; n: number }>(
          t.database.db,
          sql`select patient_id, count(*)::int as n from medical_analyses where org_id = ${patient.orgId} group by patient_id`,
        );
      const rows = await eventually(async () => {
        const r = await counts();
        return r.length === 2 ? r : undefined;
      }, 'medical analyses of both patients');
      expect(rows.map((r) => r.n)).toEqual([1, 1]);
      const fraud = await eventually(async () => {
        const r = await queryRows<{ n: number }>(
          t.database.db,
          sql`select count(*)::int as n from fraud_abuse_analyses where org_id = ${patient.orgId}`,
        );
        return r[0].n === 2 ? r : undefined;
      }, 'fraud analyses of both patients');
      expect(fraud[0].n).toBe(2);
      void second;
    });
  });

  describe('fraud / abuse routes (§2.16)', () => {
    it('FA1 analyses the window and reuses it for 24 h; FA2 lists; FA3 triggers; custom needs both dates', async () => {
      const { patient, staffAuth, otherAuth } = await team();
      await completedCall(patient, [
        { role: 'assistant', content: 'Anything new this week?' },
        {
          role: 'patient',
          content:
            'A nice young man called from the IRS and said I owe $5,000. He wants me to buy gift cards right away and told me not to tell anyone. ' +
            'My new friend needs money too, I sent him money by Western Union.',
        },
      ]);
      const first = await t.http().get(`/v1/fraud-abuse-analysis/${patient.id}`).set('Authorization', staffAuth).expect(200);
      expect(first.body).toMatchObject({
        success: true,
        data: {
          patientId: patient.id,
          patientName: patient.name,
          timeRange: 'month',
          conversationCount: 1,
          messageCount: 1,
          analysis: {
            financialRisk: { largeAmountMentions: 1, transferMethodMentions: 2, scamIndicatorMentions: 1 },
            abuseRisk: { riskScore: 0 },
            relationshipRisk: { newPeopleCount: 2 },
            confidence: 'low',
          },
          recommendations: [],
        },
      });
      expect(first.body.data.analysis.financialRisk.riskScore).toBeCloseTo(21.9, 1);
      await t.http().get(`/v1/fraud-abuse-analysis/${patient.id}?timeRange=month`).set('Authorization', staffAuth).expect(200);
      const results = await t.http().get(`/v1/fraud-abuse-analysis/results/${patient.id}`).set('Authorization', staffAuth).expect(200);
      expect(results.body.results).toHaveLength(1);
      expect(results.body.results[0]).toMatchObject({
        timeRange: 'month',
        conversationCount: 1,
        financialRisk: { transferMethodMentions: 2 },
      });

      const trigger = await t
        .http()
        .post(`/v1/fraud-abuse-analysis/trigger-patient/${patient.id}`)
        .set('Authorization', staffAuth)
        .expect(200);
      expect(trigger.body).toMatchObject({ success: true, result: { timeRange: 'custom', conversationCount: 1 } });

      const custom = await t
        .http()
        .get(`/v1/fraud-abuse-analysis/${patient.id}?timeRange=custom&startDate=2025-01-01`)
        .set('Authorization', staffAuth)
        .expect(400);
      expect(custom.body.message).toBe('"startDate" and "endDate" are required when timeRange is custom');
      const window = await t
        .http()
        .get(`/v1/fraud-abuse-analysis/${patient.id}?timeRange=custom&startDate=2025-01-01&endDate=2025-01-31`)
        .set('Authorization', staffAuth)
        .expect(200);
      expect(window.body.data).toMatchObject({
        timeRange: 'custom',
        conversationCount: 0,
        analysis: { confidence: 'none', overallRiskScore: 0 },
      });
      const bad = await t.http().get(`/v1/fraud-abuse-analysis/${patient.id}?timeRange=week`).set('Authorization', staffAuth).expect(400);
      expect(bad.body.message).toBe('"timeRange" must be one of [month, quarter, year, custom]');
      // Validation comes before access: another org's caller gets the 400 too; a valid query is a 404.
      const stranger = await team();
      await t.http().get(`/v1/fraud-abuse-analysis/${patient.id}?timeRange=custom`).set('Authorization', stranger.staffAuth).expect(400);
      await t.http().get(`/v1/fraud-abuse-analysis/${patient.id}`).set('Authorization', stranger.adminAuth).expect(404);
      await t.http().get(`/v1/fraud-abuse-analysis/results/${patient.id}`).set('Authorization', otherAuth).expect(403);
    });
  });

  describe('wellness report', () => {
    it('answers calls, durations, mood points, alerts by severity and concerns; PDF is an attachment', async () => {
      const { patient, staffAuth, otherAuth } = await team();
      const analysis = t.get(AnalysisService);
      const a = await completedCall(patient, SAD, { hoursAgo: 30, seconds: 300 });
      const b = await completedCall(patient, HAPPY, { hoursAgo: 2, seconds: 100 });
      await completedCall(patient, [], { hoursAgo: 5, status: 'failed' });
      await analysis.analyzeConversation(patient.orgId, a.id);
      await analysis.analyzeConversation(patient.orgId, b.id);
      await raiseAlert(t, patient, { category: 'Medical', severity: 'HIGH' });
      await raiseAlert(t, patient, { category: 'Safety', severity: 'CRITICAL' });
      await completedCall(patient, [
        { role: 'assistant', content: 'How are you?' },
        {
          role: 'patient',
          content: 'I feel so sad and lonely. There is no point anymore. I want to die. I am worried and anxious all the time.',
        },
      ]);
      await t.http().post(`/v1/medical-analysis/trigger-patient/${patient.id}`).set('Authorization', staffAuth).expect(200);

      const res = await t.http().get(`/v1/reports/patients/${patient.id}`).set('Authorization', staffAuth).expect(200);
      expect(res.body).toMatchObject({
        patientId: patient.id,
        calls: { total: 4, completed: 3, missed: 1, totalDurationSeconds: 520, averageDurationSeconds: 173 },
        mood: { analyzedCalls: 2, trendDirection: 'improving' },
        alerts: { total: 2, bySeverity: { CRITICAL: 1, HIGH: 1, MEDIUM: 0 } },
        medical: { confidence: 'low' },
      });
      expect(res.body.mood.points.map((p: { conversationId: string }) => p.conversationId)).toEqual([a.id, b.id]);
      expect(res.body.concerns).toContain('Crisis language detected: immediate follow-up recommended');

      const pdf = await t
        .http()
        .get(`/v1/reports/patients/${patient.id}/pdf?lang=es`)
        .set('Authorization', staffAuth)
        .buffer(true)
        .parse(pdfParser as never)
        .expect(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(pdf.headers['content-disposition']).toMatch(/^attachment; filename="wellness-report-[0-9a-f-]+-\d{4}-\d{2}-\d{2}\.pdf"$/);
      expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');

      const bad = await t
        .http()
        .get(`/v1/reports/patients/${patient.id}?from=2025-02-01&to=2025-01-01`)
        .set('Authorization', staffAuth)
        .expect(400);
      expect(bad.body.message).toBe('"from" must be before "to"');
      await t.http().get(`/v1/reports/patients/${patient.id}?from=yesterday`).set('Authorization', staffAuth).expect(400);
      await t.http().get(`/v1/reports/patients/${patient.id}/pdf`).set('Authorization', otherAuth).expect(403);
      const stranger = await team();
      await t.http().get(`/v1/reports/patients/${patient.id}/pdf`).set('Authorization', stranger.adminAuth).expect(404);

      const audit = await queryRows<{ action: string }>(
        t.database.db,
        sql`select action from audit_entries where ${patient.id} = any(patient_ids) and action like 'analysis.report.%'`,
      );
      expect(audit.map((r) => r.action).sort()).toEqual(['analysis.report.export', 'analysis.report.read']);
    });
  });

  describe('patient deletion', () => {
    it('deletes the patient’s stored analyses with the patient', async () => {
      const { patient, adminAuth, staffAuth } = await team();
      const call = await completedCall(patient, SAD);
      await t.get(AnalysisService).analyzeConversation(patient.orgId, call.id);
      await t.http().post(`/v1/medical-analysis/trigger-patient/${patient.id}`).set('Authorization', staffAuth).expect(200);
      await t.http().post(`/v1/fraud-abuse-analysis/trigger-patient/${patient.id}`).set('Authorization', staffAuth).expect(200);
      const count = async () =>
        (
          await queryRows<{ n: number }>(
            t.database.db,
            sql`select (select count(*) from conversation_sentiments where patient_id = ${patient.id})
                 + (select count(*) from medical_analyses where patient_id = ${patient.id})
                 + (select count(*) from fraud_abuse_analyses where patient_id = ${patient.id}) as n`,
          )
        )[0].n;
      expect(Number(await count())).toBe(3);
      await t.http().delete(`/v1/patients/${patient.id}`).set('Authorization', adminAuth).expect(204);
      expect(Number(await count())).toBe(0);
    });
  });

  describe('with OpenAI (local fake of the chat-completions API)', () => {
    let ai: TestApp;
    let openai: FakeOpenAIHttp;

    beforeAll(async () => {
      openai = await FakeOpenAIHttp.start({ apiKey: 'sk-analysis-test' });
      ai = await createTestApp({ env: { OPENAI_API_KEY: 'sk-analysis-test', OPENAI_BASE_URL: openai.baseUrl } });
    });
    afterAll(async () => {
      await ai.close();
      await openai.close();
    });

    it('asks for JSON with the transcript and stores the model’s sentiment and summary', async () => {
      const { patient, adminAuth } = await team(ai);
      const call = await completedCall(patient, HAPPY, { app: ai });
      const res = await ai.http().post(`/v1/sentiment/conversation/${call.id}/analyze`).set('Authorization', adminAuth).expect(200);
      expect(res.body.sentiment).toMatchObject({
        overallSentiment: 'positive',
        sentimentScore: 0.6,
        patientMood: 'cheerful',
        fallback: false,
      });
      const request = openai.requests.at(-1)!;
      expect(request.model).toBe(ai.config.openai.textModel);
      expect(request.response_format).toEqual({ type: 'json_object' });
      expect(request.messages[1].content).toContain('Patient: I had a wonderful morning.');
      expect(request.messages[1].content).toContain('Bianca: Good morning!');
      expect(await sentimentRows(ai, call.id)).toEqual([{ id: expect.any(String), fallback: false, provider: 'openai' }]);
      const conversation = await ai.http().get(`/v1/conversations/${call.id}`).set('Authorization', adminAuth).expect(200);
      expect(conversation.body.summary).toBe(DEFAULT_ANALYSIS_REPLY.callSummary);
    });

    it('falls back to the local analyzer (fallback: true) when OpenAI fails or answers garbage', async () => {
      const { patient, adminAuth } = await team(ai);
      const call = await completedCall(patient, SAD, { app: ai });
      openai.failStatus = 503;
      try {
        const res = await ai.http().post(`/v1/sentiment/conversation/${call.id}/analyze`).set('Authorization', adminAuth).expect(200);
        expect(res.body.sentiment).toMatchObject({ overallSentiment: 'negative', fallback: true });
      } finally {
        openai.failStatus = undefined;
      }
      openai.reply = () => 'I cannot help with that.';
      try {
        const res = await ai.http().post(`/v1/sentiment/conversation/${call.id}/analyze`).set('Authorization', adminAuth).expect(200);
        expect(res.body.sentiment).toMatchObject({ overallSentiment: 'negative', fallback: true });
      } finally {
        openai.reply = () => JSON.stringify(DEFAULT_ANALYSIS_REPLY);
      }
      expect(await sentimentRows(ai, call.id)).toEqual([{ id: expect.any(String), fallback: true, provider: 'local' }]);
    });

    it('stores no transcript-derived text in plaintext (canary)', async () => {
      const { patient, adminAuth, staffAuth } = await team(ai);
      const canary = `CANARY${uniqueSuffix().replace(/[^a-z0-9]/gi, '')}`;
      const amount = `$98,${String(100 + Math.floor(Math.random() * 899))}`;
      openai.reply = () =>
        JSON.stringify({ ...DEFAULT_ANALYSIS_REPLY, patientMood: `worried about ${canary}`, callSummary: `Talked about ${canary}.` });
      try {
        const call = await completedCall(
          patient,
          [
            { role: 'assistant', content: 'Anything new?' },
            {
              role: 'patient',
              content: `My new friend ${canary} says I must wire transfer ${amount} by Western Union right away. I want to die.`,
            },
          ],
          { app: ai },
        );
        const res = await ai.http().post(`/v1/sentiment/conversation/${call.id}/analyze`).set('Authorization', adminAuth).expect(200);
        expect(res.body.sentiment.patientMood).toBe(`worried about ${canary}`);
      } finally {
        openai.reply = () => JSON.stringify(DEFAULT_ANALYSIS_REPLY);
      }
      const fraud = await ai
        .http()
        .post(`/v1/fraud-abuse-analysis/trigger-patient/${patient.id}`)
        .set('Authorization', staffAuth)
        .expect(200);
      expect(fraud.body.result.financialRisk.flaggedPhrases).toContain(amount);
      const medical = await ai
        .http()
        .post(`/v1/medical-analysis/trigger-patient/${patient.id}`)
        .set('Authorization', staffAuth)
        .expect(200);
      expect(medical.body.result.psychiatricMetrics.crisisIndicators.crisisWords).toEqual(['want to die']);

      const dump = await queryRows<{ text: string | null }>(
        ai.database.db,
        sql`select concat_ws(' ',
              (select string_agg(s::text, ' ') from conversation_sentiments s where s.org_id = ${patient.orgId}),
              (select string_agg(m::text, ' ') from medical_analyses m where m.org_id = ${patient.orgId}),
              (select string_agg(f::text, ' ') from fraud_abuse_analyses f where f.org_id = ${patient.orgId}),
              (select string_agg(c.summary, ' ') from conversations c where c.org_id = ${patient.orgId})) as text`,
      );
      const text = dump[0].text ?? '';
      expect(text.length).toBeGreaterThan(100);
      for (const plain of [canary, amount, 'want to die', 'western union', 'Talked about']) expect(text).not.toContain(plain);
    });
  });
});
