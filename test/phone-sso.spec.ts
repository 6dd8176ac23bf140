import FakeTimers from '@sinonjs/fake-timers';

type InstalledClock = ReturnType<typeof FakeTimers.install>;
import { generateKeyPairSync } from 'node:crypto';
import { CaregiverService } from '@app/caregivers';
import { readOutbox } from '@app/notifications';
import { createCaregiver, createTestApp, FakeOidcIssuer, loginAs, uniqueSuffix, type TestApp } from '@app/testing';

async function lastCode(t: TestApp, phone: string): Promise<string> {
  const [sms] = (await readOutbox(t.config.dataDir, phone)).filter((e) => e.channel === 'sms');
  const code = /\b(\d{6})\b/.exec(sms?.text ?? '')?.[1];
  if (!code) throw new Error('no SMS code in the outbox');
  return code;
}

describe('phone verification (§2.2)', () => {
  let t: TestApp;
  let clock: InstalledClock | undefined;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '10000' } });
  });
  afterEach(() => {
    clock?.uninstall();
    clock = undefined;
  });
  afterAll(async () => {
    await t.close();
  });

  it('sends a code by SMS (outbox driver), verifies it once, then reports the number verified', async () => {
    const caregiver = await createCaregiver(t, { phone: '6045550142' });
    const auth = `Bearer ${await loginAs(t, caregiver)}`;
    const none = await t.http().post('/v1/phone-verification/verify').set('Authorization', auth).send({ code: '123456' }).expect(400);
    expect(none.body.message).toBe('No verification code found. Please request a new code.');
    const sent = await t.http().post('/v1/phone-verification/send-code').set('Authorization', auth).send({}).expect(200);
    expect(sent.body).toMatchObject({ success: true, message: 'Verification code sent', phoneNumber: expect.stringContaining('***') });
    expect(sent.body.phoneNumber).not.toContain('604555');
    const code = await lastCode(t, '+16045550142');
    await t.http().post('/v1/phone-verification/verify').set('Authorization', auth).send({ code: 'abc' }).expect(400);
    const wrong = await t
      .http()
      .post('/v1/phone-verification/verify')
      .set('Authorization', auth)
      .send({ code: code === '000000' ? '111111' : '000000' })
      .expect(400);
    expect(wrong.body.message).toBe('Invalid verification code');
    const ok = await t.http().post('/v1/phone-verification/verify').set('Authorization', auth).send({ code }).expect(200);
    expect(ok.body).toEqual({ success: true, message: 'Phone number verified successfully' });
    const row = await t.get(CaregiverService).get(caregiver.id);
    expect(row).toMatchObject({ isPhoneVerified: true, phone: '6045550142' });
    const again = await t.http().post('/v1/phone-verification/send-code').set('Authorization', auth).send({}).expect(400);
    expect(again.body.message).toBe('Phone number is already verified');
    await t.http().post('/v1/phone-verification/resend').set('Authorization', auth).expect(400);
  });

  it('codes expire after 10 minutes, allow 5 guesses, and at most 3 sends per hour', async () => {
    // Limits count in fixed windows: start at the beginning of one so the sends share it.
    clock = FakeTimers.install({ toFake: ['Date'], now: Math.ceil(Date.now() / 3600_000) * 3600_000 + 1000 });
    const caregiver = await createCaregiver(t, { phone: null });
    const auth = `Bearer ${await loginAs(t, caregiver)}`;
    expect((await t.http().post('/v1/phone-verification/send-code').set('Authorization', auth).send({}).expect(400)).body.message).toBe(
      'Phone number is required',
    );
    await t.http().post('/v1/phone-verification/send-code').set('Authorization', auth).send({ phoneNumber: '+16045550143' }).expect(200);
    const code = await lastCode(t, '+16045550143');
    clock.tick(10 * 60_000 + 1000);
    expect((await t.http().post('/v1/phone-verification/verify').set('Authorization', auth).send({ code }).expect(400)).body.message).toBe(
      'Verification code expired. Please request a new code.',
    );
    const resent = await t.http().post('/v1/phone-verification/resend').set('Authorization', auth).expect(200);
    expect(resent.body.message).toBe('Verification code resent');
    const fresh = await lastCode(t, '+16045550143');
    const wrongCode = fresh === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1)
      await t.http().post('/v1/phone-verification/verify').set('Authorization', auth).send({ code: wrongCode }).expect(400);
    expect(
      (await t.http().post('/v1/phone-verification/verify').set('Authorization', auth).send({ code: fresh }).expect(400)).body.message,
    ).toMatch(/request a new code/);
    await t.http().post('/v1/phone-verification/send-code').set('Authorization', auth).send({ phoneNumber: '+16045550143' }).expect(200);
    await t.http().post('/v1/phone-verification/send-code').set('Authorization', auth).send({ phoneNumber: '+16045550143' }).expect(429);
    await t.http().post('/v1/phone-verification/send-code').set('Authorization', auth).send({ phoneNumber: 'not a phone' }).expect(400);
  });
});

