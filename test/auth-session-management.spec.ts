import FakeTimers from '@sinonjs/fake-timers';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { CaregiverRow } from '@app/caregivers';
import { queryRows } from '@app/platform';
import { createCaregiver, createOrg, createTestApp, TEST_PASSWORD, type TestApp } from '@app/testing';

type InstalledClock = ReturnType<typeof FakeTimers.install>;

interface Login {
  access: string;
  refresh: string;
  sessionId: string;
  auth: string;
}

const sessionIdOf = (accessToken: string): string =>
  (JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as { sid: string }).sid;

describe('session management (security.md S6) and refresh grace (S2)', () => {
  let t: TestApp;
  let clock: InstalledClock | undefined;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '100000' } });
  });
  afterEach(() => {
    clock?.uninstall();
    clock = undefined;
  });
  afterAll(async () => {
    await t.close();
  });

  async function login(caregiver: CaregiverRow, userAgent = 'BiancaTest/1.0'): Promise<Login> {
    const res = await t
      .http()
      .post('/v1/auth/login')
      .set('User-Agent', userAgent)
      .send({ email: caregiver.email, password: TEST_PASSWORD })
      .expect(200);
    const access = res.body.tokens.access.token as string;
    return { access, refresh: res.body.tokens.refresh.token as string, sessionId: sessionIdOf(access), auth: `Bearer ${access}` };
  }

  const me = (session: Login, caregiver: CaregiverRow) => t.http().get(`/v1/caregivers/${caregiver.id}`).set('Authorization', session.auth);

  async function auditFor(resourceId: string): Promise<Array<{ action: string; outcome: string; reason: string | null }>> {
    return queryRows(
      t.database.db,
      sql`select action, outcome, reason from audit_entries where ${resourceId} = any(resource_ids) order by id`,
    );
  }

  async function sessionRow(sessionId: string): Promise<{ revoked_at: Date | null; revoked_reason: string | null }> {
    const [row] = await queryRows<{ revoked_at: Date | null; revoked_reason: string | null }>(
      t.database.db,
      sql`select revoked_at, revoked_reason from auth_sessions where id = ${sessionId}`,
    );
    if (!row) throw new Error('no such session');
    return row;
  }

  describe('GET /v1/auth/sessions', () => {
    it('lists only the caller’s live sessions, most recently active first, marking the current one', async () => {
      clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() });
      const org = await createOrg(t);
      const caregiver = await createCaregiver(t, { org });
      const colleague = await createCaregiver(t, { org });
      const phone = await login(caregiver, 'BiancaApp/3.1 (iPhone; iOS 18)');
      const laptop = await login(caregiver, 'Mozilla/5.0 (Macintosh) Firefox/140.0');
      const ended = await login(caregiver, 'Old/1.0');
      await t.http().post('/v1/auth/logout').send({ refreshToken: ended.refresh }).expect(204);
      await login(colleague);

      clock.tick(60_000);
      const res = await t.http().get('/v1/auth/sessions').set('Authorization', laptop.auth).expect(200);
      expect(res.body).toHaveLength(2);
      const [first, second] = res.body as Array<Record<string, unknown>>;
      expect(first).toEqual({
        id: laptop.sessionId,
        createdAt: expect.any(String),
        lastActiveAt: new Date(Date.now()).toISOString(),
        expiresAt: expect.any(String),
        method: 'password',
        userAgent: 'Mozilla/5.0 (Macintosh) Firefox/140.0',
        ipAddress: expect.stringContaining('127.0.0.1'),
        current: true,
      });
      expect(second).toMatchObject({ id: phone.sessionId, userAgent: 'BiancaApp/3.1 (iPhone; iOS 18)', current: false });
      expect(Date.parse(second?.lastActiveAt as string)).toBeLessThan(Date.parse(first?.lastActiveAt as string));

      // Seen from the other device, `current` moves (and the phone is now the most recently active).
      clock.tick(1000);
      const fromPhone = await t.http().get('/v1/auth/sessions').set('Authorization', phone.auth).expect(200);
      expect((fromPhone.body as Array<{ id: string; current: boolean }>).map((s) => [s.id, s.current])).toEqual([
        [phone.sessionId, true],
        [laptop.sessionId, false],
      ]);
    });

    it('leaves out sessions that went idle', async () => {
      clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() });
      const caregiver = await createCaregiver(t);
      const dormant = await login(caregiver);
      clock.tick(10 * 60_000);
      const active = await login(caregiver);
      clock.tick(6 * 60_000);
      const res = await t.http().get('/v1/auth/sessions').set('Authorization', active.auth).expect(200);
      expect((res.body as Array<{ id: string }>).map((s) => s.id)).toEqual([active.sessionId]);
      expect(dormant.sessionId).not.toBe(active.sessionId);
    });

    it('needs a bearer token', async () => {
      await t.http().get('/v1/auth/sessions').expect(401);
    });
  });

  describe('DELETE /v1/auth/sessions/:sessionId', () => {
    it('ends one of the caller’s sessions: 204, its next request and its refresh token 401, the others keep working', async () => {
      const caregiver = await createCaregiver(t);
      const keep = await login(caregiver);
      const lost = await login(caregiver);
      const res = await t.http().delete(`/v1/auth/sessions/${lost.sessionId}`).set('Authorization', keep.auth).expect(204);
      expect(res.text).toBe('');
      await me(lost, caregiver).expect(401);
      await t.http().post('/v1/auth/refresh-tokens').send({ refreshToken: lost.refresh }).expect(401);
      await me(keep, caregiver).expect(200);
      expect((await sessionRow(lost.sessionId)).revoked_reason).toBe('terminated');
      // Already ended: like a missing one.
      await t.http().delete(`/v1/auth/sessions/${lost.sessionId}`).set('Authorization', keep.auth).expect(404);

      // Ending the current session signs the caller out.
      await t.http().delete(`/v1/auth/sessions/${keep.sessionId}`).set('Authorization', keep.auth).expect(204);
      await me(keep, caregiver).expect(401);
      expect((await auditFor(lost.sessionId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
        ['auth.session.revoke', 'success', 'self_other'],
      ]);
    });

    it('someone else’s session (same org or another org) answers exactly like a missing one, with no effect', async () => {
      const org = await createOrg(t);
      const alice = await createCaregiver(t, { org, role: 'orgAdmin' });
      const bob = await createCaregiver(t, { org });
      const mallory = await createCaregiver(t);
      const aliceSession = await login(alice);
      const bobSession = await login(bob);
      const foreignSession = await login(mallory);

      const missing = await t.http().delete(`/v1/auth/sessions/${randomUUID()}`).set('Authorization', aliceSession.auth).expect(404);
      expect(missing.body).toEqual({ code: 404, message: 'Session not found', error: 'SessionNotFound' });
      for (const target of [bobSession, foreignSession]) {
        const res = await t.http().delete(`/v1/auth/sessions/${target.sessionId}`).set('Authorization', aliceSession.auth).expect(404);
        expect(res.body).toEqual(missing.body);
      }
      await me(bobSession, bob).expect(200);
      await me(foreignSession, mallory).expect(200);
      expect((await auditFor(bobSession.sessionId)).map((e) => [e.action, e.outcome, e.reason])).toEqual([
        ['auth.session.revoke', 'denied', 'not_owner'],
      ]);
      expect((await auditFor(foreignSession.sessionId)).map((e) => [e.outcome, e.reason])).toEqual([['denied', 'cross_tenant']]);
      await t.http().delete('/v1/auth/sessions/not-a-uuid').set('Authorization', aliceSession.auth).expect(400);
    });
  });

  describe('DELETE /v1/caregivers/:caregiverId/sessions (orgAdmin)', () => {
    it('ends every session of a member of the org: 204 and the member’s next request 401', async () => {
      const org = await createOrg(t);
      const admin = await createCaregiver(t, { org, role: 'orgAdmin' });
      const member = await createCaregiver(t, { org });
      const adminSession = await login(admin);
      const one = await login(member);
      const two = await login(member);
      await t.http().delete(`/v1/caregivers/${member.id}/sessions`).set('Authorization', adminSession.auth).expect(204);
      await me(one, member).expect(401);
      await me(two, member).expect(401);
      await t.http().post('/v1/auth/refresh-tokens').send({ refreshToken: two.refresh }).expect(401);
      await me(adminSession, admin).expect(200);
      expect((await auditFor(member.id)).filter((e) => e.action === 'auth.session.revoke')).toEqual([
        { action: 'auth.session.revoke', outcome: 'success', reason: 'admin_terminated' },
      ]);
      // The member signs in again normally.
      const again = await login(member);
      await me(again, member).expect(200);
    });

    it('another org’s caregiver → 404 like a missing id, no side effect, audited as denied cross-tenant; staff → 403', async () => {
      const org = await createOrg(t);
      const admin = await createCaregiver(t, { org, role: 'orgAdmin' });
      const staff = await createCaregiver(t, { org, role: 'staff' });
      const colleague = await createCaregiver(t, { org });
      const foreigner = await createCaregiver(t);
      const adminSession = await login(admin);
      const staffSession = await login(staff);
      const colleagueSession = await login(colleague);
      const foreignSession = await login(foreigner);

      const res = await t.http().delete(`/v1/caregivers/${foreigner.id}/sessions`).set('Authorization', adminSession.auth).expect(404);
      const missing = await t.http().delete(`/v1/caregivers/${randomUUID()}/sessions`).set('Authorization', adminSession.auth).expect(404);
      expect(res.body).toEqual(missing.body);
      await me(foreignSession, foreigner).expect(200);
      expect((await auditFor(foreigner.id)).filter((e) => e.action !== 'auth.login')).toEqual([
        { action: 'authz.denied', outcome: 'denied', reason: 'cross_tenant' },
      ]);

      await t.http().delete(`/v1/caregivers/${colleague.id}/sessions`).set('Authorization', staffSession.auth).expect(403);
      await t.http().delete(`/v1/caregivers/${staff.id}/sessions`).set('Authorization', staffSession.auth).expect(403);
      await me(colleagueSession, colleague).expect(200);
      await me(staffSession, staff).expect(200);
    });
  });

  describe('refresh-token rotation with a grace window (S2)', () => {
    it('five concurrent refreshes of one token all answer 200 with the same new pair; the family rotated once', async () => {
      const caregiver = await createCaregiver(t);
      const session = await login(caregiver);
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => t.http().post('/v1/auth/refresh-tokens').send({ refreshToken: session.refresh })),
      );
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      const pairs = new Set(answers.map((r) => JSON.stringify(r.body.tokens)));
      expect(pairs.size).toBe(1);
      const tokens = answers[0]?.body.tokens as { access: { token: string }; refresh: { token: string } };
      expect(tokens.refresh.token).not.toBe(session.refresh);
      const rows = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from auth_refresh_tokens where session_id = ${session.sessionId}`,
      );
      expect(rows[0]?.n).toBe(2);
      await me({ ...session, auth: `Bearer ${tokens.access.token}` }, caregiver).expect(200);
      // The successor rotates normally.
      const next = await t.http().post('/v1/auth/refresh-tokens').send({ refreshToken: tokens.refresh.token }).expect(200);
      expect(next.body.tokens.refresh.token).not.toBe(tokens.refresh.token);
    });

    it('a retry inside the grace gets the same pair; reuse after the grace → 401, the family is revoked and the new access token stops working', async () => {
      clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() });
      const caregiver = await createCaregiver(t);
      const session = await login(caregiver);
      const first = await t.http().post('/v1/auth/refresh-tokens').send({ refreshToken: session.refresh }).expect(200);
      clock.tick(9_000);
      const retry = await t.http().post('/v1/auth/refresh-tokens').send({ refreshToken: session.refresh }).expect(200);
      expect(retry.body.tokens).toEqual(first.body.tokens);
      const fresh: Login = { ...session, auth: `Bearer ${first.body.tokens.access.token as string}` };
      await me(fresh, caregiver).expect(200);

      clock.tick(2_000);
      const reuse = await t.http().post('/v1/auth/refresh-tokens').send({ refreshToken: session.refresh }).expect(401);
      expect(reuse.body).toEqual({ code: 401, message: 'Please authenticate', error: 'Unauthorized' });
      expect((await sessionRow(session.sessionId)).revoked_reason).toBe('refresh_reuse');
      await me(fresh, caregiver).expect(401);
      await me(session, caregiver).expect(401);
      await t.http().post('/v1/auth/refresh-tokens').send({ refreshToken: first.body.tokens.refresh.token }).expect(401);
      expect((await auditFor(session.sessionId)).map((e) => [e.action, e.outcome, e.reason])).toContainEqual([
        'auth.session.revoke',
        'denied',
        'refresh_reuse',
      ]);
    });
  });
});
