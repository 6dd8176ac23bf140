import { sql } from 'drizzle-orm';
import { AnalysisService } from '@app/analysis';
import { ConversationService, type ConversationRow } from '@app/conversations';
import type { Patient } from '@app/patients';
import { queryRows } from '@app/platform';
import { createCaregiver, createConversation, createOrg, createPatient, createTestApp, loginAs, type TestApp } from '@app/testing';

/** ConversationDTO `sentiment` / `sentimentAnalyzedAt` (contract §2.10, §2.14), filled from @app/analysis. */
describe('care records: conversations carry their stored sentiment', () => {
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
    const other = await createCaregiver(t, { org, role: 'staff' });
    const patient = await createPatient(t, staff);
    return {
      patient,
      adminAuth: `Bearer ${await loginAs(t, admin)}`,
      staffAuth: `Bearer ${await loginAs(t, staff)}`,
      otherAuth: `Bearer ${await loginAs(t, other)}`,
    };
  }

  async function completedCall(p: Patient, content: string, hoursAgo: number): Promise<ConversationRow> {
    const row = await createConversation(t, p, [
      { role: 'assistant', content: 'How are you today?' },
      { role: 'patient', content },
    ]);
    const start = new Date(Date.now() - hoursAgo * 3_600_000);
    return t.get(ConversationService).updateCall(p.orgId, row.id, {
      status: 'completed',
      callStatus: 'ended',
      callOutcome: 'answered',
      startTime: start,
      endTime: new Date(start.getTime() + 120_000),
      duration: 120,
    });
  }

  it('GET /v1/conversations/:id and the patient’s list show the sentiment once the call is analysed', async () => {
    const { patient, adminAuth, staffAuth, otherAuth } = await team();
    const happy = await completedCall(patient, 'I had a wonderful morning in the garden with my daughter, it was lovely.', 2);
    const sad = await completedCall(patient, 'I feel sad and lonely, and I am tired all the time. Nothing is good.', 1);
    const before = await t.http().get(`/v1/conversations/${happy.id}`).set('Authorization', staffAuth).expect(200);
    expect(before.body).toMatchObject({ sentiment: null, sentimentAnalyzedAt: null });

    const outcome = await t.get(AnalysisService).analyzeConversation(patient.orgId, happy.id);
    if (outcome.status !== 'analyzed') throw new Error(`not analysed: ${outcome.status}`);

    const got = await t.http().get(`/v1/conversations/${happy.id}`).set('Authorization', staffAuth).expect(200);
    expect(got.body.sentiment).toEqual(outcome.sentiment);
    expect(got.body.sentiment).toMatchObject({
      overallSentiment: 'positive',
      sentimentScore: expect.any(Number),
      confidence: expect.any(Number),
      fallback: true,
    });
    expect(got.body.sentimentAnalyzedAt).toBe(outcome.analyzedAt.toISOString());
    // The read is audited exactly as before (the sentiment adds no entry of its own).
    const audits = await queryRows<{ action: string; resource_ids: string[] }>(
      t.database.db,
      sql`select action, resource_ids from audit_entries where request_id = ${got.headers['x-request-id']}`,
    );
    expect(audits).toEqual([{ action: 'conversation.read', resource_ids: [happy.id] }]);
    // The SN3 route and the conversation agree.
    const sn3 = await t.http().get(`/v1/sentiment/conversation/${happy.id}`).set('Authorization', adminAuth).expect(200);
    expect(sn3.body).toMatchObject({ sentiment: got.body.sentiment, sentimentAnalyzedAt: got.body.sentimentAnalyzedAt });

    // The list: analysed and not-yet-analysed calls side by side (newest first).
    const page = await t.http().get(`/v1/patients/${patient.id}/conversations`).set('Authorization', adminAuth).expect(200);
    expect(
      page.body.results.map((c: { id: string; sentiment: unknown; sentimentAnalyzedAt: unknown }) => [c.id, c.sentiment !== null]),
    ).toEqual([
      [sad.id, false],
      [happy.id, true],
    ]);
    expect(page.body.results[1]).toMatchObject({ sentiment: outcome.sentiment, sentimentAnalyzedAt: outcome.analyzedAt.toISOString() });
    const listAudits = await queryRows<{ action: string }>(
      t.database.db,
      sql`select action from audit_entries where request_id = ${page.headers['x-request-id']}`,
    );
    expect(listAudits.map((a) => a.action)).toEqual(['conversation.list']);

    // Re-analysis replaces it in place; appending to the conversation answers the stored one too.
    await t.get(AnalysisService).analyzeConversation(patient.orgId, sad.id);
    const appended = await t
      .http()
      .post(`/v1/conversations/${sad.id}`)
      .set('Authorization', adminAuth)
      .send({ role: 'assistant', content: 'Take care.' })
      .expect(200);
    expect(appended.body.sentiment).toMatchObject({ overallSentiment: 'negative' });
    expect(appended.body.sentimentAnalyzedAt).toEqual(expect.any(String));

    // Who may not see the conversation sees no sentiment either.
    await t.http().get(`/v1/conversations/${happy.id}`).set('Authorization', otherAuth).expect(403);
    const stranger = await team();
    await t.http().get(`/v1/conversations/${happy.id}`).set('Authorization', stranger.adminAuth).expect(404);
  });
});
