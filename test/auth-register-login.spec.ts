import { REFRESH_GRACE_MS } from '@app/auth';
import { Clock } from '@app/platform';
import { createCaregiver, createOrg, createTestApp, loginAs, TEST_PASSWORD, uniqueSuffix, type TestApp } from '@app/testing';
import { readOutbox } from '@app/notifications';
import { CaregiverService } from '@app/caregivers';

describe('auth: register, login, logout, refresh (§2.1)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '10000' } });
  });
  afterAll(async () => {
    await t.close();
  });

  const email = (): string => `owner-${uniqueSuffix()}@example.test`;

  describe('POST /v1/auth/register', () => {
    it('creates the org and its orgAdmin, answers {org, caregiver, tokens, requiresEmailVerification} and mails a link', async () => {
      const address = email();
      const res = await t
        .http()
        .post('/v1/auth/register')
        .send({ name: 'Sunrise Care', email: address.toUpperCase(), password: 'Harbor-light-7', phone: '+16045550101' })
        .expect(201);
      expect(res.body).toMatchObject({
        message: 'Registration successful. Please check your email to verify your account.',
        requiresEmailVerification: true,
        org: { name: 'Sunrise Care', email: address, isEmailVerified: false, timezone: 'America/New_York' },
        caregiver: { email: address, role: 'orgAdmin', isEmailVerified: false, name: 'Sunrise Care' },
      });
      expect(res.body.org.caregivers).toEqual([res.body.caregiver.id]);
      expect(res.body.caregiver.org).toBe(res.body.org.id);
      expect(res.body.caregiver).not.toHaveProperty('password');
      expect(res.body.caregiver).not.toHaveProperty('passwordHash');
      const { access, refresh } = res.body.tokens;
      expect(typeof access.expires).toBe('number');
      expect(access.expires).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 15 * 60);
      expect(typeof refresh.expires).toBe('number');
      // The fresh account may use its own org at once.
      await t.http().get(`/v1/orgs/${res.body.org.id}`).set('Authorization', `Bearer ${access.token}`).expect(200);
      const mails = await readOutbox(t.config.dataDir, address);
      expect(mails).toHaveLength(1);
      expect(mails[0].text).toMatch(new RegExp(`${t.config.frontendUrl}/auth/verify-email\\?token=[A-Za-z0-9_-]{20,}`));
    });

    it('answers 400 with the contract messages', async () => {
      const res = await t
        .http()
        .post('/v1/auth/register')
        .send({ name: 'X', email: 'not-an-email', password: 'short1', phone: '+16045550101' })
        .expect(400);
      expect(res.body.code).toBe(400);
      expect(res.body.message).toContain('"email" must be a valid email');
      expect(res.body.message).toContain('password must be at least 8 characters');
      const letters = await t
        .http()
        .post('/v1/auth/register')
        .send({ name: 'X', email: email(), password: 'onlyletters', phone: '+16045550101' })
        .expect(400);
      expect(letters.body.message).toBe('password must contain at least 1 letter and 1 number');
      const common = await t
        .http()
        .post('/v1/auth/register')
        .send({ name: 'X', email: email(), password: 'Password1', phone: '+16045550101' })
        .expect(400);
      expect(common.body.message).toMatch(/too common/);
      const missing = await t.http().post('/v1/auth/register').send({}).expect(400);
      expect(missing.body.message).toContain('"name" is required');
    });

    it('rejects duplicate e-mails and mass assignment of role/org', async () => {
      const address = email();
      await t
        .http()
        .post('/v1/auth/register')
        .send({ name: 'A', email: address, password: 'Harbor-light-7', phone: '+16045550101' })
        .expect(201);
      const dup = await t
        .http()
        .post('/v1/auth/register')
        .send({ name: 'B', email: address, password: 'Harbor-light-7', phone: '+16045550101' })
        .expect(400);
      expect(dup.body.message).toBe('Org Email already taken');
      const other = await createCaregiver(t);
      const dupCaregiver = await t
        .http()
        .post('/v1/auth/register')
        .send({ name: 'C', email: other.email, password: 'Harbor-light-7', phone: '+16045550101' })
        .expect(400);
      expect(dupCaregiver.body.message).toBe('Caregiver Email already taken');
      const escalate = await t
        .http()
        .post('/v1/auth/register')
        .send({ name: 'D', email: email(), password: 'Harbor-light-7', phone: '+16045550101', role: 'superAdmin', org: other.orgId })
        .expect(400);
      expect(escalate.body.message).toMatch(/property role should not exist/);
    });
  });

  describe('POST /v1/auth/login', () => {
    it('answers {org, caregiver, patients, alerts, tokens} for the right password', async () => {
      const caregiver = await createCaregiver(t, { role: 'orgAdmin' });
      const res = await t
        .http()
        .post('/v1/auth/login')
        .set('Authorization', 'Bearer stale-token')
        .send({ email: caregiver.email.toUpperCase(), password: TEST_PASSWORD })
        .expect(200);
      expect(res.body).toMatchObject({
        caregiver: { id: caregiver.id, role: 'orgAdmin' },
        org: { id: caregiver.orgId },
        patients: [],
        alerts: [],
      });
      expect(typeof res.body.tokens.access.expires).toBe('number');
    });

    it('answers the same 401 for a wrong password and an unknown e-mail', async () => {
      const caregiver = await createCaregiver(t);
      const wrong = await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: 'Wrong-pass-1' }).expect(401);
      const unknown = await t.http().post('/v1/auth/login').send({ email: email(), password: 'Wrong-pass-1' }).expect(401);
      expect(wrong.body).toEqual({ code: 401, message: 'Incorrect email or password', error: 'IncorrectCredentials' });
      expect(unknown.body).toEqual(wrong.body);
    });

    it('lets an unverified account log in (it runs its own org) and answers 400 on a bad body', async () => {
      const caregiver = await createCaregiver(t, { role: 'orgAdmin', emailVerified: false });
      const res = await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: TEST_PASSWORD }).expect(200);
      expect(res.body.caregiver.isEmailVerified).toBe(false);
      await t.http().post('/v1/auth/login').send({ email: caregiver.email }).expect(400);
    });

    it('answers 403 with requiresPasswordLinking for an SSO-only account', async () => {
      const org = await createOrg(t);
      const caregiver = await createCaregiver(t, { org, role: 'orgAdmin' });
      await t.get(CaregiverService).update(caregiver.id, { passwordHash: null, ssoProvider: 'google' });
      const res = await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: 'Anything-1' }).expect(403);
      expect(res.body).toMatchObject({ requiresPasswordLinking: true, ssoProvider: 'google' });
      expect(res.body.message).toMatch(/created with SSO/);
    });
  });

  describe('refresh, logout', () => {
    it('rotates refresh tokens; reusing a rotated one revokes the whole family', async () => {
      const caregiver = await createCaregiver(t);
      const login = await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: TEST_PASSWORD }).expect(200);
      const first = login.body.tokens.refresh.token;
      const rotated = await t.http().post('/v1/auth/refresh-tokens').send({ refreshToken: first }).expect(200);
      expect(rotated.body.tokens.refresh.token).not.toBe(first);
      const access = rotated.body.tokens.access.token;
      await t.http().get(`/v1/caregivers/${caregiver.id}`).set('Authorization', `Bearer ${access}`).expect(200);
      // Replay of the rotated token after the concurrent-refresh grace: 401, and the family (the
      // new refresh and access tokens) is dead.
      const clock = jest.spyOn(t.get(Clock), 'now').mockReturnValue(new Date(Date.now() + REFRESH_GRACE_MS + 1_000));
      const replay = await t.http().post('/v1/auth/refresh-tokens').send({ refreshToken: first }).expect(401);
      expect(replay.body.message).toBe('Please authenticate');
      await t.http().post('/v1/auth/refresh-tokens').send({ refreshToken: rotated.body.tokens.refresh.token }).expect(401);
      await t.http().get(`/v1/caregivers/${caregiver.id}`).set('Authorization', `Bearer ${access}`).expect(401);
      clock.mockRestore();
    });

    it('answers 401 for unknown refresh tokens and 400 without one', async () => {
      await t.http().post('/v1/auth/refresh-tokens').send({ refreshToken: 'rt_nope' }).expect(401);
      await t.http().post('/v1/auth/refresh-tokens').send({}).expect(400);
    });

    it('logout ends the session on the next request (204), then 404 for the same token', async () => {
      const caregiver = await createCaregiver(t);
      const login = await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: TEST_PASSWORD }).expect(200);
      const auth = `Bearer ${login.body.tokens.access.token}`;
      await t.http().get(`/v1/caregivers/${caregiver.id}`).set('Authorization', auth).expect(200);
      const out = await t.http().post('/v1/auth/logout').send({ refreshToken: login.body.tokens.refresh.token }).expect(204);
      expect(out.text).toBe('');
      await t.http().get(`/v1/caregivers/${caregiver.id}`).set('Authorization', auth).expect(401);
      await t.http().post('/v1/auth/logout').send({ refreshToken: login.body.tokens.refresh.token }).expect(404);
      await t.http().post('/v1/auth/logout').send({}).expect(400);
    });
  });

  it('loginAs gives a working token', async () => {
    const caregiver = await createCaregiver(t);
    await t
      .http()
      .get(`/v1/caregivers/${caregiver.id}`)
      .set('Authorization', `Bearer ${await loginAs(t, caregiver)}`)
      .expect(200);
  });
});
