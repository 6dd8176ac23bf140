/**
 * A whole call over Twilio through the booted server: REST call creation against the fake Twilio
 * API (TwiML <Connect><Stream> naming our call id), the Media Streams WebSocket at
 * /v1/twilio/media (signed upgrade), signed status callbacks, and the fake OpenAI Realtime.
 */
import { randomUUID } from 'node:crypto';
import { callDispatches, twilioSignature, mediaStreamUrl } from '@app/calls';
import { ConversationService } from '@app/conversations';
import {
  FakeOpenAIRealtime,
  FakeTwilio,
  FakeTwilioMediaStream,
  createCaregiver,
  createPatient,
  createTestApp,
  loginAs,
  type FakeRealtimeConnection,
  type TestApp,
  until,
} from '@app/testing';
import { eq } from 'drizzle-orm';

describe('calls end to end over Twilio Media Streams', () => {
  let twilio: FakeTwilio;
  let openai: FakeOpenAIRealtime;
  let t: TestApp;
  const created: Array<{ sid: string; form: Record<string, string> }> = [];

  beforeAll(async () => {
    twilio = await FakeTwilio.start();
    twilio.route('POST', 'Calls.json', (req) => {
      const sid = `CA${randomUUID().replace(/-/g, '')}`;
      created.push({ sid, form: req.form });
      return { status: 201, body: { sid, status: 'queued', to: req.form.To, from: req.form.From } };
    });
    twilio.route('POST', 'Calls/{Sid}.json', (req) => ({ status: 200, body: { sid: req.params.Sid, status: 'completed' } }));
    openai = await FakeOpenAIRealtime.start();
    t = await createTestApp({ listen: true, env: { ...twilio.env(), OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseUrl } });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await openai?.stop();
    await twilio?.stop();
  });

  /** Twilio signs PUBLIC_URL + path (+ query) and the POST parameters. */
  function signed(path: string, form: Record<string, string>) {
    const url = new URL(path, t.config.publicUrl).toString();
    return t
      .http()
      .post(path)
      .type('form')
      .set('X-Twilio-Signature', twilioSignature(twilio.authToken, url, form))
      .send(form);
  }

  it('creates the call over REST, streams it over the media socket, and ends on the patient’s hang-up', async () => {
    const admin = await createCaregiver(t, { role: 'orgAdmin' });
    const firstName = `Grace${randomUUID().slice(0, 6)}`;
    const patient = await createPatient(t, admin, { name: `${firstName} Hopper` });
    const token = await loginAs(t, admin);
    const res = await t.http().post('/v1/calls/initiate').set('Authorization', `Bearer ${token}`).send({ patientId: patient.id });
    expect(res.status).toBe(201);
    const callId = res.body.conversationId as string;
    const call = await until(() => created.find((c) => c.form.Twiml?.includes(callId)), 'the REST call');
    expect(call.form.To).toBe(patient.phoneE164);
    expect(call.form.Twiml).toContain(`<Stream url="${mediaStreamUrl(t.config.publicUrl)}">`);
    expect(call.form.StatusCallback).toContain(`/v1/twilio/status?callId=${callId}`);

    // A status callback without a valid signature is refused; a signed one is taken.
    const unsigned = await t
      .http()
      .post(`/v1/twilio/status?callId=${callId}`)
      .type('form')
      .send({ CallSid: call.sid, CallStatus: 'ringing' });
    expect(unsigned.status).toBe(403);
    const ringing = await signed(`/v1/twilio/status?callId=${callId}`, { CallSid: call.sid, CallStatus: 'ringing' });
    expect(ringing.status).toBe(204);

    // An unsigned media upgrade is refused; Twilio's signed one gets the call.
    const wsUrl = `${t.url?.replace('http', 'ws')}/v1/twilio/media`;
    await expect(FakeTwilioMediaStream.connect(wsUrl, { callSid: call.sid, customParameters: { callId } })).rejects.toThrow();
    const stream = await FakeTwilioMediaStream.connect(wsUrl, {
      callSid: call.sid,
      customParameters: { callId },
      headers: { 'X-Twilio-Signature': twilioSignature(twilio.authToken, mediaStreamUrl(t.config.publicUrl), {}) },
    });
    const ai = await until<FakeRealtimeConnection>(
      () => openai.connections.find((c) => JSON.stringify(c.eventsOf('session.update')).includes(firstName)),
      'the AI session',
    );
    await ai.waitForEvent('response.create');
    ai.respond(Buffer.alloc(800, 0xff), `Hello ${firstName}!`).done();
    await until(() => stream.played.length > 0, 'AI audio on the stream');
    const item = ai.speechStarted(0);
    ai.transcribe(item, ['I am fine, thank you']);
    await stream.stop();

    const row = await until(async () => {
      const r = await t.get(ConversationService).find(admin.orgId as string, callId);
      return r?.status === 'completed' ? r : undefined;
    }, 'the end of the call');
    expect(row).toMatchObject({ callSid: call.sid, callOutcome: 'answered', endReason: 'patient_hangup' });
    const [dispatch] = await t.database.db.select().from(callDispatches).where(eq(callDispatches.id, callId));
    expect(dispatch).toMatchObject({ state: 'ended', outcome: 'completed', provider: 'twilio' });
    const convo = await t.http().get(`/v1/conversations/${callId}`).set('Authorization', `Bearer ${token}`);
    expect((convo.body.messages as Array<{ content: string }>).map((m) => m.content)).toEqual(
      expect.arrayContaining([`Hello ${firstName}!`, 'I am fine, thank you']),
    );
  });

  it('hangs up on an answering machine (Twilio AMD) before the AI leaves a message, as outcome voicemail (not billed)', async () => {
    const admin = await createCaregiver(t, { role: 'orgAdmin' });
    const firstName = `Ada${randomUUID().slice(0, 6)}`;
    const patient = await createPatient(t, admin, { name: `${firstName} Machine` });
    const token = await loginAs(t, admin);
    const res = await t.http().post('/v1/calls/initiate').set('Authorization', `Bearer ${token}`).send({ patientId: patient.id });
    const callId = res.body.conversationId as string;
    const call = await until(() => created.find((c) => c.form.Twiml?.includes(callId)), 'the REST call');
    expect(call.form).toMatchObject({ MachineDetection: 'Enable', AsyncAmd: 'true' });
    expect(call.form.AsyncAmdStatusCallback).toContain(`/v1/twilio/status?callId=${callId}`);
    const stream = await FakeTwilioMediaStream.connect(`${t.url?.replace('http', 'ws')}/v1/twilio/media`, {
      callSid: call.sid,
      customParameters: { callId },
      headers: { 'X-Twilio-Signature': twilioSignature(twilio.authToken, mediaStreamUrl(t.config.publicUrl), {}) },
    });
    const amd = await signed(`/v1/twilio/status?callId=${callId}`, {
      CallSid: call.sid,
      AnsweredBy: 'machine_start',
      AccountSid: twilio.accountSid,
    });
    expect(amd.status).toBe(204);
    const row = await until(async () => {
      const r = await t.get(ConversationService).find(admin.orgId as string, callId);
      return r?.status === 'machine' ? r : undefined;
    }, 'the voicemail end');
    expect(row).toMatchObject({ callOutcome: 'voicemail', endReason: 'voicemail', costCents: 0 });
    await until(() => stream.closed, 'the media stream closed');
  });

  it('answers an unknown inbound caller with a polite message and a hang-up (signed webhook)', async () => {
    const res = await signed('/v1/twilio/voice', {
      CallSid: `CA${randomUUID().replace(/-/g, '')}`,
      From: '+19995550123',
      To: '+15005550006',
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/xml/);
    expect(res.text).toContain('<Say');
    expect(res.text).toContain('<Hangup/>');
  });
});
