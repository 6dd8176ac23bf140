import { randomUUID } from 'node:crypto';
import { CaregiverService } from '@app/caregivers';
import { createCaregiver, createTestApp, FakeOidcIssuer, uniqueSuffix, type TestApp } from '@app/testing';

const UNVERIFIED = {
  code: 401,
  message: 'The SSO provider has not verified the e-mail address of this account; sign in with a verified address.',
  error: 'SsoEmailUnverified',
};

describe('Microsoft SSO accepts only a verified e-mail (§2.4)', () => {
  let t: TestApp;
  let issuer: FakeOidcIssuer;
  const clientId = 'bianca-ms-client';
  const tenant = randomUUID();

  beforeAll(async () => {
    issuer = await FakeOidcIssuer.start();
    t = await createTestApp({
      env: { SSO_MICROSOFT_CLIENT_IDS: clientId, SSO_MICROSOFT_JWKS_URL: issuer.jwksUrl, AUTH_RATE_LIMIT_PER_MINUTE: '100000' },
    });
  });
  afterAll(async () => {
    await t.close();
    await issuer.stop();
  });

  /** A Microsoft identity platform v2.0 ID token (tenant issuer, `tid`, `oid`-style subject). */
  const idToken = (claims: Record<string, unknown>) =>
    issuer.idToken({
      iss: `https://login.microsoftonline.com/${tenant}/v2.0`,
      tid: tenant,
      aud: clientId,
      sub: `ms-${uniqueSuffix()}`,
      name: 'Ada Lovelace',
      ...claims,
    });

  const login = async (claims: Record<string, unknown>, status: number) =>
    t
      .http()
      .post('/v1/sso/login')
      .send({ provider: 'microsoft', idToken: await idToken(claims) })
      .expect(status);

  it('signs in with an e-mail Microsoft marks verified (xms_edov or email_verified)', async () => {
    for (const flag of [{ xms_edov: true }, { email_verified: true }]) {
      const email = `ms-${uniqueSuffix()}@example.test`;
      const res = await login({ email, ...flag }, 200);
      expect(res.body).toMatchObject({ success: true, user: { email, ssoProvider: 'microsoft', isEmailVerified: true } });
    }
  });

  it('refuses an unverified, falsy-flagged or username-only e-mail with a clear 401 and creates nothing', async () => {
    const email = `ms-${uniqueSuffix()}@example.test`;
    for (const claims of [
      { email },
      { email, xms_edov: false },
      { email, email_verified: false },
      { email, xms_edov: 'true' },
      { email, xms_edov: 1 },
      { preferred_username: email, xms_edov: true },
    ]) {
      const res = await login(claims, 401);
      expect(res.body).toEqual(UNVERIFIED);
    }
    expect(await t.get(CaregiverService).findByEmail(email)).toBeUndefined();
    const verify = await t
      .http()
      .post('/v1/sso/verify')
      .send({ provider: 'microsoft', token: await idToken({ email }) })
      .expect(401);
    expect(verify.body).toEqual(UNVERIFIED);
  });

  it('an unverified e-mail cannot take over an existing account', async () => {
    const victim = await createCaregiver(t, { role: 'orgAdmin' });
    await login({ email: victim.email }, 401);
    expect(await t.get(CaregiverService).get(victim.id)).toMatchObject({ ssoProvider: null, ssoProviderId: null });
    // A token from the wrong tenant issuer is still just invalid.
    const foreign = await login(
      { email: victim.email, xms_edov: true, iss: `https://login.microsoftonline.com/${randomUUID()}/v2.0` },
      401,
    );
    expect(foreign.body.message).toBe('Invalid SSO token');
  });
});
