import FakeTimers from '@sinonjs/fake-timers';

type InstalledClock = ReturnType<typeof FakeTimers.install>;
import { createHmac, randomBytes } from 'node:crypto';
import { CaregiverService } from '@app/caregivers';
import { createCaregiver, createOrg, createTestApp, loginAs, loginSession, TEST_PASSWORD, type TestApp } from '@app/testing';

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('sessions and tokens (security.md S1–S7, A5)', () => {
  let t: TestApp;
  let clock: InstalledClock | undefined;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '10000', SESSION_IDLE_MINUTES: '5', LOGIN_MAX_FAILURES: '3' } });
  });
  afterEach(() => {
    clock?.uninstall();
    clock = undefined;
  });
  afterAll(async () => {
    await t.close();
  });

  const me = (token: string, id: string) => t.http().get(`/v1/caregivers/${id}`).set('Authorization', `Bearer ${token}`);

  describe('access token validation (S1)', () => {
    it('rejects alg none, a wrong key, a tampered payload, a refresh token and a query-string token', async () => {
      const caregiver = await createCaregiver(t);
      const session = await loginSession(t, caregiver);
      const [header, payload] = session.accessToken.split('.') as [string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      await me(session.accessToken, caregiver.id).expect(200);

      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
      const wrongKey = `${header}.${payload}.${createHmac('sha256', randomBytes(32)).update(`${header}.${payload}`).digest('base64url')}`;
      const rawSecret = `${header}.${payload}.${createHmac('sha256', t.config.jwtSecret).update(`${header}.${payload}`).digest('base64url')}`;
      const tampered = `${header}.${b64({ ...claims, sub: randomBytes(16).toString('hex') })}.${session.accessToken.split('.')[2]}`;
      const withKid = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'x' })}.${payload}.${session.accessToken.split('.')[2]}`;
      for (const forged of [none, wrongKey, rawSecret, tampered, withKid, session.refreshToken, 'garbage', '']) {
        const res = await me(forged, caregiver.id).expect(401);
        expect(res.body).toEqual({ code: 401, message: 'Please authenticate', error: 'Unauthorized' });
      }
      await t.http().get(`/v1/caregivers/${caregiver.id}?access_token=${session.accessToken}`).expect(401);
      await t.http().get(`/v1/caregivers/${caregiver.id}`).set('Authorization', session.accessToken).expect(401);
    });

    it('expires access tokens after 15 minutes', async () => {
      const caregiver = await createCaregiver(t);
      clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() });
      const token = await loginAs(t, caregiver);
      clock.tick(4 * 60_000);
      await me(token, caregiver.id).expect(200);
      clock.tick(4 * 60_000);
      await me(token, caregiver.id).expect(200);
      clock.tick(4 * 60_000);
      await me(token, caregiver.id).expect(200);
      clock.tick(3 * 60_000 + 1000);
      await me(token, caregiver.id).expect(401);
    });
  });

  describe('idle timeout (S3), enforced server-side', () => {
    it('slides with activity and ends the session after SESSION_IDLE_MINUTES without', async () => {
      const caregiver = await createCaregiver(t);
      clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() });
      const session = await loginSession(t, caregiver);
      clock.tick(4 * 60_000 + 59_000);
      await me(session.accessToken, caregiver.id).expect(200);
      clock.tick(4 * 60_000 + 59_000);
      await me(session.accessToken, caregiver.id).expect(200);
      clock.tick(5 * 60_000 + 1000);
      const res = await me(session.accessToken, caregiver.id).expect(401);
      expect(res.body).toMatchObject({ message: 'Session expired due to inactivity', reason: 'IDLE_TIMEOUT' });
      // The JWT has not expired, but the session is gone: the refresh token is dead too.
      await t.http().post('/v1/auth/refresh-tokens').send({ refreshToken: session.refreshToken }).expect(401);
    });

    it('refuses a refresh after the idle period', async () => {
      const caregiver = await createCaregiver(t);
      clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() });
      const session = await loginSession(t, caregiver);
      clock.tick(6 * 60_000);
      const res = await t.http().post('/v1/auth/refresh-tokens').send({ refreshToken: session.refreshToken }).expect(401);
      expect(res.body.message).toBe('Session expired due to inactivity');
    });
  });

  describe('lockout (A5)', () => {
    it('locks the account after LOGIN_MAX_FAILURES failures, even for the right password, for 15 minutes', async () => {
      const caregiver = await createCaregiver(t);
      clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() });
      for (let i = 0; i < 3; i += 1) {
        await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: 'Wrong-pass-1' }).expect(401);
      }
      const locked = await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: TEST_PASSWORD }).expect(429);
      expect(locked.body.message).toBe('Too many failed login attempts. Please try again in 15 minutes.');
      clock.tick(14 * 60_000);
      await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: TEST_PASSWORD }).expect(429);
      clock.tick(60_000 + 1000);
      const ok = await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: TEST_PASSWORD }).expect(200);
      expect(ok.body.caregiver.id).toBe(caregiver.id);
    });

    it('locks unknown addresses the same way (no enumeration)', async () => {
      const email = `ghost-${randomBytes(4).toString('hex')}@example.test`;
      for (let i = 0; i < 3; i += 1) await t.http().post('/v1/auth/login').send({ email, password: 'Wrong-pass-1' }).expect(401);
      await t.http().post('/v1/auth/login').send({ email, password: 'Wrong-pass-1' }).expect(429);
    });
  });

  describe('revocation takes effect on the next request (S4, S5)', () => {
    it('a demoted orgAdmin loses admin routes at once; a deleted account is signed out', async () => {
      const org = await createOrg(t);
      const admin = await createCaregiver(t, { org, role: 'orgAdmin' });
      const other = await createCaregiver(t, { org, role: 'orgAdmin' });
      const adminToken = await loginAs(t, admin);
      const otherToken = await loginAs(t, other);
      await t.http().get('/v1/caregivers').set('Authorization', `Bearer ${otherToken}`).expect(200);
      await t
        .http()
        .patch(`/v1/orgs/${org.id}/caregiver/${other.id}/role`)
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ role: 'staff' })
        .expect(200);
      await t.http().get('/v1/caregivers').set('Authorization', `Bearer ${otherToken}`).expect(403);
      await t.http().delete(`/v1/caregivers/${other.id}`).set('Authorization', `Bearer ${adminToken}`).expect(204);
      await me(otherToken, other.id).expect(401);
    });
  });

  describe('role changes and mass assignment (Z3, Z4)', () => {
    it('an orgAdmin cannot grant superAdmin, nor change roles in another org', async () => {
      const org = await createOrg(t);
      const admin = await createCaregiver(t, { org, role: 'orgAdmin' });
      const staff = await createCaregiver(t, { org, role: 'staff' });
      const foreign = await createCaregiver(t, { role: 'staff' });
      const token = await loginAs(t, admin);
      const grant = await t
        .http()
        .patch(`/v1/orgs/${org.id}/caregiver/${staff.id}/role`)
        .set('Authorization', `Bearer ${token}`)
        .send({ role: 'superAdmin' })
        .expect(403);
      expect(grant.body.message).toBe('Only a superAdmin can grant the superAdmin role.');
      await t
        .http()
        .patch(`/v1/orgs/${foreign.orgId}/caregiver/${foreign.id}/role`)
        .set('Authorization', `Bearer ${token}`)
        .send({ role: 'orgAdmin' })
        .expect(404);
      await t
        .http()
        .patch(`/v1/orgs/${org.id}/caregiver/${foreign.id}/role`)
        .set('Authorization', `Bearer ${token}`)
        .send({ role: 'orgAdmin' })
        .expect(404);
      await t
        .http()
        .patch(`/v1/orgs/${org.id}/caregiver/${staff.id}/role`)
        .set('Authorization', `Bearer ${token}`)
        .send({ role: 'king' })
        .expect(400);
      expect((await t.get(CaregiverService).get(staff.id)).role).toBe('staff');
      expect((await t.get(CaregiverService).get(foreign.id)).role).toBe('staff');
    });

    it('staff cannot set their own role or org through PATCH /caregivers/:id', async () => {
      const staff = await createCaregiver(t, { role: 'staff' });
      const token = await loginAs(t, staff);
      const res = await t
        .http()
        .patch(`/v1/caregivers/${staff.id}`)
        .set('Authorization', `Bearer ${token}`)
        .send({ role: 'orgAdmin' })
        .expect(400);
      expect(res.body.message).toBe('property role should not exist');
      const org = await createOrg(t);
      await t
        .http()
        .patch(`/v1/caregivers/${staff.id}`)
        .set('Authorization', `Bearer ${token}`)
        .send({ org: org.id, isEmailVerified: false })
        .expect(200);
      const row = await t.get(CaregiverService).get(staff.id);
      expect(row).toMatchObject({ role: 'staff', orgId: staff.orgId, isEmailVerified: true });
    });
  });

  describe('mandatory MFA for superAdmin', () => {
    it('a superAdmin without MFA gets tokens that reach only /mfa and /auth', async () => {
      const admin = await createCaregiver(t, { role: 'superAdmin' });
      const res = await t.http().post('/v1/auth/login').send({ email: admin.email, password: TEST_PASSWORD }).expect(200);
      expect(res.body.mfaEnrollRequired).toBe(true);
      const auth = `Bearer ${res.body.tokens.access.token}`;
      const blocked = await t.http().get('/v1/orgs').set('Authorization', auth).expect(403);
      expect(blocked.body.error).toBe('MfaEnrollmentRequired');
      const status = await t.http().get('/v1/mfa/status').set('Authorization', auth).expect(200);
      expect(status.body).toMatchObject({ mfaEnabled: false, mfaRequired: true });
    });
  });
});

describe('per-IP limit of the auth routes (AUTH_RATE_LIMIT_PER_MINUTE)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 once an address exceeds the budget', async () => {
    // The budget counts per minute window: start at the beginning of one.
    const clock = FakeTimers.install({ toFake: ['Date'], now: Math.ceil(Date.now() / 60_000) * 60_000 + 1000 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i += 1)
        statuses.push((await t.http().post('/v1/auth/forgot-password').send({ email: 'a@example.test' })).status);
      expect(statuses).toEqual([204, 204, 204, 204, 204, 429, 429]);
      const res = await t.http().post('/v1/auth/login').send({ email: 'a@example.test', password: 'x' }).expect(429);
      expect(res.body).toMatchObject({ code: 429, message: 'Too many requests, please try again later.' });
      // The next minute has a fresh budget.
      clock.tick(60_000);
      await t.http().post('/v1/auth/forgot-password').send({ email: 'a@example.test' }).expect(204);
    } finally {
      clock.uninstall();
    }
  });
});