describe('SSO (§2.4)', () => {
  it('answers 501 when no provider is configured', async () => {
    const t = await createTestApp();
    try {
      const res = await t
        .http()
        .post('/v1/sso/login')
        .send({ provider: 'google', email: 'a@example.test', name: 'A', id: '1' })
        .expect(501);
      expect(res.body.message).toBe('SSO provider "google" is not configured on this server');
      await t.http().post('/v1/sso/login').send({ provider: 'yahoo' }).expect(400);
    } finally {
      await t.close();
    }
  });

  describe('with a (local) Google issuer', () => {
    let t: TestApp;
    let issuer: FakeOidcIssuer;
    const clientId = 'bianca-test-client';

    beforeAll(async () => {
      issuer = await FakeOidcIssuer.start();
      t = await createTestApp({
        env: { SSO_GOOGLE_CLIENT_IDS: clientId, SSO_GOOGLE_JWKS_URL: issuer.jwksUrl, AUTH_RATE_LIMIT_PER_MINUTE: '10000' },
      });
    });
    afterAll(async () => {
      await t.close();
      await issuer.stop();
    });

    const idToken = (email: string, extra: Record<string, unknown> = {}) =>
      issuer.idToken({ aud: clientId, sub: `google-${email}`, email, email_verified: true, name: 'Grace Hopper', ...extra });

    it('signs up a new account from a verified ID token (the posted e-mail is ignored)', async () => {
      const email = `sso-${uniqueSuffix()}@example.test`;
      const res = await t
        .http()
        .post('/v1/sso/login')
        .send({ provider: 'google', idToken: await idToken(email), email: 'victim@example.test', name: 'X', id: 'y' })
        .expect(200);
      expect(res.body).toMatchObject({
        success: true,
        message: 'SSO login successful',
        user: { email, role: 'orgAdmin', isEmailVerified: true },
        org: { name: "Grace Hopper's Organization" },
      });
      expect(typeof res.body.tokens.access.expires).toBe('number');
      await t.http().get(`/v1/caregivers/${res.body.user.id}`).set('Authorization', `Bearer ${res.body.tokens.access.token}`).expect(200);
      const verify = await t
        .http()
        .post('/v1/sso/verify')
        .send({ provider: 'google', token: await idToken(email) })
        .expect(200);
      expect(verify.body).toEqual({ success: true, userInfo: { id: `google-${email}`, email, name: 'Grace Hopper' } });
    });

    it('refuses missing, foreign-key, wrong-audience, unverified-e-mail and expired tokens', async () => {
      const existing = await createCaregiver(t);
      await t.http().post('/v1/sso/login').send({ provider: 'google', email: existing.email, name: 'x', id: 'y' }).expect(401);
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const bad = [
        await issuer.idToken({ aud: clientId, sub: 's', email: existing.email, email_verified: true }, { key: privateKey }),
        await idToken(existing.email, { aud: 'someone-else' }),
        await idToken(existing.email, { iss: 'https://evil.example' }),
        await idToken(existing.email, { exp: Math.floor(Date.now() / 1000) - 3600 }),
        'not-a-jwt',
      ];
      for (const token of bad) {
        const res = await t.http().post('/v1/sso/login').send({ provider: 'google', idToken: token }).expect(401);
        expect(res.body.message).toBe('Invalid SSO token');
      }
      await t.http().post('/v1/sso/verify').send({ provider: 'google', token: 'nope' }).expect(401);
      // A provider-unverified address is refused with its own message.
      const unverified = await t
        .http()
        .post('/v1/sso/login')
        .send({ provider: 'google', idToken: await idToken(existing.email, { email_verified: false }) })
        .expect(401);
      expect(unverified.body.error).toBe('SsoEmailUnverified');
    });

    it('links an existing account; set-password-for-sso needs proof of the account', async () => {
      const caregiver = await createCaregiver(t, { role: 'orgAdmin' });
      const linked = await t
        .http()
        .post('/v1/sso/login')
        .send({ provider: 'google', idToken: await idToken(caregiver.email) })
        .expect(200);
      expect(linked.body.user).toMatchObject({ id: caregiver.id, ssoProvider: 'google' });
      const body = { email: caregiver.email, password: 'Fresh-garden-8', confirmPassword: 'Fresh-garden-8' };
      await t.get(CaregiverService).update(caregiver.id, { passwordHash: null });
      await t.http().post('/v1/auth/set-password-for-sso').send(body).expect(401);
      expect(
        (
          await t
            .http()
            .post('/v1/auth/set-password-for-sso')
            .send({ ...body, confirmPassword: 'Other-garden-8' })
            .expect(400)
        ).body.message,
      ).toBe('Passwords do not match');
      const set = await t
        .http()
        .post('/v1/auth/set-password-for-sso')
        .send({ ...body, idToken: await idToken(caregiver.email) })
        .expect(200);
      expect(set.body).toEqual({ success: true, message: 'Password set successfully. You can now login with your email and password.' });
      await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: 'Fresh-garden-8' }).expect(200);
      const twice = await t
        .http()
        .post('/v1/auth/set-password-for-sso')
        .set('Authorization', `Bearer ${linked.body.tokens.access.token}`)
        .send(body)
        .expect(400);
      expect(twice.body.message).toBe('This account already has a password');
    });
  });
});
