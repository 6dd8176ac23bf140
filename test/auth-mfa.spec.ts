import FakeTimers from '@sinonjs/fake-timers';

type InstalledClock = ReturnType<typeof FakeTimers.install>;
import { sql } from 'drizzle-orm';
import { queryRows } from '@app/platform';
import { createCaregiver, createOrg, createTestApp, loginAs, TEST_PASSWORD, type TestApp } from '@app/testing';

async function totp(secret: string): Promise<string> {
  const { generate } = await import('otplib');
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) });
}

describe('MFA (§2.3, security.md A2/A3)', () => {
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

  async function enrolled(role: 'staff' | 'orgAdmin' = 'staff') {
    const caregiver = await createCaregiver(t, { role });
    const auth = `Bearer ${await loginAs(t, caregiver)}`;
    const enable = await t.http().post('/v1/mfa/enable').set('Authorization', auth).expect(200);
    await t
      .http()
      .post('/v1/mfa/verify')
      .set('Authorization', auth)
      .send({ token: await totp(enable.body.secret) })
      .expect(200);
    return { caregiver, auth, secret: enable.body.secret as string, backupCodes: enable.body.backupCodes as string[] };
  }

  it('enrols in two steps with the contract answers and errors', async () => {
    const caregiver = await createCaregiver(t);
    const auth = `Bearer ${await loginAs(t, caregiver)}`;
    await t.http().get('/v1/mfa/status').expect(401);
    expect((await t.http().get('/v1/mfa/status').set('Authorization', auth).expect(200)).body).toEqual({
      mfaEnabled: false,
      mfaEnrolledAt: null,
      backupCodesRemaining: 0,
      mfaRequired: false,
    });
    const early = await t.http().post('/v1/mfa/verify').set('Authorization', auth).send({ token: '123456' }).expect(400);
    expect(early.body.message).toBe('MFA setup not initiated');
    await t.http().post('/v1/mfa/verify').set('Authorization', auth).send({}).expect(400);
    const enable = await t.http().post('/v1/mfa/enable').set('Authorization', auth).expect(200);
    expect(enable.body.qrCode).toMatch(/^data:image\/png;base64,/);
    expect(enable.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enable.body.backupCodes).toHaveLength(10);
    for (const code of enable.body.backupCodes) expect(code).toMatch(/^[0-9A-F]{8}$/);
    const wrong = await t.http().post('/v1/mfa/verify').set('Authorization', auth).send({ token: '000000' }).expect(401);
    expect(wrong.body.message).toBe('Invalid MFA token');
    const ok = await t
      .http()
      .post('/v1/mfa/verify')
      .set('Authorization', auth)
      .send({ token: await totp(enable.body.secret) })
      .expect(200);
    expect(ok.body).toEqual({ message: 'MFA successfully enabled', mfaEnabled: true });
    const again = await t.http().post('/v1/mfa/enable').set('Authorization', auth).expect(400);
    expect(again.body.message).toBe('MFA is already enabled');
    const status = await t.http().get('/v1/mfa/status').set('Authorization', auth).expect(200);
    expect(status.body).toMatchObject({ mfaEnabled: true, backupCodesRemaining: 10 });
    expect(new Date(status.body.mfaEnrolledAt).toString()).not.toBe('Invalid Date');

    // Nothing issued is stored in the clear.
    const rows = await queryRows<Record<string, unknown>>(
      t.database.db,
      sql`select * from auth_mfa_factors, auth_mfa_backup_codes where auth_mfa_factors.caregiver_id = ${caregiver.id} and auth_mfa_backup_codes.caregiver_id = ${caregiver.id}`,
    );
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(enable.body.secret);
    for (const code of enable.body.backupCodes) expect(dump).not.toContain(code);
  });

  it('login answers the challenge, then accepts each TOTP code once; a bad code is a 401, not a 500', async () => {
    const { caregiver, secret } = await enrolled();
    clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() + 30_000 });
    const challenge = await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: TEST_PASSWORD }).expect(200);
    expect(challenge.body).toEqual({ requireMFA: true, tempToken: expect.any(String), message: 'MFA verification required' });
    expect(challenge.body).not.toHaveProperty('tokens');
    const bad = await t
      .http()
      .post('/v1/auth/login')
      .send({ email: caregiver.email, password: TEST_PASSWORD, mfaToken: '000000' })
      .expect(401);
    expect(bad.body.message).toBe('Invalid MFA token');
    const code = await totp(secret);
    const ok = await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: TEST_PASSWORD, mfaToken: code }).expect(200);
    expect(ok.body.tokens.access.token).toEqual(expect.any(String));
    clock.tick(5000);
    await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: TEST_PASSWORD, mfaToken: code }).expect(401);
    clock.tick(30_000);
    await t
      .http()
      .post('/v1/auth/login')
      .send({ email: caregiver.email, password: TEST_PASSWORD, mfaToken: await totp(secret) })
      .expect(200);
    // A wrong password with a right code is still the password answer.
    await t
      .http()
      .post('/v1/auth/login')
      .send({ email: caregiver.email, password: 'Wrong-pass-1', mfaToken: await totp(secret) })
      .expect(401);
  });

  it('backup codes work once, are audited, and regeneration voids the old ones', async () => {
    const { caregiver, auth, secret, backupCodes } = await enrolled();
    const [first, second] = backupCodes as [string, string];
    await t
      .http()
      .post('/v1/auth/login')
      .send({ email: caregiver.email, password: TEST_PASSWORD, mfaToken: first.toLowerCase() })
      .expect(200);
    await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: TEST_PASSWORD, mfaToken: first }).expect(401);
    const audit = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_entries where action = 'auth.mfa.backup_code_used' and ${caregiver.id} = any(resource_ids)`,
    );
    expect(audit[0].n).toBe(1);
    clock = FakeTimers.install({ toFake: ['Date'], now: Date.now() + 30_000 });
    const regen = await t
      .http()
      .post('/v1/mfa/backup-codes')
      .set('Authorization', auth)
      .send({ token: await totp(secret) })
      .expect(200);
    expect(regen.body.message).toBe('Backup codes regenerated');
    expect(regen.body.backupCodes).toHaveLength(10);
    await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: TEST_PASSWORD, mfaToken: second }).expect(401);
    await t.http().post('/v1/mfa/backup-codes').set('Authorization', auth).send({ token: '000000' }).expect(401);
  });

  it('disables with a valid code; refuses where MFA is mandatory', async () => {
    const { auth, backupCodes } = await enrolled();
    await t.http().post('/v1/mfa/disable').set('Authorization', auth).send({ token: '000000' }).expect(401);
    const off = await t.http().post('/v1/mfa/disable').set('Authorization', auth).send({ token: backupCodes[0] }).expect(200);
    expect(off.body).toEqual({ message: 'MFA successfully disabled', mfaEnabled: false });
    const notEnabled = await t.http().post('/v1/mfa/disable').set('Authorization', auth).send({ token: '000000' }).expect(400);
    expect(notEnabled.body.message).toBe('MFA is not enabled');
    await t.http().post('/v1/mfa/backup-codes').set('Authorization', auth).send({ token: '000000' }).expect(400);

    const admin = await createCaregiver(t, { role: 'superAdmin' });
    const adminAuth = `Bearer ${await loginAs(t, admin)}`;
    const enable = await t.http().post('/v1/mfa/enable').set('Authorization', adminAuth).expect(200);
    await t
      .http()
      .post('/v1/mfa/verify')
      .set('Authorization', adminAuth)
      .send({ token: await totp(enable.body.secret) })
      .expect(200);
    await t.http().post('/v1/mfa/disable').set('Authorization', adminAuth).send({ token: enable.body.backupCodes[0] }).expect(403);
  });

  it('an org policy makes MFA mandatory for its members; enrolling lifts the restriction', async () => {
    const org = await createOrg(t);
    const admin = await createCaregiver(t, { org, role: 'orgAdmin' });
    const member = await createCaregiver(t, { org, role: 'staff' });
    await t
      .http()
      .patch(`/v1/orgs/${org.id}`)
      .set('Authorization', `Bearer ${await loginAs(t, admin)}`)
      .send({ requireMfa: true })
      .expect(200);
    const login = await t.http().post('/v1/auth/login').send({ email: member.email, password: TEST_PASSWORD }).expect(200);
    expect(login.body.mfaEnrollRequired).toBe(true);
    const auth = `Bearer ${login.body.tokens.access.token}`;
    await t.http().get(`/v1/caregivers/${member.id}`).set('Authorization', auth).expect(403);
    const enable = await t.http().post('/v1/mfa/enable').set('Authorization', auth).expect(200);
    await t
      .http()
      .post('/v1/mfa/verify')
      .set('Authorization', auth)
      .send({ token: await totp(enable.body.secret) })
      .expect(200);
    await t.http().get(`/v1/caregivers/${member.id}`).set('Authorization', auth).expect(200);
  });

  it('limits wrong codes per account (10 per 15 minutes)', async () => {
    // Failures count in fixed 15-minute windows: start at the beginning of one.
    clock = FakeTimers.install({ toFake: ['Date'], now: Math.ceil(Date.now() / 900_000) * 900_000 + 1000 });
    const { auth } = await enrolled();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1)
      statuses.push((await t.http().post('/v1/mfa/backup-codes').set('Authorization', auth).send({ token: '000000' })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
  });
});
