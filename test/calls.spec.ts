/** The call workflow without a telephony provider (light: both databases) and the pure helpers. */
import { alertCategoryOf, connectStreamTwiml, twilioSignature, verifyTwilioSignature } from '@app/calls';
import { createCaregiver, createPatient, createTestApp, loginAs, type TestApp } from '@app/testing';

describe('call workflow without a provider', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 503 naming what to configure, after the patient checks; validates the body', async () => {
    const admin = await createCaregiver(t, { role: 'orgAdmin' });
    const patient = await createPatient(t, admin);
    const token = await loginAs(t, admin);
    const res = await t.http().post('/v1/calls/initiate').set('Authorization', `Bearer ${token}`).send({ patientId: patient.id });
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 503, message: expect.stringContaining('ARI_URL') });

    const bad = await t.http().post('/v1/calls/initiate').set('Authorization', `Bearer ${token}`).send({ patientId: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('"patientId" must be a valid id');
    const missing = await t.http().post('/v1/calls/initiate').set('Authorization', `Bearer ${token}`).send({});
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('"patientId" is required');

    const end = await t.http().post(`/v1/calls/${patient.id}/end`).set('Authorization', `Bearer ${token}`).send({ outcome: 'maybe' });
    expect(end.status).toBe(400);
    expect(end.body.message).toContain('"outcome" must be one of');
  });

  it('a staff member cannot call a patient of the org who is not assigned to them', async () => {
    const admin = await createCaregiver(t, { role: 'orgAdmin' });
    const staff = await createCaregiver(t, { role: 'staff', org: { id: admin.orgId } as never });
    const patient = await createPatient(t, admin);
    const res = await t
      .http()
      .post('/v1/calls/initiate')
      .set('Authorization', `Bearer ${await loginAs(t, staff)}`)
      .send({ patientId: patient.id });
    expect(res.status).toBe(403); // as for reading the patient: the provider check comes after access
  });
});

describe('call helpers', () => {
  it('maps the AI’s concern categories onto alert categories', () => {
    expect(alertCategoryOf('fall')).toBe('Physical');
    expect(alertCategoryOf('safety')).toBe('Safety');
    expect(alertCategoryOf('medication')).toBe('Medical');
    expect(alertCategoryOf('Request')).toBe('Request');
  });

  it('verifies Twilio signatures over the URL and sorted parameters', () => {
    const url = 'https://bianca.example/v1/twilio/status?callId=abc';
    const params = { CallSid: 'CA1', CallStatus: 'ringing' };
    const signature = twilioSignature('token', url, params);
    expect(verifyTwilioSignature('token', url, params, signature)).toBe(true);
    expect(verifyTwilioSignature('token', url, { ...params, CallStatus: 'completed' }, signature)).toBe(false);
    expect(verifyTwilioSignature('other', url, params, signature)).toBe(false);
    expect(verifyTwilioSignature('token', `${url}x`, params, signature)).toBe(false);
    expect(verifyTwilioSignature('token', url, params, undefined)).toBe(false);
  });

  it('streams to the wss media URL of an https PUBLIC_URL and escapes the call id', () => {
    expect(connectStreamTwiml('https://bianca.example', 'a"b')).toContain(
      '<Stream url="wss://bianca.example/v1/twilio/media"><Parameter name="callId" value="a&quot;b"/>',
    );
  });
});
