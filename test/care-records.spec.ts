import { sql } from 'drizzle-orm';
import { AccountExtensions } from '@app/auth';
import { ConversationService } from '@app/conversations';
import { AlertService, EmergencyPhraseService } from '@app/emergency';
import { PatientService } from '@app/patients';
import { queryRows } from '@app/platform';
import { ScheduleService, nextOccurrence, occurrencesBetween, type Recurrence } from '@app/schedules';
import {
  actorOf,
  createCaregiver,
  createConversation,
  createOrg,
  createPatient,
  createSchedule,
  createTestApp,
  loginAs,
  raiseAlert,
  uniqueSuffix,
  type TestApp,
} from '@app/testing';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe('care records: patients, schedules, conversations, alerts, emergency phrases', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A fresh org with an orgAdmin and two staff members, and their bearer headers. */
  async function team() {
    const org = await createOrg(t);
    const admin = await createCaregiver(t, { org, role: 'orgAdmin' });
    const staff = await createCaregiver(t, { org, role: 'staff' });
    const other = await createCaregiver(t, { org, role: 'staff' });
    return {
      org,
      admin,
      staff,
      other,
      adminAuth: `Bearer ${await loginAs(t, admin)}`,
      staffAuth: `Bearer ${await loginAs(t, staff)}`,
      otherAuth: `Bearer ${await loginAs(t, other)}`,
    };
  }

  describe('patients (§2.7)', () => {
    it('creates a patient linked to the caller and answers the PatientDTO with id, org, caregivers and schedules', async () => {
      const { org, admin, staff, adminAuth } = await team();
      const res = await t
        .http()
        .post('/v1/patients')
        .set('Authorization', adminAuth)
        .send({
          name: 'Margaret Doe',
          email: `Margaret-${uniqueSuffix()}@Example.test`,
          phone: '6045550111',
          preferredLanguage: 'es',
          caregivers: [staff.id],
          medications: ['metformin'],
          conditions: ['diabetes'],
          notes: 'likes gardening',
          org: 'ignored',
          schedules: [{ frequency: 'daily', intervals: [], time: '09:30' }],
        })
        .expect(201);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        _id: res.body.id,
        name: 'Margaret Doe',
        phone: '6045550111',
        preferredLanguage: 'es',
        org: org.id,
        medications: ['metformin'],
        conditions: ['diabetes'],
        notes: 'likes gardening',
      });
      expect(res.body.caregivers.sort()).toEqual([admin.id, staff.id].sort());
      expect(res.body.schedules).toEqual([expect.objectContaining({ frequency: 'daily', time: '09:30', patient: res.body.id })]);
      expect(res.body.email).toMatch(/^margaret-.*@example\.test$/);
    });

    it('validates bodies (400), ids (400) and e-mail uniqueness in the org', async () => {
      const { adminAuth } = await team();
      const email = `dup-${uniqueSuffix()}@example.test`;
      const ok = { name: 'A', email, phone: '+16045550101' };
      await t.http().post('/v1/patients').set('Authorization', adminAuth).send(ok).expect(201);
      const dup = await t.http().post('/v1/patients').set('Authorization', adminAuth).send(ok).expect(400);
      expect(dup.body).toMatchObject({ code: 400, message: 'Email already taken' });
      const phone = await t
        .http()
        .post('/v1/patients')
        .set('Authorization', adminAuth)
        .send({ ...ok, email: 'x@example.test', phone: 'abc' });
      expect(phone.status).toBe(400);
      expect(phone.body.message).toContain('Invalid phone number');
      await t
        .http()
        .post('/v1/patients')
        .set('Authorization', adminAuth)
        .send({ email: 'y@example.test', phone: '6045550101' })
        .expect(400);
      await t
        .http()
        .post('/v1/patients')
        .set('Authorization', adminAuth)
        .send({ ...ok, email: 'z@example.test', role: 'orgAdmin' })
        .expect(400);
      await t
        .http()
        .post('/v1/patients')
        .set('Authorization', adminAuth)
        .send({ ...ok, email: 'w@example.test', preferredLanguage: 'ko' })
        .expect(400);
      await t.http().get('/v1/patients/not-a-uuid').set('Authorization', adminAuth).expect(400);
      await t.http().patch(`/v1/patients/${crypto.randomUUID()}`).set('Authorization', adminAuth).send({}).expect(400);
    });

    it('missing and other-org patients are the same 404; nothing changes in the other org', async () => {
      const a = await team();
      const b = await team();
      const theirs = await createPatient(t, b.staff, { name: 'Untouched' });
      const missing = await t.http().get(`/v1/patients/${crypto.randomUUID()}`).set('Authorization', a.adminAuth).expect(404);
      const cross = await t.http().get(`/v1/patients/${theirs.id}`).set('Authorization', a.adminAuth).expect(404);
      expect(cross.body).toEqual(missing.body);
      expect(cross.body.message).toBe('Patient not found');
      await t.http().patch(`/v1/patients/${theirs.id}`).set('Authorization', a.adminAuth).send({ name: 'Hijacked' }).expect(404);
      await t.http().delete(`/v1/patients/${theirs.id}`).set('Authorization', a.adminAuth).expect(404);
      expect((await t.get(PatientService).get(b.org.id, theirs.id)).name).toBe('Untouched');
    });

    it('staff see only patients assigned to them: not in lists, not unassigned ones, 403 by id', async () => {
      const { admin, staff, other, staffAuth, adminAuth } = await team();
      const mine = await createPatient(t, staff);
      const notMine = await createPatient(t, other);
      const unassigned = await createPatient(t, admin);
      await t.http().delete(`/v1/patients/${unassigned.id}/caregivers/${admin.id}`).set('Authorization', adminAuth).expect(200);

      const list = await t.http().get('/v1/patients').set('Authorization', staffAuth).expect(200);
      expect(list.body.results.map((p: { id: string }) => p.id)).toEqual([mine.id]);
      expect(list.body).toMatchObject({ page: 1, limit: 10, totalPages: 1, totalResults: 1 });
      expect((await t.http().get('/v1/patients/unassigned').set('Authorization', staffAuth).expect(200)).body).toEqual([]);
      await t.http().get(`/v1/patients/${notMine.id}`).set('Authorization', staffAuth).expect(403);
      await t.http().get(`/v1/patients/${unassigned.id}`).set('Authorization', staffAuth).expect(403);
      await t.http().patch(`/v1/patients/${unassigned.id}`).set('Authorization', staffAuth).send({ name: 'x' }).expect(403);
      await t
        .http()
        .post(`/v1/schedules/patients/${unassigned.id}`)
        .set('Authorization', staffAuth)
        .send({ frequency: 'daily', intervals: [], time: '09:00' })
        .expect(403);

      const adminUnassigned = await t.http().get('/v1/patients/unassigned').set('Authorization', adminAuth).expect(200);
      expect(adminUnassigned.body.map((p: { id: string }) => p.id)).toEqual([unassigned.id]);
      const assigned = await t
        .http()
        .post('/v1/patients/assign-unassigned')
        .set('Authorization', adminAuth)
        .send({ caregiverId: staff.id, patientIds: [unassigned.id] })
        .expect(200);
      expect(assigned.body[0].caregivers).toEqual([staff.id]);
      await t.http().get(`/v1/patients/${unassigned.id}`).set('Authorization', staffAuth).expect(200);
    });

    it('minimum necessary: staff get no contact data; orgAdmins do (masked phone in lists); both keep id/org/caregivers/schedules', async () => {
      const { org, staff, staffAuth, adminAuth } = await team();
      const p = await createPatient(t, staff, { phone: '+16045550177', medications: ['aspirin'] });
      const asStaff = await t.http().get(`/v1/patients/${p.id}`).set('Authorization', staffAuth).expect(200);
      expect(asStaff.body).toMatchObject({ id: p.id, org: org.id, caregivers: [staff.id], schedules: [], medications: ['aspirin'] });
      for (const key of ['email', 'phone', 'dateOfBirth', 'address']) expect(asStaff.body).not.toHaveProperty(key);
      const asAdmin = await t.http().get(`/v1/patients/${p.id}`).set('Authorization', adminAuth).expect(200);
      expect(asAdmin.body).toMatchObject({ id: p.id, phone: '+16045550177', email: p.email });
      const list = await t.http().get('/v1/patients').set('Authorization', adminAuth).expect(200);
      expect(list.body.results[0].phone).toBe('+1******0177');
      expect(asStaff.headers['cache-control']).toBe('no-store');
    });

    it('filters by exact name and sorts by the (encrypted) name alphabetically', async () => {
      const { admin, adminAuth } = await team();
      for (const name of ['Zelda Z', 'adam A', 'Mona M']) await createPatient(t, admin, { name });
      const sorted = await t.http().get('/v1/patients?sortBy=name:asc').set('Authorization', adminAuth).expect(200);
      expect(sorted.body.results.map((p: { name: string }) => p.name)).toEqual(['adam A', 'Mona M', 'Zelda Z']);
      const desc = await t.http().get('/v1/patients?sortBy=name:desc&limit=1&page=2').set('Authorization', adminAuth).expect(200);
      expect(desc.body).toMatchObject({ totalResults: 3, totalPages: 3, page: 2, limit: 1 });
      expect(desc.body.results[0].name).toBe('Mona M');
      const byName = await t.http().get('/v1/patients?name=Mona%20M').set('Authorization', adminAuth).expect(200);
      expect(byName.body.results.map((p: { name: string }) => p.name)).toEqual(['Mona M']);
      expect((await t.http().get('/v1/patients?name=Mona').set('Authorization', adminAuth).expect(200)).body.totalResults).toBe(0);
      expect((await t.http().get('/v1/patients?role=staff').set('Authorization', adminAuth).expect(200)).body.results).toEqual([]);
      await t.http().get('/v1/patients?sortBy=phone:asc').set('Authorization', adminAuth).expect(400);
    });

    it('updates, assigns/unassigns, uploads an avatar, lists caregivers and deletes (204, then 404)', async () => {
      const { admin, staff, other, adminAuth } = await team();
      const p = await createPatient(t, admin);
      const patched = await t
        .http()
        .patch(`/v1/patients/${p.id}`)
        .set('Authorization', adminAuth)
        .send({ name: 'Renamed', notes: 'n' })
        .expect(200);
      expect(patched.body).toMatchObject({ id: p.id, name: 'Renamed', notes: 'n' });
      const assigned = await t.http().post(`/v1/patients/${p.id}/caregivers/${staff.id}`).set('Authorization', adminAuth).expect(200);
      expect(assigned.body.caregivers).toContain(staff.id);
      const staffView = await t.http().get(`/v1/caregivers/${staff.id}`).set('Authorization', adminAuth).expect(200);
      expect(staffView.body.patients).toEqual([p.id]);
      const cgs = await t.http().get(`/v1/patients/${p.id}/caregivers`).set('Authorization', adminAuth).expect(200);
      expect(cgs.body.map((c: { id: string }) => c.id).sort()).toEqual([admin.id, staff.id].sort());
      const foreign = await createCaregiver(t, { role: 'staff' });
      expect(
        (await t.http().post(`/v1/patients/${p.id}/caregivers/${foreign.id}`).set('Authorization', adminAuth).expect(400)).body.message,
      ).toBe('Invalid caregiver ID');
      const unassigned = await t.http().delete(`/v1/patients/${p.id}/caregivers/${staff.id}`).set('Authorization', adminAuth).expect(200);
      expect(unassigned.body.caregivers).not.toContain(staff.id);
      void other;
      const avatar = await t
        .http()
        .post(`/v1/patients/${p.id}/avatar`)
        .set('Authorization', adminAuth)
        .attach('avatar', PNG, { filename: 'avatar.png', contentType: 'image/png' })
        .expect(200);
      expect(avatar.body.avatar).toMatch(/\/uploads\/[0-9a-f]{32}\.png$/);
      const removed = await t.http().delete(`/v1/patients/${p.id}`).set('Authorization', adminAuth).expect(204);
      expect(removed.text).toBe('');
      await t.http().get(`/v1/patients/${p.id}`).set('Authorization', adminAuth).expect(404);
    });

    it('audits every PHI read and write with the patient id (no PHI in the entry)', async () => {
      const { staff, staffAuth } = await team();
      const p = await createPatient(t, staff, { name: `Canary Audit ${uniqueSuffix()}` });
      const res = await t.http().get(`/v1/patients/${p.id}`).set('Authorization', staffAuth).expect(200);
      const requestId = res.headers['x-request-id'];
      const rows = await queryRows<{ action: string; patient_ids: string[]; actor_id: string }>(
        t.database.db,
        sql`select action, patient_ids, actor_id from audit_entries where request_id = ${requestId}`,
      );
      expect(rows).toEqual([{ action: 'patient.read', patient_ids: [p.id], actor_id: staff.id }]);
      await t.http().get('/v1/patients').set('Authorization', staffAuth).expect(200);
      const dump = await queryRows<{ text: string }>(
        t.database.db,
        sql`select string_agg(audit_entries::text, ' ') as text from audit_entries`,
      );
      expect(dump[0].text).not.toContain(p.name);
    });

    it('finds a patient by phone (E.164 blind index) for inbound calls, only in its org', async () => {
      const { staff } = await team();
      const b = await team();
      const p = await createPatient(t, staff, { phone: '(604) 555-0199' });
      await createPatient(t, b.staff, { phone: '+16045550199' });
      const found = await t.get(PatientService).findByPhone('+16045550199', [p.orgId]);
      expect(found.map((x) => x.id)).toEqual([p.id]);
      expect((await t.get(PatientService).findByPhone('+16045550199')).length).toBe(2);
    });

    it('login data carries the caregiver’s patients (with schedules) and unread alerts; org deletion removes patients', async () => {
      const { org, staff, adminAuth } = await team();
      const p = await createPatient(t, staff);
      await createSchedule(t, staff, p, { time: '08:15' });
      await raiseAlert(t, p);
      const data = await t.get(AccountExtensions).loginData(actorOf(staff));
      expect(data.patients).toEqual([expect.objectContaining({ id: p.id, schedules: [expect.objectContaining({ time: '08:15' })] })]);
      expect(data.alerts).toEqual([expect.objectContaining({ relatedPatient: p.id })]);
      await t.http().delete(`/v1/orgs/${org.id}`).set('Authorization', adminAuth).expect(204);
      expect(await t.get(PatientService).find(org.id, p.id)).toBeUndefined();
    });
  });

  describe('no PHI plaintext at rest', () => {
    it('raw SQL over patients, messages, alerts and conversations finds no canary value', async () => {
      const { staff } = await team();
      const canary = `Canary${uniqueSuffix()}`;
      const p = await createPatient(t, staff, {
        name: `${canary} Name`,
        email: `${canary.toLowerCase()}@example.test`,
        phone: '+16045550142',
        notes: `${canary} notes`,
        medications: [`${canary} pills`],
        conditions: [`${canary} condition`],
      });
      const conversation = await createConversation(t, p, [{ role: 'patient', content: `${canary} I fell down` }]);
      await t.get(ConversationService).setSummary(p.orgId, conversation.id, `${canary} summary`);
      await raiseAlert(t, p, { message: `${canary} reported a fall` });
      for (const table of ['patients', 'messages', 'alerts', 'conversations']) {
        const [row] = await queryRows<{ text: string | null }>(
          t.database.db,
          sql.raw(`select string_agg(x::text, ' ') as text from ${table} x`),
        );
        expect({ table, leaks: (row.text ?? '').includes(canary) || (row.text ?? '').includes('6045550142') }).toEqual({
          table,
          leaks: false,
        });
      }
      // …while the API still answers the plaintext to someone allowed to see it.
      expect((await t.get(PatientService).get(p.orgId, p.id)).notes).toBe(`${canary} notes`);
    });
  });

  describe('schedules (§2.8)', () => {
    const ny = (over: Partial<Recurrence> = {}): Recurrence => ({
      frequency: 'daily',
      intervals: [],
      times: ['09:00'],
      timezone: 'America/New_York',
      anchor: new Date('2025-01-01T12:00:00Z'),
      ...over,
    });

    it('keeps the wall time across the spring-forward change (UTC instant moves by an hour)', () => {
      const slots = occurrencesBetween(ny(), new Date('2025-03-08T00:00:00Z'), new Date('2025-03-11T00:00:00Z'));
      expect(slots.map((d) => d.toISOString())).toEqual([
        '2025-03-08T14:00:00.000Z',
        '2025-03-09T13:00:00.000Z',
        '2025-03-10T13:00:00.000Z',
      ]);
      // 02:30 does not exist on 2025-03-09: it happens at 03:30 EDT.
      expect(nextOccurrence(ny({ times: ['02:30'] }), new Date('2025-03-09T05:00:00Z'))?.toISOString()).toBe('2025-03-09T07:30:00.000Z');
    });

    it('keeps the wall time across the fall-back change and runs a repeated wall time once', () => {
      const slots = occurrencesBetween(ny(), new Date('2025-11-01T00:00:00Z'), new Date('2025-11-04T00:00:00Z'));
      expect(slots.map((d) => d.toISOString())).toEqual([
        '2025-11-01T13:00:00.000Z',
        '2025-11-02T14:00:00.000Z',
        '2025-11-03T14:00:00.000Z',
      ]);
      const ambiguous = occurrencesBetween(ny({ times: ['01:30'] }), new Date('2025-11-02T00:00:00Z'), new Date('2025-11-03T00:00:00Z'));
      expect(ambiguous.map((d) => d.toISOString())).toEqual(['2025-11-02T05:30:00.000Z']);
    });

    it('weekly every other week on given days, monthly clamped to the month end, several times a day', () => {
      const weekly = ny({ frequency: 'weekly', intervals: [{ day: 1, weeks: 2 }], anchor: new Date('2025-01-06T15:00:00Z') });
      const mondays = occurrencesBetween(weekly, new Date('2025-01-06T00:00:00Z'), new Date('2025-02-04T00:00:00Z'));
      expect(mondays.map((d) => d.toISOString().slice(0, 10))).toEqual(['2025-01-06', '2025-01-20', '2025-02-03']);
      const monthly = ny({ frequency: 'monthly', intervals: [{ day: 31 }] });
      expect(nextOccurrence(monthly, new Date('2025-02-01T00:00:00Z'))?.toISOString()).toBe('2025-02-28T14:00:00.000Z');
      const twice = occurrencesBetween(
        ny({ times: ['09:00', '17:30'] }),
        new Date('2025-06-01T04:00:00Z'),
        new Date('2025-06-02T04:00:00Z'),
      );
      expect(twice.map((d) => d.toISOString())).toEqual(['2025-06-01T13:00:00.000Z', '2025-06-01T21:30:00.000Z']);
    });

    it('CRUD over HTTP: HH:mm in, HH:mm out in the org’s zone; validation 400; missing 404; dueSlots and change events', async () => {
      const org = await createOrg(t, { timezone: 'Europe/Paris' });
      const admin = await createCaregiver(t, { org, role: 'orgAdmin' });
      const auth = `Bearer ${await loginAs(t, admin)}`;
      const p = await createPatient(t, admin);
      const changes: string[] = [];
      t.get(ScheduleService).onChange((c) => {
        if (c.patientId === p.id) changes.push(c.type);
      });
      const created = await t
        .http()
        .post(`/v1/schedules/patients/${p.id}`)
        .set('Authorization', auth)
        .send({ frequency: 'weekly', intervals: [{ day: 2 }], time: '07:45' })
        .expect(201);
      expect(created.body).toMatchObject({ patient: p.id, frequency: 'weekly', time: '07:45', timezone: 'Europe/Paris', isActive: true });
      expect(new Date(created.body.nextCallDate).getTime()).toBeGreaterThan(Date.now());
      const id = created.body.id as string;
      expect((await t.http().get(`/v1/schedules/${id}`).set('Authorization', auth).expect(200)).body.time).toBe('07:45');
      await t.http().put(`/v1/schedules/${id}`).set('Authorization', auth).send({ time: '08:00' }).expect(400);
      const replaced = await t
        .http()
        .put(`/v1/schedules/${id}`)
        .set('Authorization', auth)
        .send({ frequency: 'daily', intervals: [], time: '08:00', times: ['08:00', '18:00'] })
        .expect(200);
      expect(replaced.body).toMatchObject({ time: '08:00', times: ['08:00', '18:00'], frequency: 'daily' });
      await t.http().patch(`/v1/schedules/${id}`).set('Authorization', auth).send({ time: '25:00' }).expect(400);
      await t.http().patch(`/v1/schedules/${id}`).set('Authorization', auth).send({ frequency: 'weekly' }).expect(400);
      const weekly = await t
        .http()
        .patch(`/v1/schedules/${id}`)
        .set('Authorization', auth)
        .send({ frequency: 'weekly', intervals: [{ day: 3 }] })
        .expect(200);
      expect(weekly.body).toMatchObject({ frequency: 'weekly', intervals: [{ day: 3, weeks: 1 }], times: ['08:00', '18:00'] });
      await t
        .http()
        .patch(`/v1/schedules/${id}`)
        .set('Authorization', auth)
        .send({ frequency: 'monthly', intervals: [{ day: 0 }] })
        .expect(400);
      await t
        .http()
        .post(`/v1/schedules/patients/${p.id}`)
        .set('Authorization', auth)
        .send({ frequency: 'weekly', intervals: [], time: '07:45' })
        .expect(400);
      await t
        .http()
        .post(`/v1/schedules/patients/${p.id}`)
        .set('Authorization', auth)
        .send({ frequency: 'hourly', intervals: [], time: '07:45' })
        .expect(400);
      await t
        .http()
        .post(`/v1/schedules/patients/${crypto.randomUUID()}`)
        .set('Authorization', auth)
        .send({ frequency: 'daily', intervals: [], time: '07:45' })
        .expect(404);

      const daily = await createSchedule(t, admin, p, { time: '10:00' });
      const from = new Date('2030-01-01T00:00:00Z');
      const slots = (await t.get(ScheduleService).dueSlots(from, new Date('2030-01-02T00:00:00Z'))).filter(
        (s) => s.scheduleId === daily.id,
      );
      expect(slots.map((s) => s.at.toISOString())).toEqual(['2030-01-01T09:00:00.000Z']);

      const removed = await t.http().delete(`/v1/schedules/${id}`).set('Authorization', auth).expect(204);
      expect(removed.text).toBe('');
      await t.http().get(`/v1/schedules/${id}`).set('Authorization', auth).expect(404);
      expect(changes).toEqual(['created', 'updated', 'updated', 'created', 'deleted']);
    });
  });

  describe('conversations (§2.10)', () => {
    it('keeps messages in order, pages a patient’s conversations newest first, and hides cost from staff', async () => {
      const { staff, staffAuth, adminAuth } = await team();
      const p = await createPatient(t, staff);
      const first = await createConversation(t, p, [{ role: 'assistant', content: 'Good morning' }]);
      const service = t.get(ConversationService);
      await service.updateCall(p.orgId, first.id, {
        startTime: new Date('2025-01-01T10:00:00Z'),
        status: 'completed',
        duration: 90,
        costCents: 12,
      });
      const second = await createConversation(t, p);
      await Promise.all(['one', 'two', 'three'].map((content) => service.appendMessage(p.orgId, second.id, { role: 'patient', content })));
      const appended = await t
        .http()
        .post(`/v1/conversations/${second.id}`)
        .set('Authorization', adminAuth)
        .send({ role: 'assistant', content: 'four' })
        .expect(200);
      expect(appended.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3, 4]);
      expect(appended.body.messages[3]).toMatchObject({
        role: 'assistant',
        content: 'four',
        _id: expect.any(String),
        conversationId: second.id,
      });

      const got = await t.http().get(`/v1/conversations/${first.id}`).set('Authorization', staffAuth).expect(200);
      expect(got.body).toMatchObject({ id: first.id, patientId: p.id, status: 'completed', duration: 90, sentiment: null, endTime: null });
      expect(got.body).not.toHaveProperty('cost');

      const page = await t.http().get(`/v1/patients/${p.id}/conversations`).set('Authorization', adminAuth).expect(200);
      expect(page.body).toMatchObject({ page: 1, totalResults: 2, totalPages: 1 });
      expect(page.body.results.map((c: { id: string }) => c.id)).toEqual([second.id, first.id]);
      expect(page.body.results[1].cost).toBe(0.12);
      await t
        .http()
        .post(`/v1/conversations/${second.id}`)
        .set('Authorization', adminAuth)
        .send({ role: 'robot', content: 'x' })
        .expect(400);
      await t
        .http()
        .post(`/v1/conversations/${second.id}`)
        .set('Authorization', staffAuth)
        .send({ role: 'patient', content: 'x' })
        .expect(403);
      await t.http().get(`/v1/conversations/${crypto.randomUUID()}`).set('Authorization', adminAuth).expect(404);
      const created = await t
        .http()
        .post(`/v1/conversations/patient/${p.id}`)
        .set('Authorization', adminAuth)
        .send({ ignored: true })
        .expect(201);
      expect(created.body).toMatchObject({ patientId: p.id, status: 'initiated', messages: [] });

      const analysed = await service.ofPatientsBetween(p.orgId, [p.id], new Date('2024-12-31T00:00:00Z'), new Date('2025-01-02T00:00:00Z'));
      expect(analysed.map((c) => c.messages.map((m) => m.content))).toEqual([['Good morning']]);
    });
  });

  describe('alerts (§2.9)', () => {
    it('raise() merges the same patient+category within the window and escalates', async () => {
      const { staff } = await team();
      const p = await createPatient(t, staff);
      const alerts = t.get(AlertService);
      const first = await alerts.raise({ orgId: p.orgId, patientId: p.id, category: 'Physical', severity: 'HIGH', message: 'fell' });
      const again = await alerts.raise({
        orgId: p.orgId,
        patientId: p.id,
        category: 'Physical',
        severity: 'CRITICAL',
        message: 'fell, bleeding',
      });
      const other = await alerts.raise({ orgId: p.orgId, patientId: p.id, category: 'Medical', severity: 'MEDIUM', message: 'dizzy' });
      expect(first).toMatchObject({ created: true });
      expect(again).toEqual({ alertId: first.alertId, created: false, escalated: true });
      expect(other.created).toBe(true);
      const list = await alerts.list(actorOf(staff), true);
      const merged = list.find((a) => a.id === first.alertId);
      expect(merged).toMatchObject({
        occurrences: 2,
        importance: 'urgent',
        severity: 'CRITICAL',
        message: 'fell, bleeding',
        visibility: 'assignedCaregivers',
      });
    });

    it('lists unread relevant alerts, marks read (one and many), and hides alerts of patients a staff member does not look after', async () => {
      const { staff, other, staffAuth, otherAuth, adminAuth } = await team();
      const p = await createPatient(t, staff);
      const alertId = await raiseAlert(t, p);
      const expired = await raiseAlert(t, p, { category: 'Safety', relevanceSeconds: -10 });
      const listed = await t.http().get('/v1/alerts').set('Authorization', staffAuth).expect(200);
      expect(listed.body.map((a: { id: string }) => a.id)).toEqual([alertId]);
      expect(listed.body[0]).toMatchObject({ id: alertId, relatedPatient: p.id, readBy: [], importance: 'high' });
      await t.http().get(`/v1/alerts/${expired}`).set('Authorization', staffAuth).expect(404);
      expect((await t.http().get('/v1/alerts').set('Authorization', otherAuth).expect(200)).body).toEqual([]);
      await t.http().get(`/v1/alerts/${alertId}`).set('Authorization', otherAuth).expect(404);
      void other;

      const read = await t.http().post(`/v1/alerts/markAsRead/${alertId}`).set('Authorization', staffAuth).expect(200);
      expect(read.body.readBy).toEqual([expect.any(String)]);
      expect((await t.http().get('/v1/alerts').set('Authorization', staffAuth).expect(200)).body).toEqual([]);
      expect((await t.http().get('/v1/alerts?showRead=true').set('Authorization', staffAuth).expect(200)).body).toHaveLength(1);

      const created = await t
        .http()
        .post('/v1/alerts')
        .set('Authorization', adminAuth)
        .send({
          message: 'Team meeting',
          importance: 'low',
          alertType: 'system',
          visibility: 'allCaregivers',
          createdBy: crypto.randomUUID(),
          createdModel: 'Org',
        })
        .expect(201);
      expect(created.body).toMatchObject({ message: 'Team meeting', createdModel: 'Caregiver', relevanceUntil: null });
      await t
        .http()
        .post('/v1/alerts')
        .set('Authorization', adminAuth)
        .send({ message: 'x', importance: 'huge', alertType: 'system', visibility: 'allCaregivers' })
        .expect(400);
      await t
        .http()
        .post('/v1/alerts')
        .set('Authorization', adminAuth)
        .send({ message: 'x', importance: 'low', alertType: 'patient', visibility: 'allCaregivers' })
        .expect(400);
      const many = await t
        .http()
        .post('/v1/alerts/markAsRead')
        .set('Authorization', otherAuth)
        .send({ alertIds: [created.body.id, alertId, crypto.randomUUID()] })
        .expect(200);
      expect(many.body.map((a: { id: string }) => a.id)).toEqual([created.body.id]);
      const patched = await t
        .http()
        .patch(`/v1/alerts/${created.body.id}`)
        .set('Authorization', adminAuth)
        .send({ importance: 'high' })
        .expect(200);
      expect(patched.body.importance).toBe('high');
      await t.http().patch(`/v1/alerts/${created.body.id}`).set('Authorization', adminAuth).send({ visibility: 'orgAdmin' }).expect(400);
      await t.http().delete(`/v1/alerts/${created.body.id}`).set('Authorization', adminAuth).expect(204);
      await t.http().get(`/v1/alerts/${created.body.id}`).set('Authorization', adminAuth).expect(404);
    });
  });

  describe('emergency phrases (§3.14, §7)', () => {
    it('built-in defaults for the 12 languages, org overrides by key, own phrases, English fallback', async () => {
      const { org, admin, adminAuth, staffAuth } = await team();
      const phrases = t.get(EmergencyPhraseService);
      for (const lang of ['en', 'es', 'fr', 'de', 'zh', 'ja', 'pt', 'it', 'ru', 'ar', 'hi', 'zh-cn']) {
        expect({ lang, count: (await phrases.phraseSet(org.id, lang)).length > 0 }).toEqual({ lang, count: true });
      }
      const es = await phrases.phraseSet(org.id, 'es');
      expect(es.find((p) => p.regex.test('me caí en la cocina'))).toMatchObject({ severity: 'HIGH', category: 'Physical' });
      expect(es[0].severity).toBe('CRITICAL');
      expect((await phrases.phraseSet(org.id, 'xx')).some((p) => p.regex.test('I fell'))).toBe(true);

      const off = await t
        .http()
        .post('/v1/emergency-phrases')
        .set('Authorization', adminAuth)
        .send({
          phrase: 'help me',
          language: 'en',
          severity: 'MEDIUM',
          category: 'Request',
          pattern: 'help me',
          overridesDefault: 'en.21',
          isActive: false,
        })
        .expect(201);
      expect(off.body).toMatchObject({ overridesDefault: 'en.21', isActive: false, builtIn: false });
      expect((await phrases.phraseSet(org.id, 'en')).some((p) => p.id === 'default:en.21')).toBe(false);
      await t
        .http()
        .post('/v1/emergency-phrases')
        .set('Authorization', adminAuth)
        .send({ phrase: 'bad', language: 'en', severity: 'HIGH', category: 'Medical', pattern: '(unclosed' })
        .expect(400);
      const own = await t
        .http()
        .post('/v1/emergency-phrases')
        .set('Authorization', adminAuth)
        .send({ phrase: 'my hip', language: 'en', severity: 'HIGH', category: 'Physical', pattern: 'my\\s+hip' })
        .expect(201);
      expect((await phrases.phraseSet(org.id, 'en')).some((p) => p.id === own.body.id && p.regex.test('MY HIP hurts'))).toBe(true);
      const page = await t.http().get('/v1/emergency-phrases?language=en').set('Authorization', adminAuth).expect(200);
      expect(page.body.totalResults).toBe(2);
      const toggled = await t.http().patch(`/v1/emergency-phrases/${own.body.id}/toggle`).set('Authorization', adminAuth).expect(200);
      expect(toggled.body.isActive).toBe(false);
      const byLang = await t.http().get('/v1/emergency-phrases/language/es').set('Authorization', adminAuth).expect(200);
      expect(byLang.body.length).toBeGreaterThan(0);
      const tried = await t
        .http()
        .post('/v1/emergency-phrases/test-pattern')
        .set('Authorization', adminAuth)
        .send({ pattern: 'fell', testText: 'I FELL' })
        .expect(200);
      expect(tried.body).toMatchObject({ isValid: true, matches: true });
      await t.http().get('/v1/emergency-phrases').set('Authorization', staffAuth).expect(403);
      void admin;
    });
  });
});
