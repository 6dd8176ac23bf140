import { sql } from 'drizzle-orm';
import { AccountExtensions } from '@app/auth';
import { CallRiskPorts } from '@app/calls';
import { AlertService, renderAlertMessage } from '@app/emergency';
import { FieldCipher, queryRows } from '@app/platform';
import type { RiskReport } from '@app/voice';
import {
  actorOf,
  createCaregiver,
  createConversation,
  createOrg,
  createPatient,
  createTestApp,
  loginAs,
  raiseAlert,
  type TestApp,
} from '@app/testing';

interface AlertBody {
  id: string;
  message: string;
  category: string | null;
  severity: string | null;
}

describe('alerts in the caregiver’s language', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.get(CallRiskPorts).settled();
    await t.close();
  });

  /** A fresh org, one patient looked after by a Spanish- and an English-speaking staff member. */
  async function setup() {
    const org = await createOrg(t);
    const admin = await createCaregiver(t, { org, role: 'orgAdmin' });
    const es = await createCaregiver(t, { org, role: 'staff' });
    const en = await createCaregiver(t, { org, role: 'staff' });
    const patient = await createPatient(t, admin, { caregivers: [es, en], preferredLanguage: 'es' });
    const conversation = await createConversation(t, patient);
    const esAuth = `Bearer ${await loginAs(t, es)}`;
    await t.http().patch(`/v1/caregivers/${es.id}`).set('Authorization', esAuth).send({ preferredLanguage: 'es' }).expect(200);
    return {
      org,
      admin,
      es,
      en,
      patient,
      conversation,
      esAuth,
      enAuth: `Bearer ${await loginAs(t, en)}`,
      adminAuth: `Bearer ${await loginAs(t, admin)}`,
    };
  }

  function risk(base: { orgId: string; patientId: string; callId: string }, over: Partial<RiskReport>): RiskReport {
    return {
      ...base,
      source: 'detector',
      category: 'Medical',
      severity: 'CRITICAL',
      phrase: 'dolor en el pecho',
      matched: 'Tengo un dolor en el pecho muy fuerte',
      repeat: false,
      escalated: false,
      occurrences: 1,
      ...over,
    };
  }

  async function alertsOf(auth: string): Promise<Map<string, AlertBody>> {
    const res = await t.http().get('/v1/alerts').set('Authorization', auth).expect(200);
    return new Map((res.body as AlertBody[]).map((a) => [a.id, a]));
  }

  /** The single alert of the patient in `category` (raise answers no id through the ports). */
  async function alertIdOf(orgId: string, patientId: string, category: string): Promise<string> {
    const rows = await queryRows<{ id: string }>(
      t.database.db,
      sql`select id::text as id from alerts where org_id = ${orgId}::uuid and related_patient_id = ${patientId}::uuid and category = ${category}`,
    );
    expect(rows).toHaveLength(1);
    return rows[0].id;
  }

  it('renders detector, AI and missed check-in alerts in Spanish and English, severity and category translated, the quote as spoken', async () => {
    const { org, es, patient, conversation, esAuth, enAuth } = await setup();
    const ports = t.get(CallRiskPorts);
    const base = { orgId: org.id, patientId: patient.id, callId: conversation.id };
    await ports.report(risk(base, {}));
    await ports.report(
      risk(base, { source: 'ai', category: 'fall', severity: 'HIGH', phrase: 'Patient fell in the kitchen this morning', matched: '' }),
    );
    await ports.settled();
    // As the dispatcher raises a missed check-in (libs/calls call-dispatcher.service.ts).
    await t.get(AlertService).raise({
      orgId: org.id,
      patientId: patient.id,
      conversationId: conversation.id,
      category: 'Request',
      severity: 'MEDIUM',
      message: renderAlertMessage('en', { messageKey: 'checkin.missed', messageParams: { attempts: 3 } }),
      messageKey: 'checkin.missed',
      messageParams: { attempts: 3 },
      relevanceSeconds: 24 * 3600,
    });
    const phraseId = await alertIdOf(org.id, patient.id, 'Medical');
    const aiId = await alertIdOf(org.id, patient.id, 'Physical');
    const missedId = await alertIdOf(org.id, patient.id, 'Request');

    const spanish = await alertsOf(esAuth);
    expect(spanish.get(phraseId)).toMatchObject({
      message:
        'Prioridad CRÍTICA · Médica: frase de emergencia «dolor en el pecho» durante la llamada. El paciente dijo: «Tengo un dolor en el pecho muy fuerte»',
      category: 'Medical',
      severity: 'CRITICAL',
    });
    expect(spanish.get(aiId)?.message).toBe(
      'Prioridad ALTA · Física: preocupación comunicada durante la llamada: Patient fell in the kitchen this morning',
    );
    expect(spanish.get(missedId)?.message).toBe(
      'Llamada de control perdida: la llamada de bienestar programada no fue atendida tras 3 intentos.',
    );

    const english = await alertsOf(enAuth);
    expect(english.get(phraseId)?.message).toBe(
      'CRITICAL Medical emergency phrase "dolor en el pecho" during the call. Patient said: "Tengo un dolor en el pecho muy fuerte"',
    );
    expect(english.get(aiId)?.message).toBe('HIGH Physical concern reported during the call: Patient fell in the kitchen this morning');
    expect(english.get(missedId)?.message).toBe('Missed check-in: the scheduled wellness call was not answered after 3 attempts.');

    // One alert, and the login answer, in the reader's language too.
    const one = await t.http().get(`/v1/alerts/${missedId}`).set('Authorization', esAuth).expect(200);
    expect(one.body.message).toBe(spanish.get(missedId)?.message);
    const login = (await t.get(AccountExtensions).loginData(actorOf(es))) as { alerts: AlertBody[] };
    expect(login.alerts.find((a) => a.id === phraseId)?.message).toBe(spanish.get(phraseId)?.message);
  });

  it('keeps the key and the patient’s words only encrypted, bound to their row', async () => {
    const { org, patient, conversation } = await setup();
    const quote = `Me caí y no puedo levantarme ${org.id.slice(0, 8)}`;
    await t
      .get(CallRiskPorts)
      .report(
        risk({ orgId: org.id, patientId: patient.id, callId: conversation.id }, { category: 'Physical', phrase: 'me caí', matched: quote }),
      );
    await t.get(CallRiskPorts).settled();
    const id = await alertIdOf(org.id, patient.id, 'Physical');
    const [row] = await queryRows<{ message_key: string; message_params: string; message: string }>(
      t.database.db,
      sql`select message_key, message_params, message from alerts where id = ${id}::uuid`,
    );
    expect(row.message_key).toBe('emergency.phrase');
    for (const column of [row.message_params, row.message]) {
      expect(column).not.toContain('levantarme');
      expect(column).not.toContain('me caí');
    }
    const cipher = t.get(FieldCipher);
    const context = { table: 'alerts', column: 'message_params', rowId: id, orgId: org.id };
    expect(JSON.parse(cipher.decrypt(row.message_params, context))).toEqual({
      severity: 'CRITICAL',
      category: 'Physical',
      phrase: 'me caí',
      quote,
    });
    expect(() => cipher.decrypt(row.message_params, { ...context, column: 'message' })).toThrow();
  });

  it('an escalating repeat refreshes the key and parameters; a caregiver’s edit and unkeyed alerts show as written', async () => {
    const { org, patient, conversation, esAuth, adminAuth } = await setup();
    const ports = t.get(CallRiskPorts);
    const base = { orgId: org.id, patientId: patient.id, callId: conversation.id };
    await ports.report(risk(base, { severity: 'MEDIUM', phrase: 'mareo', matched: 'Tengo un poco de mareo' }));
    await ports.report(risk(base, { severity: 'HIGH', phrase: 'no puedo respirar', matched: 'No puedo respirar bien' }));
    await ports.settled();
    const id = await alertIdOf(org.id, patient.id, 'Medical');
    expect((await alertsOf(esAuth)).get(id)?.message).toBe(
      'Prioridad ALTA · Médica: frase de emergencia «no puedo respirar» durante la llamada. El paciente dijo: «No puedo respirar bien»',
    );
    // A non-escalating repeat keeps what is shown.
    await ports.report(risk(base, { severity: 'MEDIUM', phrase: 'mareo', matched: 'Otra vez mareo' }));
    expect((await alertsOf(esAuth)).get(id)?.message).toContain('«no puedo respirar»');

    await t.http().patch(`/v1/alerts/${id}`).set('Authorization', adminAuth).send({ message: 'Llamé a su hija, todo bien' }).expect(200);
    expect((await alertsOf(esAuth)).get(id)?.message).toBe('Llamé a su hija, todo bien');

    const plain = await raiseAlert(t, patient, { category: 'Safety', message: 'Written by hand' });
    expect((await alertsOf(esAuth)).get(plain)?.message).toBe('Written by hand');
  });
});
