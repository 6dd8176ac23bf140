import { Logger } from 'nestjs-pino';
import { CaregiverService } from '@app/caregivers';
import { readOutbox } from '@app/notifications';
import { createCaregiver, createTestApp, FakeTwilio, loginAs, twilioError, type TestApp } from '@app/testing';

function captureLogs(t: TestApp): string[] {
  const logged: string[] = [];
  const logger = t.get(Logger);
  for (const level of ['log', 'warn', 'error', 'debug', 'verbose', 'fatal'] as const) {
    const original = logger[level].bind(logger) as (...args: unknown[]) => void;
    jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
      logged.push(JSON.stringify(args));
      original(...args);
    });
  }
  return logged;
}

const codeIn = (body: string | undefined): string => {
  const code = /\b(\d{6})\b/.exec(body ?? '')?.[1];
  if (!code) throw new Error('no 6-digit code in the SMS body');
  return code;
};

describe('fake Twilio REST API (libs/testing)', () => {
  let twilio: FakeTwilio;
  beforeAll(async () => {
    twilio = await FakeTwilio.start();
  });
  afterAll(async () => {
    await twilio.stop();
  });

  const post = (path: string, form: Record<string, string>, auth = `${twilio.accountSid}:${twilio.authToken}`) =>
    fetch(`${twilio.baseUrl}/2010-04-01/Accounts/${twilio.accountSid}/${path}`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });

  it('creates and fetches messages, with Twilio’s resource and error shapes', async () => {
    const created = await post('Messages.json', { To: '+16045550190', From: twilio.fromNumber, Body: 'hello' });
    expect(created.status).toBe(201);
    const message = (await created.json()) as Record<string, unknown>;
    expect(message).toMatchObject({
      sid: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      account_sid: twilio.accountSid,
      to: '+16045550190',
      from: twilio.fromNumber,
      body: 'hello',
      status: 'queued',
      direction: 'outbound-api',
      date_created: expect.stringMatching(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/),
    });
    const fetched = await fetch(`${twilio.baseUrl}${message.uri as string}`, {
      headers: { authorization: `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}` },
    });
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toEqual(message);

    const invalid = await post('Messages.json', { To: '12', From: twilio.fromNumber, Body: 'x' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual({
      code: 21211,
      message: "The 'To' number 12 is not a valid phone number.",
      more_info: 'https://www.twilio.com/docs/errors/21211',
      status: 400,
    });
    expect((await (await post('Messages.json', { From: twilio.fromNumber, Body: 'x' })).json()) as object).toMatchObject({ code: 21604 });
    const unauthorized = await post(
      'Messages.json',
      { To: '+16045550190', From: twilio.fromNumber, Body: 'x' },
      `${twilio.accountSid}:nope`,
    );
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ code: 20003, status: 401 });
    expect(twilio.messagesTo('+16045550190')).toHaveLength(1);
    expect(twilio.requests.map((r) => [r.method, r.resource, r.status])).toEqual([
      ['POST', 'Messages.json', 201],
      ['GET', `Messages/${message.sid as string}.json`, 200],
      ['POST', 'Messages.json', 400],
      ['POST', 'Messages.json', 400],
      ['POST', 'Messages.json', 401],
    ]);
  });

  it('takes new resources (e.g. Calls.json) through route()', async () => {
    twilio.route('POST', 'Calls.json', (req) => ({ status: 201, body: { sid: 'CA1', to: req.form.To, status: 'queued' } }));
    twilio.route('GET', 'Calls/{Sid}.json', (req) => ({ status: 200, body: { sid: req.params.Sid, status: 'in-progress' } }));
    const res = await post('Calls.json', { To: '+16045550191', From: twilio.fromNumber, Url: 'https://example.test/twiml' });
    expect(await res.json()).toEqual({ sid: 'CA1', to: '+16045550191', status: 'queued' });
    const status = await fetch(`${twilio.baseUrl}/2010-04-01/Accounts/${twilio.accountSid}/Calls/CA1.json`, {
      headers: { authorization: `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}` },
    });
    expect(await status.json()).toEqual({ sid: 'CA1', status: 'in-progress' });
  });
});

