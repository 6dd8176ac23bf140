/**
 * Whole calls through the booted server: the real module graph, HTTP API, BullMQ voice job,
 * database and Redis, with the protocol fakes on the other side (Asterisk ARI + RTP over UDP,
 * OpenAI Realtime over WebSocket). Heavy: runs in the PGlite pass only.
 */
import { randomUUID } from 'node:crypto';
import { callDispatches } from '@app/calls';
import { CallDispatcher } from '@app/calls';
import { ConversationService } from '@app/conversations';
import { OrgService, orgScope } from '@app/orgs';
import { CallSessionFactory, RtpPortPool } from '@app/voice';
import {
  FakeAsterisk,
  FakeOpenAIRealtime,
  createCaregiver,
  createPatient,
  createSchedule,
  loginAs,
  type FakeRealtimeConnection,
  type TestApp,
  until,
  createTestApp,
} from '@app/testing';
import { eq } from 'drizzle-orm';

const SILENCE = Buffer.alloc(1600, 0xff); // 200 ms of µ-law silence
const CONCURRENT_CALLS = 50;

describe('calls end to end (Asterisk + OpenAI Realtime fakes)', () => {
  let asterisk: FakeAsterisk;
  let openai: FakeOpenAIRealtime;
  let t: TestApp;

  beforeAll(async () => {
    asterisk = await FakeAsterisk.start();
    openai = await FakeOpenAIRealtime.start();
    const base = 40_000 + 2 * Math.floor(Math.random() * 5_000);
    t = await createTestApp({
      listen: true,
      env: {
        ARI_URL: asterisk.url,
        ARI_USERNAME: asterisk.username,
        ARI_PASSWORD: asterisk.password,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: openai.baseUrl,
        RTP_HOST: '127.0.0.1',
        RTP_PORT_MIN: String(base),
        RTP_PORT_MAX: String(base + 1_999),
      },
    });
    await asterisk.waitFor(() => asterisk.eventSocketCount > 0);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await openai?.stop();
    await asterisk?.stop();
  });

  async function setup(options: { phone?: string } = {}) {
    const admin = await createCaregiver(t, { role: 'orgAdmin' });
    const org = await t.get(OrgService).get(admin.orgId as string);
    const firstName = `Ada${randomUUID().slice(0, 8)}`;
    const patient = await createPatient(t, admin, { name: `${firstName} Lovelace`, phone: options.phone, medications: ['aspirin'] });
    const token = await loginAs(t, admin);
    return { admin, org, patient, token, firstName };
  }

  /** The live AI connection whose instructions name this patient (the latest: a slow machine may have reconnected). */
  async function aiFor(firstName: string): Promise<FakeRealtimeConnection> {
    for (;;) {
      const found = openai.connections.filter(
        (c) =>
          !c.closed &&
          c.eventsOf('session.update').some((e) => String((e.session as { instructions?: string }).instructions ?? '').includes(firstName)),
      );
      if (found.length > 0) return found[found.length - 1];
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The AI connection of the patient once it has asked for the greeting (following reconnects). */
  async function greetedAi(firstName: string): Promise<FakeRealtimeConnection> {
    const named = (c: FakeRealtimeConnection): boolean =>
      c.eventsOf('session.update').some((e) => String((e.session as { instructions?: string }).instructions ?? '').includes(firstName));
    try {
      return await until(
        () => openai.connections.filter((c) => !c.closed && named(c) && c.eventsOf('response.create').length > 0).pop(),
        `the greeting request of ${firstName}'s call`,
        90_000,
      );
    } catch (err) {
      const mine = openai.connections.filter(named).map((c) => ({ closed: c.closed, events: c.received.map((e) => e.type) }));
      const unnamed = openai.connections.filter((c) => c.eventsOf('session.update').length === 0).length;
      const states = await t.database.db.select().from(callDispatches);
      const live = states.filter((d) => d.state !== 'ended').map((d) => `${d.id.slice(0, 8)}:${d.state}`);
      const ended = states.filter((d) => d.state === 'ended' && d.outcome !== 'completed').map((d) => `${d.outcome}/${d.endReason}`);
      throw new Error(`${(err as Error).message}: ${JSON.stringify({ mine, unnamed, live, ended })}`, { cause: err });
    }
  }

  async function conversationRow(id: string) {
    const [dispatch] = await t.database.db.select().from(callDispatches).where(eq(callDispatches.id, id));
    return dispatch ? t.get(ConversationService).find(dispatch.orgId, id) : undefined;
  }

  it('places a call, transcribes in order, raises an emergency alert, ends on the AI’s end_call and bills the minutes', async () => {
    const { patient, token, firstName } = await setup();
    // An org phrase of its own: its hits are counted for the phrase statistics.
    const phrase = await t
      .http()
      .post('/v1/emergency-phrases')
      .set('Authorization', `Bearer ${token}`)
      .send({ phrase: 'kitchen fall', language: 'en', severity: 'HIGH', category: 'Physical', pattern: 'fell\\s+in\\s+the\\s+kitchen' });
    expect(phrase.status).toBe(201);
    const res = await t.http().post('/v1/calls/initiate').set('Authorization', `Bearer ${token}`).send({ patientId: patient.id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ patientId: patient.id, status: 'in-progress', callStatus: 'in-progress' });
    const callId = res.body.conversationId as string;

    const ai = await aiFor(firstName);
    const update = ai.eventsOf('session.update')[0].session as { instructions: string; audio: { input: { format: { type: string } } } };
    expect(update.instructions).toContain('aspirin');
    expect(update.audio.input.format.type).toBe('audio/pcmu');
    await ai.waitForEvent('response.create'); // greets once media is up
    ai.respond(SILENCE, `Good morning ${firstName}, how are you today?`).done();

    const item = ai.speechStarted(0);
    ai.speechStopped(item, 900);
    ai.transcribe(item, ['I fell in the kitchen', ' and I have chest pain']);

    const alert = await until(async () => {
      const list = await t.http().get('/v1/alerts').set('Authorization', `Bearer ${token}`);
      return (list.body as Array<{ relatedPatient: string; relatedConversation: string | null; severity: string }>).find(
        (a) => a.relatedConversation === callId,
      );
    }, 'the alert');
    expect(alert.relatedPatient).toBe(patient.id);
    // The AI was told about it.
    await until(() => ai.eventsOf('conversation.item.create').some((e) => JSON.stringify(e).includes('emergency')), 'the system note');

    const status = await t.http().get(`/v1/calls/${callId}/status`).set('Authorization', `Bearer ${token}`);
    expect(status.status).toBe(200);
    expect(status.body.data).toMatchObject({ conversationId: callId, patient: { _id: patient.id, id: patient.id } });

    ai.callTool('end_call', { reason: 'goodbye' });
    const ended = await until(async () => {
      const row = await conversationRow(callId);
      return row?.status === 'completed' ? row : undefined;
    }, 'the end of the call');
    expect(ended.callOutcome).toBe('answered');
    expect(ended.endReason).toBe('ai_end_call');

    const convo = await t.http().get(`/v1/conversations/${callId}`).set('Authorization', `Bearer ${token}`);
    const contents = (convo.body.messages as Array<{ role: string; content: string }>).map((m) => `${m.role}:${m.content}`);
    expect(contents).toEqual(
      expect.arrayContaining([
        `assistant:Good morning ${firstName}, how are you today?`,
        'patient:I fell in the kitchen and I have chest pain',
      ]),
    );
    const seqs = (convo.body.messages as Array<{ seq: number }>).map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    const [dispatch] = await t.database.db.select().from(callDispatches).where(eq(callDispatches.id, callId));
    expect(dispatch).toMatchObject({ state: 'ended', outcome: 'completed', trigger: 'manual' });
    const stats = await t.http().get('/v1/emergency-phrases/statistics').set('Authorization', `Bearer ${token}`);
    expect(stats.body.totalUsage).toBe(1);
    // The post-call job wrote a summary (local analyzer: the fake serves no text API).
    await until(
      async () =>
        (await t.http().get(`/v1/conversations/${callId}`).set('Authorization', `Bearer ${token}`)).body.summary ? true : undefined,
      'the summary',
    );
    // Every channel and bridge of the call is gone on the Asterisk side.
    await until(() => asterisk.channels.size === 0 && asterisk.bridges.size === 0, 'Asterisk clean-up');
  });

  it('ends a live call from the dashboard and releases the channel, bridge and RTP port', async () => {
    const { patient, token, firstName } = await setup();
    const pool = t.get(RtpPortPool);
    const freeBefore = pool.available;
    const res = await t.http().post('/v1/calls/initiate').set('Authorization', `Bearer ${token}`).send({ patientId: patient.id });
    const callId = res.body.conversationId as string;
    const ai = await aiFor(firstName);
    await ai.waitForEvent('response.create');
    const end = await t.http().post(`/v1/calls/${callId}/end`).set('Authorization', `Bearer ${token}`).send({ outcome: 'answered' });
    expect(end.status).toBe(200);
    expect(end.body).toMatchObject({ id: callId, status: 'completed', callOutcome: 'answered' });
    await until(() => asterisk.channels.size === 0 && asterisk.bridges.size === 0 && pool.available === freeBefore, 'release');
    const row = await conversationRow(callId);
    expect(row?.endReason).toBe('dashboard');
  });

  it('a scheduled slot dispatched twice places one call; no answer schedules a retry, the last attempt raises a missed check-in alert', async () => {
    const { admin, patient, token } = await setup();
    await t.get(OrgService).update(orgScope(admin.orgId as string), admin.orgId as string, {
      callRetrySettings: { retryCount: 1, retryIntervalMinutes: 5, alertOnAllMissedCalls: true },
    });
    const schedule = await createSchedule(t, admin, patient);
    const dispatcher = t.get(CallDispatcher);
    asterisk.dial = () => ({ kind: 'no_answer' });
    try {
      const slotAt = new Date().toISOString();
      const job = { scheduleId: schedule.id, orgId: admin.orgId as string, slotAt, attempt: 1 };
      const [first, second] = await Promise.all([dispatcher.handleDispatch(job), dispatcher.handleDispatch(job)]);
      const placed = [first, second].filter((r) => r.callId);
      expect(placed).toHaveLength(1);
      expect([first, second].map((r) => r.skipped).filter(Boolean)).toEqual(['already_dispatched']);
      const callId = placed[0].callId as string;
      const ended = await until(async () => {
        const [d] = await t.database.db.select().from(callDispatches).where(eq(callDispatches.id, callId));
        return d?.state === 'ended' ? d : undefined;
      }, 'the unanswered attempt');
      expect(ended.outcome).toBe('no_answer');
      const attempts = await until(async () => {
        const rows = await t.database.db.select().from(callDispatches).where(eq(callDispatches.scheduleId, schedule.id));
        return rows.length >= 1 && rows.every((r) => r.followedUp) ? rows : undefined;
      }, 'the follow-up decision');
      expect(attempts).toHaveLength(1);
      // Deciding again changes nothing (the decision is claimed once).
      expect(await dispatcher.handleFollowUp({ callId })).toEqual({ action: 'none' });

      // The retry (attempt 2 = the last with retryCount 1) fails too: caregivers get a missed check-in alert.
      const retry = await dispatcher.handleDispatch({ ...job, attempt: 2 });
      await until(async () => {
        const [d] = await t.database.db
          .select()
          .from(callDispatches)
          .where(eq(callDispatches.id, retry.callId as string));
        return d?.followedUp ? d : undefined;
      }, 'the retry follow-up');
      const alerts = await t.http().get('/v1/alerts').set('Authorization', `Bearer ${token}`);
      const missed = (alerts.body as Array<{ message: string; relatedPatient: string }>).find((a) => a.relatedPatient === patient.id);
      expect(missed?.message).toMatch(/Missed check-in/);
    } finally {
      asterisk.dial = () => ({ kind: 'answer' });
    }
  });

  it('takes an inbound call from a known patient and refuses an unknown number', async () => {
    const phone = `+1604555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
    const { patient, firstName } = await setup({ phone });
    const channelId = asterisk.incomingCall({ callerNumber: phone });
    const ai = await aiFor(firstName);
    expect(JSON.stringify(ai.eventsOf('session.update')[0])).toContain('patient called the service');
    const row = await until(async () => {
      const [d] = await t.database.db.select().from(callDispatches).where(eq(callDispatches.patientId, patient.id));
      return d ? conversationRow(d.id) : undefined;
    }, 'the inbound conversation');
    expect(row.callSid).toBe(channelId);
    expect(row).toMatchObject({ patientId: patient.id, callType: 'inbound' });

    const unknown = asterisk.incomingCall({ callerNumber: '+19995550000' });
    await until(() => !asterisk.channels.has(unknown), 'the unknown caller hung up');
    // They heard the short message first (answered, played, then hung up).
    expect(asterisk.playbacks).toContainEqual({ channelId: unknown, media: 'sound:bianca-unknown-caller' });
    asterisk.hangupCall(channelId);
    await until(async () => ((await conversationRow(row.id))?.status === 'completed' ? true : undefined), 'inbound end');
  });

  it('barge-in through the server: playout stops, the response is cancelled and truncated at what was played', async () => {
    const { patient, token, firstName } = await setup();
    const res = await t.http().post('/v1/calls/initiate').set('Authorization', `Bearer ${token}`).send({ patientId: patient.id });
    const callId = res.body.conversationId as string;
    const ai = await greetedAi(firstName);
    const answer = ai.startResponse();
    answer.audio(Buffer.alloc(16_000, 0x33)); // two seconds of AI speech
    answer.transcript('Let me tell you all about the weather this week');
    const channel = `bianca-${callId}`;
    await until(() => asterisk.heardAudio(channel).length >= 1600 || undefined, 'AI audio on the phone');
    ai.speechStarted();
    const truncate = await ai.waitForEvent('conversation.item.truncate');
    expect(truncate.item_id).toBe(answer.itemId);
    expect(ai.eventsOf('response.cancel')).toHaveLength(1);
    const endMs = Number(truncate.audio_end_ms);
    expect(endMs).toBeGreaterThan(0);
    expect(endMs).toBeLessThan(2000);
    // Playout was flushed at once: nothing is queued any more, and the phone hears exactly what was played.
    expect(t.get(CallSessionFactory).get(callId)?.callLeg?.queuedMs).toBe(0);
    await until(() => asterisk.heardAudio(channel).length >= endMs * 8 || undefined, 'the played part on the wire');
    expect(asterisk.heardAudio(channel).length).toBeLessThan(16_000);
    ai.callTool('end_call', { reason: 'goodbye' });
    await until(async () => ((await conversationRow(callId))?.status === 'completed' ? true : undefined), 'the end of the call');
  });

  it('recovers from an AI socket drop: a new session carries the conversation over and the call goes on', async () => {
    const { patient, token, firstName } = await setup();
    const res = await t.http().post('/v1/calls/initiate').set('Authorization', `Bearer ${token}`).send({ patientId: patient.id });
    const callId = res.body.conversationId as string;
    const ai = await greetedAi(firstName);
    ai.respond(SILENCE, `Hello ${firstName}, how are you?`).done();
    const item = ai.speechStarted(0);
    ai.transcribe(item, ['I had porridge for breakfast']);
    await until(async () => {
      const convo = await t.http().get(`/v1/conversations/${callId}`).set('Authorization', `Bearer ${token}`);
      return (convo.body.messages as unknown[]).length >= 2 ? true : undefined;
    }, 'both lines stored');
    ai.drop();
    const ai2 = await until(
      () => openai.connections.find((c) => c !== ai && !c.closed && JSON.stringify(c.eventsOf('session.update')).includes(firstName)),
      'the reconnected AI session',
    );
    await ai2.waitForEvent('response.create'); // the patient spoke last: the AI answers, no dead air
    const carried = JSON.stringify(ai2.eventsOf('conversation.item.create'));
    expect(carried).toContain('I had porridge for breakfast');
    ai2.respond(SILENCE, 'Porridge is a lovely start to the day.').done();
    ai2.callTool('end_call', { reason: 'goodbye' });
    const row = await until(async () => {
      const r = await conversationRow(callId);
      return r?.status === 'completed' ? r : undefined;
    }, 'the end of the call');
    expect(row.endReason).toBe('ai_end_call');
    const convo = await t.http().get(`/v1/conversations/${callId}`).set('Authorization', `Bearer ${token}`);
    expect((convo.body.messages as Array<{ content: string }>).map((m) => m.content)).toEqual(
      expect.arrayContaining([
        `Hello ${firstName}, how are you?`,
        'I had porridge for breakfast',
        'Porridge is a lovely start to the day.',
      ]),
    );
  });

  it(`runs ${CONCURRENT_CALLS} concurrent calls without cross-talk and leaks no channel, bridge or port`, async () => {
    const { admin, token } = await setup();
    const pool = t.get(RtpPortPool);
    const freeBefore = pool.available;
    const patients = await Promise.all(
      Array.from({ length: CONCURRENT_CALLS }, async () => {
        const name = `Zed${randomUUID().slice(0, 8)}`;
        return { name, patient: await createPatient(t, admin, { name: `${name} Concurrent` }) };
      }),
    );
    const calls = await Promise.all(
      patients.map(async ({ name, patient }) => {
        const res = await t.http().post('/v1/calls/initiate').set('Authorization', `Bearer ${token}`).send({ patientId: patient.id });
        expect(res.status).toBe(201);
        return { name, callId: res.body.conversationId as string };
      }),
    );
    await Promise.all(
      calls.map(async ({ name }) => {
        const ai = await greetedAi(name);
        ai.respond(SILENCE, `Hello ${name}`).done();
        const item = ai.speechStarted(0);
        ai.transcribe(item, [`This is ${name} speaking`]);
        ai.callTool('end_call', { reason: 'goodbye' });
      }),
    );
    await until(
      async () => {
        const rows = await Promise.all(calls.map((c) => conversationRow(c.callId)));
        return rows.every((r) => r?.status === 'completed') ? true : undefined;
      },
      'all 50 calls ended',
      60_000,
    );
    const service = t.get(ConversationService);
    const all = await service.ofPatientsBetween(
      admin.orgId as string,
      patients.map((p) => p.patient.id),
      new Date(Date.now() - 3_600_000),
      new Date(Date.now() + 60_000),
    );
    for (const { name, callId } of calls) {
      const convo = all.find((c) => c.conversation.id === callId);
      const texts = (convo?.messages ?? []).filter((m) => m.messageType === 'text').map((m) => m.content);
      expect(texts).toEqual([`Hello ${name}`, `This is ${name} speaking`]);
    }
    await until(() => asterisk.channels.size === 0 && asterisk.bridges.size === 0 && pool.available === freeBefore, 'no leaks', 30_000);
  }, 240_000);
});
