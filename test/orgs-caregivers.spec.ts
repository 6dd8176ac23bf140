import { CaregiverService } from '@app/caregivers';
import { OrgService } from '@app/orgs';
import { createCaregiver, createOrg, createTestApp, loginAs, type TestApp } from '@app/testing';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe('organisations (§2.5) and caregivers (§2.6)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function adminOf() {
    const org = await createOrg(t);
    const admin = await createCaregiver(t, { org, role: 'orgAdmin' });
    return { org, admin, auth: `Bearer ${await loginAs(t, admin)}` };
  }

  describe('orgs', () => {
    it('GET answers the OrgDTO; PATCH answers the bare org and validates', async () => {
      const { org, admin, auth } = await adminOf();
      const got = await t.http().get(`/v1/orgs/${org.id}`).set('Authorization', auth).expect(200);
      expect(got.body).toMatchObject({
        id: org.id,
        name: org.name,
        timezone: 'America/New_York',
        caregivers: [admin.id],
        patients: [],
        callRetrySettings: { retryCount: 2, retryIntervalMinutes: 15, alertOnAllMissedCalls: true },
      });
      const patched = await t
        .http()
        .patch(`/v1/orgs/${org.id}`)
        .set('Authorization', auth)
        .send({ name: 'Renamed', timezone: 'Europe/Paris', callRetrySettings: { retryCount: 5 }, phone: '6045550199' })
        .expect(200);
      expect(patched.body).toMatchObject({
        id: org.id,
        name: 'Renamed',
        timezone: 'Europe/Paris',
        phone: '6045550199',
        callRetrySettings: { retryCount: 5, retryIntervalMinutes: 15 },
      });
      expect((await t.http().patch(`/v1/orgs/${org.id}`).set('Authorization', auth).send({}).expect(400)).body.message).toBe(
        '"value" must have at least 1 key',
      );
      await t.http().patch(`/v1/orgs/${org.id}`).set('Authorization', auth).send({ timezone: 'Mars/Base' }).expect(400);
      await t
        .http()
        .patch(`/v1/orgs/${org.id}`)
        .set('Authorization', auth)
        .send({ callRetrySettings: { retryCount: 11 } })
        .expect(400);
      await t.http().patch(`/v1/orgs/${org.id}`).set('Authorization', auth).send({ stripeCustomerId: 'cus_x' }).expect(400);
      await t.http().get('/v1/orgs/not-a-uuid').set('Authorization', auth).expect(400);
    });

    it('another org’s id is a 404 with no side effect', async () => {
      const { auth } = await adminOf();
      const other = await createOrg(t, { name: 'Untouched' });
      await t.http().patch(`/v1/orgs/${other.id}`).set('Authorization', auth).send({ name: 'Hijacked' }).expect(404);
      await t.http().delete(`/v1/orgs/${other.id}`).set('Authorization', auth).expect(404);
      const after = await t.get(OrgService).get(other.id);
      expect(after.name).toBe('Untouched');
      expect(after.deletedAt).toBeNull();
    });

    it('DELETE soft-deletes the org and signs its caregivers out (204, empty body)', async () => {
      const { org, auth } = await adminOf();
      const staff = await createCaregiver(t, { org, role: 'staff' });
      const staffToken = await loginAs(t, staff);
      const res = await t.http().delete(`/v1/orgs/${org.id}`).set('Authorization', auth).expect(204);
      expect(res.text).toBe('');
      await t.http().get(`/v1/caregivers/${staff.id}`).set('Authorization', `Bearer ${staffToken}`).expect(401);
      expect(await t.get(OrgService).find(org.id)).toBeUndefined();
    });

    it('GET /orgs pages every org for a superAdmin (role query accepted)', async () => {
      const admin = await createCaregiver(t, { role: 'superAdmin' });
      const org = await createOrg(t, { name: `Findable ${Date.now()}` });
      const res = await t
        .http()
        .get(`/v1/orgs?name=${encodeURIComponent(org.name)}&role=x&limit=5`)
        .set('Authorization', `Bearer ${await loginAs(t, admin)}`)
        .expect(200);
      expect(res.body).toMatchObject({ page: 1, limit: 5, totalResults: 1, totalPages: 1 });
      expect(res.body.results[0].id).toBe(org.id);
    });

    it('membership: add is 409 for a member, remove closes the account', async () => {
      const { org, auth } = await adminOf();
      const staff = await createCaregiver(t, { org, role: 'staff' });
      expect((await t.http().post(`/v1/orgs/${org.id}/caregiver/${staff.id}`).set('Authorization', auth).expect(409)).body.message).toBe(
        'Caregiver already assigned to this org',
      );
      const removed = await t.http().delete(`/v1/orgs/${org.id}/caregiver/${staff.id}`).set('Authorization', auth).expect(200);
      expect(removed.body.caregivers).not.toContain(staff.id);
      expect(await t.get(CaregiverService).find(staff.id)).toBeUndefined();
    });
  });

  describe('caregivers', () => {
    it('lists the caller’s org only, with exact-match filters and pagination', async () => {
      const { org, admin, auth } = await adminOf();
      await createCaregiver(t, { org, role: 'staff', name: 'Zed' });
      await createCaregiver(t, { org, role: 'staff', name: 'Amy' });
      await createCaregiver(t, { role: 'staff', name: 'Amy' });
      const all = await t.http().get(`/v1/caregivers?sortBy=name:asc&org=${org.id}`).set('Authorization', auth).expect(200);
      expect(all.body.totalResults).toBe(3);
      expect(all.body.results.map((c: { name: string }) => c.name)).toEqual(['Amy', admin.name, 'Zed'].sort((a, b) => a.localeCompare(b)));
      const amy = await t.http().get('/v1/caregivers?name=Amy').set('Authorization', auth).expect(200);
      expect(amy.body.results).toHaveLength(1);
      const admins = await t.http().get('/v1/caregivers?role=orgAdmin&limit=1&page=1').set('Authorization', auth).expect(200);
      expect(admins.body).toMatchObject({ totalResults: 1, limit: 1, page: 1 });
      await t.http().get('/v1/caregivers?role=king').set('Authorization', auth).expect(400);
      await t.http().get('/v1/caregivers?sortBy=password:asc').set('Authorization', auth).expect(400);
    });

    it('staff read and edit themselves only; others get 403 {message}', async () => {
      const org = await createOrg(t);
      const staff = await createCaregiver(t, { org, role: 'staff' });
      const peer = await createCaregiver(t, { org, role: 'staff' });
      const auth = `Bearer ${await loginAs(t, staff)}`;
      const self = await t.http().get(`/v1/caregivers/${staff.id}`).set('Authorization', auth).expect(200);
      expect(self.body).toMatchObject({
        id: staff.id,
        email: staff.email,
        role: 'staff',
        org: org.id,
        patients: [],
        isPhoneVerified: false,
        mfaEnabled: false,
      });
      for (const key of ['passwordHash', 'password', 'mfaSecret', 'mfaBackupCodes']) expect(self.body).not.toHaveProperty(key);
      const denied = await t.http().get(`/v1/caregivers/${peer.id}`).set('Authorization', auth).expect(403);
      expect(denied.body.message).toBe('You are not authorized to access this resource');
      await t.http().patch(`/v1/caregivers/${peer.id}`).set('Authorization', auth).send({ name: 'x' }).expect(403);
      const edited = await t
        .http()
        .patch(`/v1/caregivers/${staff.id}`)
        .set('Authorization', auth)
        .send({ name: 'New Name', phone: '0987654321', preferredLanguage: 'fr' })
        .expect(200);
      expect(edited.body).toMatchObject({ name: 'New Name', phone: '0987654321', preferredLanguage: 'fr' });
      expect(
        (await t.http().patch(`/v1/caregivers/${staff.id}`).set('Authorization', auth).send({ phone: 'abc' }).expect(400)).body.message,
      ).toMatch(/phone/);
      expect(
        (await t.http().patch(`/v1/caregivers/${staff.id}`).set('Authorization', auth).send({ email: peer.email }).expect(400)).body
          .message,
      ).toBe('Email already taken');
      await t.http().patch(`/v1/caregivers/${staff.id}`).set('Authorization', auth).send({}).expect(400);
      await t
        .http()
        .patch(`/v1/caregivers/${staff.id}/theme`)
        .set('Authorization', auth)
        .send({ themePreference: 'colorblind' })
        .expect(200);
    });

    it('avatars: multipart upload, type and size checked, served from /uploads', async () => {
      const staff = await createCaregiver(t);
      const auth = `Bearer ${await loginAs(t, staff)}`;
      const res = await t
        .http()
        .post(`/v1/caregivers/${staff.id}/avatar`)
        .set('Authorization', auth)
        .attach('avatar', PNG, { filename: 'avatar.jpg', contentType: 'image/jpeg' })
        .expect(200);
      expect(res.body.avatar).toMatch(new RegExp(`^${t.config.publicUrl}/uploads/[0-9a-f]{32}\\.png$`));
      const path = new URL(res.body.avatar as string).pathname;
      const served = await t.http().get(path).expect(200);
      expect(Buffer.from(served.body as Buffer).equals(PNG)).toBe(true);
      const notImage = await t
        .http()
        .post(`/v1/caregivers/${staff.id}/avatar`)
        .set('Authorization', auth)
        .attach('avatar', Buffer.from('<svg onload=alert(1)>'), { filename: 'a.png', contentType: 'image/png' })
        .expect(400);
      expect(notImage.body.message).toMatch(/JPEG, PNG, GIF or WebP/);
      expect((await t.http().post(`/v1/caregivers/${staff.id}/avatar`).set('Authorization', auth).expect(400)).body.message).toBe(
        'No file uploaded',
      );
      await t
        .http()
        .post(`/v1/caregivers/${staff.id}/avatar`)
        .set('Authorization', auth)
        .attach('avatar', Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]), 'big.png')
        .expect(413);
    });

    it('DELETE: staff may delete themselves (204) and are signed out', async () => {
      const staff = await createCaregiver(t);
      const auth = `Bearer ${await loginAs(t, staff)}`;
      await t.http().delete(`/v1/caregivers/${staff.id}`).set('Authorization', auth).expect(204);
      await t.http().get(`/v1/caregivers/${staff.id}`).set('Authorization', auth).expect(401);
    });
  });
});