describe('phone verification through the Twilio driver (§2.2, TWILIO_API_BASE_URL)', () => {
  let twilio: FakeTwilio;
  let t: TestApp;
  let logged: string[];

  beforeAll(async () => {
    twilio = await FakeTwilio.start();
    t = await createTestApp({ env: { ...twilio.env(), AUTH_RATE_LIMIT_PER_MINUTE: '100000' } });
    logged = captureLogs(t);
  });
  afterAll(async () => {
    await t.close();
    await twilio.stop();
  });

  it('delivers the code in the SMS body (Basic auth, form-encoded To/From/Body) and the code verifies', async () => {
    const caregiver = await createCaregiver(t, { phone: '6045550177' });
    const auth = `Bearer ${await loginAs(t, caregiver)}`;
    const sent = await t.http().post('/v1/phone-verification/send-code').set('Authorization', auth).send({}).expect(200);
    expect(sent.body).toMatchObject({ success: true, message: 'Verification code sent', phoneNumber: '+1******0177' });

    const [sms, ...more] = twilio.messagesTo('+16045550177');
    expect(more).toHaveLength(0);
    expect(sms).toMatchObject({ from: twilio.fromNumber, status: 'queued' });
    const request = twilio.requests.find((r) => r.form.To === '+16045550177');
    expect(request).toMatchObject({
      method: 'POST',
      url: `/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`,
      authorized: true,
      contentType: 'application/x-www-form-urlencoded',
      form: { To: '+16045550177', From: twilio.fromNumber, Body: sms?.body },
      status: 201,
    });
    // The outbox driver is not in play.
    expect((await readOutbox(t.config.dataDir, '+16045550177')).filter((e) => e.channel === 'sms')).toEqual([]);

    const code = codeIn(sms?.body);
    const ok = await t.http().post('/v1/phone-verification/verify').set('Authorization', auth).send({ code }).expect(200);
    expect(ok.body).toEqual({ success: true, message: 'Phone number verified successfully' });
    expect(await t.get(CaregiverService).get(caregiver.id)).toMatchObject({ isPhoneVerified: true });
    expect(logged.join('\n')).not.toContain(code);
  });

  it('a number Twilio refuses → 400 with a clear message; no number, code or Twilio text in the logs', async () => {
    const caregiver = await createCaregiver(t, { phone: null });
    const auth = `Bearer ${await loginAs(t, caregiver)}`;
    const before = logged.length;
    for (const phoneNumber of ['+15005550001', '+15005550009']) {
      const res = await t.http().post('/v1/phone-verification/send-code').set('Authorization', auth).send({ phoneNumber }).expect(400);
      expect(res.body).toEqual({
        code: 400,
        message: 'This phone number cannot receive text messages. Please check the number.',
        error: 'SmsRecipientRejected',
      });
    }
    expect(twilio.requests.filter((r) => r.status === 400).map((r) => r.form.To)).toEqual(['+15005550001', '+15005550009']);
    const lines = logged.slice(before).join('\n');
    expect(lines).toContain('twilio rejected an SMS');
    expect(lines).toContain('21211');
    expect(lines).not.toContain('5550001');
    expect(lines).not.toContain('5550009');
    expect(lines).not.toContain('not a valid');
  });

  it('Twilio’s rate limit → 429; a Twilio outage → 503', async () => {
    const caregiver = await createCaregiver(t, { phone: '6045550178' });
    const auth = `Bearer ${await loginAs(t, caregiver)}`;
    twilio.failNext('POST', 'Messages.json', twilioError(429, 20429, 'Too Many Requests'));
    const limited = await t.http().post('/v1/phone-verification/send-code').set('Authorization', auth).send({}).expect(429);
    expect(limited.body).toMatchObject({ code: 429, message: 'Too many SMS requests, please try again later.' });
    twilio.failNext('POST', 'Messages.json', twilioError(500, 20500, 'Internal Server Error'));
    const down = await t.http().post('/v1/phone-verification/send-code').set('Authorization', auth).send({}).expect(503);
    expect(down.body).toEqual({ code: 503, message: 'SMS could not be sent', error: 'SmsFailed' });
    expect(twilio.messagesTo('+16045550178')).toEqual([]);
  });

  it('credentials Twilio rejects → 503 (the operator’s problem, not the caller’s)', async () => {
    const misconfigured = await createTestApp({
      env: { ...twilio.env(), TWILIO_AUTH_TOKEN: 'not-the-token', AUTH_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    try {
      const caregiver = await createCaregiver(misconfigured, { phone: '6045550179' });
      const auth = `Bearer ${await loginAs(misconfigured, caregiver)}`;
      const res = await misconfigured.http().post('/v1/phone-verification/send-code').set('Authorization', auth).send({}).expect(503);
      expect(res.body).toEqual({ code: 503, message: 'SMS could not be sent', error: 'SmsFailed' });
      expect(twilio.requests.filter((r) => r.form.To === '+16045550179').map((r) => [r.authorized, r.status])).toEqual([[false, 401]]);
    } finally {
      await misconfigured.close();
    }
  });
});
