import { CaregiverService } from '@app/caregivers';
import { createCaregiver, createTestApp, FakeSmtpServer, loginAs, loginSession, uniqueSuffix, type TestApp } from '@app/testing';

const FRONTEND = 'https://app.example.test';

function linkToken(text: string, path: string): string {
  const match = new RegExp(`${FRONTEND.replace(/[.]/g, '\\.')}${path}\\?token=([A-Za-z0-9_-]+)`).exec(text);
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return match[1];
}

describe('e-mail flows over SMTP: verify, reset, invite (§2.1)', () => {
  let t: TestApp;
  let smtp: FakeSmtpServer;

  beforeAll(async () => {
    smtp = await FakeSmtpServer.start();
    t = await createTestApp({
      env: { SMTP_URL: smtp.url, FRONTEND_URL: FRONTEND, EMAIL_FROM: 'Bianca <no-reply@bianca.test>', AUTH_RATE_LIMIT_PER_MINUTE: '10000' },
    });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const address = (): string => `person-${uniqueSuffix()}@example.test`;

  it('register → the verification mail arrives → its link verifies the address and logs in (JSON mode)', async () => {
    const email = address();
    const reg = await t
      .http()
      .post('/v1/auth/register')
      .send({ name: 'Maple House', email, password: 'Harbor-light-7', phone: '+16045550101' })
      .expect(201);
    const mail = await smtp.waitFor(email, (m) => m.text.includes('/auth/verify-email'));
    expect(mail.from).toBe('no-reply@bianca.test');
    expect(mail.subject).toBe('Verify your email address');
    expect(mail.html).toContain(`${FRONTEND}/auth/verify-email?token=`);
    const token = linkToken(mail.text, '/auth/verify-email');

    // Before verification the owner runs the org but cannot invite.
    const unverified = await t
      .http()
      .patch(`/v1/orgs/${reg.body.org.id}/invite`)
      .set('Authorization', `Bearer ${reg.body.tokens.access.token}`)
      .send({ name: 'Early', email: address() })
      .expect(403);
    expect(unverified.body.message).toMatch(/verify your email/);

    const res = await t.http().get(`/v1/auth/verify-email?token=${token}`).set('Accept', 'application/json').expect(200);
    expect(res.body).toMatchObject({
      success: true,
      alreadyVerified: false,
      caregiver: { email, isEmailVerified: true },
      org: { id: reg.body.org.id, isEmailVerified: true },
      patients: [],
    });
    expect(typeof res.body.tokens.access.expires).toBe('number');
    // The registration's session now sees the verified state on its next request.
    await t
      .http()
      .patch(`/v1/orgs/${reg.body.org.id}/invite`)
      .set('Authorization', `Bearer ${reg.body.tokens.access.token}`)
      .send({ name: 'Now', email: address() })
      .expect(200);

    const again = await t.http().get(`/v1/auth/verify-email?token=${token}&format=json`).expect(200);
    expect(again.body).toEqual({
      success: true,
      alreadyVerified: true,
      message: 'Email is already verified',
      caregiver: null,
      org: null,
      patients: [],
    });
    expect(again.body).not.toHaveProperty('tokens');
  });

  it('verify-email: HTML mode, missing and bad tokens', async () => {
    const missing = await t.http().get('/v1/auth/verify-email').set('Accept', 'application/json').expect(400);
    expect(missing.body).toMatchObject({ success: false, error: 'Verification token is required' });
    const bad = await t.http().post('/v1/auth/verify-email').set('Accept', 'application/json').send({ token: 'nope' }).expect(401);
    expect(bad.body).toMatchObject({ success: false, error: 'Invalid or expired verification token' });
    const page = await t.http().get('/v1/auth/verify-email?token=nope').set('Accept-Language', 'es').expect(401);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('<p class="message">');
    expect(page.text).toContain('Verificación fallida');
  });

  it('resend-verification-email answers the contract errors', async () => {
    expect((await t.http().post('/v1/auth/resend-verification-email').send({ email: address() }).expect(404)).body.message).toBe(
      'User not found',
    );
    const verified = await createCaregiver(t);
    expect((await t.http().post('/v1/auth/resend-verification-email').send({ email: verified.email }).expect(400)).body.message).toBe(
      'Email is already verified',
    );
    const pending = await createCaregiver(t, { emailVerified: false });
    const res = await t.http().post('/v1/auth/resend-verification-email').send({ email: pending.email }).expect(200);
    expect(res.body).toEqual({ message: 'Verification email sent successfully' });
    await smtp.waitFor(pending.email, (m) => m.text.includes('/auth/verify-email'));
  });

  it('forgot → the reset mail (in the account’s language) → reset ends every session; tokens are single-use', async () => {
    const caregiver = await createCaregiver(t);
    await t.get(CaregiverService).update(caregiver.id, { preferredLanguage: 'es' });
    const before = await loginSession(t, caregiver);
    await t.http().post('/v1/auth/forgot-password').send({ email: address() }).expect(204);
    await t.http().post('/v1/auth/forgot-password').send({ email: caregiver.email.toUpperCase() }).expect(204);
    const mail = await smtp.waitFor(caregiver.email, (m) => m.text.includes('/reset-password'));
    expect(mail.subject).toBe('Restablece tu contraseña');
    const token = linkToken(mail.text, '/reset-password');

    await t.http().post('/v1/auth/reset-password').send({ password: 'Brand-new-pass-9' }).expect(400);
    const weak = await t.http().post(`/v1/auth/reset-password?token=${token}`).send({ password: 'short' }).expect(400);
    expect(weak.body.message).toBe('password must be at least 8 characters');
    await t.http().post(`/v1/auth/reset-password?token=${token}`).send({ password: 'Brand-new-pass-9' }).expect(204);
    const reused = await t.http().post(`/v1/auth/reset-password?token=${token}`).send({ password: 'Other-new-pass-9' }).expect(401);
    expect(reused.body.message).toBe('Password reset failed');
    await t.http().get(`/v1/caregivers/${caregiver.id}`).set('Authorization', before.authorization).expect(401);
    await t.http().post('/v1/auth/login').send({ email: caregiver.email, password: 'Brand-new-pass-9' }).expect(200);

    // History: the previous passwords are refused.
    await t.http().post('/v1/auth/forgot-password').send({ email: caregiver.email }).expect(204);
    const second = await smtp.waitFor(caregiver.email, (m) => m.text.includes('/reset-password') && !m.text.includes(token));
    const again = await t
      .http()
      .post(`/v1/auth/reset-password?token=${linkToken(second.text, '/reset-password')}`)
      .send({ password: 'Brand-new-pass-9' })
      .expect(400);
    expect(again.body.message).toMatch(/last 10 passwords/);
  });

  it('invite → the mail’s signup link → invite-info → registerWithInvite logs the new staff member in', async () => {
    const admin = await createCaregiver(t, { role: 'orgAdmin' });
    const token = await loginAs(t, admin);
    const email = address();
    const invite = await t
      .http()
      .patch(`/v1/orgs/${admin.orgId}/invite`)
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'Nia Invitee', email, phone: '6045550123' })
      .expect(200);
    expect(invite.body.caregiver).toMatchObject({ email, name: 'Nia Invitee', role: 'invited', org: admin.orgId });
    expect(invite.body).not.toHaveProperty('inviteToken');
    const mail = await smtp.waitFor(email, (m) => m.text.includes('/signup'));
    expect(mail.subject).toMatch(/You have been invited to/);
    const inviteToken = linkToken(mail.text, '/signup');

    expect((await t.http().get(`/v1/auth/invite-info?token=${inviteToken}`).expect(200)).body).toEqual({
      name: 'Nia Invitee',
      email,
      phone: '6045550123',
    });
    expect((await t.http().get('/v1/auth/invite-info').expect(400)).body.message).toBe('Token is required');
    expect((await t.http().get('/v1/auth/invite-info?token=unknown').expect(400)).body.message).toBe('Invalid or expired invite token');
    const mismatch = await t
      .http()
      .post('/v1/auth/registerWithInvite')
      .send({ token: inviteToken, email: address(), password: 'Garden-gate-5', name: 'Nia', phone: '6045550123' })
      .expect(400);
    expect(mismatch.body.message).toBe('Email does not match the invite');
    const done = await t
      .http()
      .post('/v1/auth/registerWithInvite')
      .send({ token: inviteToken, email, password: 'Garden-gate-5', name: 'Nia', phone: '6045550123' })
      .expect(201);
    expect(done.body.caregiver).toMatchObject({ email, role: 'staff', isEmailVerified: true, org: admin.orgId });
    await t
      .http()
      .get(`/v1/caregivers/${done.body.caregiver.id}`)
      .set('Authorization', `Bearer ${done.body.tokens.access.token}`)
      .expect(200);
    await t
      .http()
      .post('/v1/auth/registerWithInvite')
      .send({ token: inviteToken, email, password: 'Garden-gate-5', name: 'Nia', phone: '6045550123' })
      .expect(400);

    // The address now belongs to an active member: inviting it again is a conflict.
    const conflict = await t
      .http()
      .patch(`/v1/orgs/${admin.orgId}/invite`)
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'Again', email })
      .expect(409);
    expect(conflict.body.message).toBe('Caregiver already exists');
  });
});
