import { createOrg, createTestApp, uniqueSuffix, type TestApp } from '@app/testing';
import { ConfigError, loadConfig } from '@app/platform';
import { createSuperadmin } from '@app/auth';

describe('test helper routes (§6), only with ENABLE_TEST_ROUTES', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { ENABLE_TEST_ROUTES: 'true', FRONTEND_URL: 'https://app.example.test' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('are refused in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ENABLE_TEST_ROUTES: 'true' })).toThrow(ConfigError);
  });

  it('seed creates the demo accounts (idempotent); the seeded staff can log in', async () => {
    const first = await t.http().post('/v1/test/seed').expect(200);
    expect(first.body).toMatchObject({ success: true, data: { caregiver: { email: 'fake@example.org' }, patients: [] } });
    await t.http().post('/v1/test/seed').expect(200);
    const login = await t.http().post('/v1/auth/login').send({ email: 'admin@example.org', password: 'Password1' }).expect(200);
    expect(login.body.caregiver.role).toBe('orgAdmin');
    const sso = await t.http().post('/v1/auth/login').send({ email: 'sso-unlinked@example.org', password: 'Password1' }).expect(403);
    expect(sso.body.requiresPasswordLinking).toBe(true);
  });

  it('create-caregiver, link generators, get-email and reset-mfa', async () => {
    const org = await createOrg(t);
    const email = `helper-${uniqueSuffix()}@example.test`;
    const created = await t
      .http()
      .post('/v1/test/create-caregiver')
      .send({ orgId: org.id, name: 'Helper', email, password: 'Harbor-light-7', phone: '+16045550101' })
      .expect(201);
    expect(created.body).toMatchObject({ id: expect.any(String), email, org: org.id, role: 'staff' });

    const verify = await t.http().post('/v1/test/send-verification-email').send({ email }).expect(200);
    expect(verify.body.details.verificationLinks.frontend).toMatch(/^https:\/\/app\.example\.test\/auth\/verify-email\?token=/);
    const mail = await t.http().post('/v1/test/get-email').send({ email, waitForEmail: true, maxWaitMs: 2000 }).expect(200);
    expect(mail.body.email.tokens.verification).toBe(verify.body.details.token);

    const reset = await t.http().post('/v1/test/generate-reset-password-link').send({ email }).expect(200);
    await t.http().post(`/v1/auth/reset-password?token=${reset.body.details.token}`).send({ password: 'Second-light-8' }).expect(204);

    expect((await t.http().post('/v1/test/generate-invite-link').send({ email }).expect(400)).body.error).toBe(
      'Caregiver is not in invited state',
    );
    const inviteeEmail = `invitee-${uniqueSuffix()}@example.test`;
    const invite = await t.http().post('/v1/test/send-invite-email').send({ email: inviteeEmail, orgId: org.id, name: 'Ivy' }).expect(200);
    expect(invite.body).toMatchObject({
      success: true,
      caregiver: { email: inviteeEmail, role: 'invited' },
      inviteToken: expect.any(String),
    });
    const link = await t.http().post('/v1/test/generate-invite-link').send({ email: inviteeEmail }).expect(200);
    await t.http().get(`/v1/auth/invite-info?token=${link.body.details.token}`).expect(200);

    await t.http().post('/v1/test/reset-mfa').send({ email }).expect(200);
    expect((await t.http().post('/v1/test/reset-mfa').send({ email: 'nobody@example.test' }).expect(404)).body.error).toBe(
      'User not found',
    );
  });

  it('clean removes every org and account', async () => {
    await t.http().post('/v1/test/seed').expect(200);
    expect((await t.http().post('/v1/test/clean').expect(200)).body).toEqual({ success: true, message: 'Database cleaned' });
    await t.http().post('/v1/auth/login').send({ email: 'admin@example.org', password: 'Password1' }).expect(401);
  });
});

describe('superAdmin bootstrap', () => {
  it('BOOTSTRAP_SUPERADMIN_* creates one superAdmin at start (MFA to enrol); createSuperadmin refuses a taken address', async () => {
    const email = `root-${uniqueSuffix()}@example.test`;
    const t = await createTestApp({ env: { BOOTSTRAP_SUPERADMIN_EMAIL: email, BOOTSTRAP_SUPERADMIN_PASSWORD: 'Root-harbor-77' } });
    try {
      const login = await t.http().post('/v1/auth/login').send({ email, password: 'Root-harbor-77' }).expect(200);
      expect(login.body).toMatchObject({
        caregiver: { role: 'superAdmin', org: null, isEmailVerified: true },
        org: null,
        mfaEnrollRequired: true,
      });
      await expect(createSuperadmin(t.app, { email, password: 'Root-harbor-77' })).rejects.toThrow('already exists');
      const second = await createSuperadmin(t.app, { email: `root2-${uniqueSuffix()}@example.test`, password: 'Root-harbor-78' });
      expect(second.id).toEqual(expect.any(String));
    } finally {
      await t.close();
    }
  });
});
