import type { AuthActor } from '@app/auth';
import type { CaregiverRow } from '@app/caregivers';
import { ConversationService, type ConversationRow } from '@app/conversations';
import { AlertService, EmergencyPhraseService, type Category, type Severity } from '@app/emergency';
import type { OrgRow } from '@app/orgs';
import { PatientService, type Patient } from '@app/patients';
import { ScheduleService, type ScheduleResponse } from '@app/schedules';
import type { TestApp } from './app-harness';
import { uniqueSuffix } from './factories';

/** The actor a caregiver acts as (for calling services directly in factories and tests). */
export function actorOf(caregiver: CaregiverRow): AuthActor {
  return {
    id: caregiver.id,
    role: caregiver.role,
    orgId: caregiver.orgId,
    sessionId: '',
    emailVerified: caregiver.isEmailVerified,
    restriction: null,
  };
}

export interface CreatePatientOptions {
  name?: string;
  email?: string;
  phone?: string;
  notes?: string;
  medications?: string[];
  conditions?: string[];
  preferredLanguage?: string;
  /** Further caregivers to link (besides the creator). */
  caregivers?: CaregiverRow[];
}

/** A patient created (and linked) by `creator`, through the real service. */
export async function createPatient(app: TestApp, creator: CaregiverRow, options: CreatePatientOptions = {}): Promise<Patient> {
  const suffix = uniqueSuffix();
  return app.get(PatientService).create(
    actorOf(creator),
    {
      name: options.name ?? `Patient ${suffix}`,
      email: options.email ?? `patient-${suffix}@example.test`,
      phone: options.phone ?? '+16045550123',
      notes: options.notes,
      medications: options.medications,
      conditions: options.conditions,
      preferredLanguage: options.preferredLanguage,
    },
    (options.caregivers ?? []).map((c) => c.id),
    [],
  );
}

/** A daily 09:00 schedule unless said otherwise. */
export async function createSchedule(
  app: TestApp,
  actor: CaregiverRow,
  patient: Patient,
  body: { frequency?: string; intervals?: Array<{ day?: number; weeks?: number }>; time?: string; times?: string[] } = {},
): Promise<ScheduleResponse> {
  return app.get(ScheduleService).create(actorOf(actor), patient.id, {
    frequency: body.frequency ?? 'daily',
    intervals: body.intervals ?? [],
    time: body.time ?? '09:00',
    times: body.times,
  });
}

/** A conversation with messages appended in order, as the voice pipeline would. */
export async function createConversation(
  app: TestApp,
  patient: Patient,
  messages: Array<{ role: 'patient' | 'assistant'; content: string }> = [],
): Promise<ConversationRow> {
  const service = app.get(ConversationService);
  const row = await service.start({ orgId: patient.orgId, patientId: patient.id, provider: 'test', callSid: `CA${uniqueSuffix()}` });
  for (const m of messages) await service.appendMessage(patient.orgId, row.id, m);
  return row;
}

/** An emergency alert raised for the patient (AlertService.raise). */
export async function raiseAlert(
  app: TestApp,
  patient: Patient,
  options: { category?: Category; severity?: Severity; message?: string; relevanceSeconds?: number; conversationId?: string } = {},
): Promise<string> {
  const result = await app.get(AlertService).raise({
    orgId: patient.orgId,
    patientId: patient.id,
    conversationId: options.conversationId,
    category: options.category ?? 'Medical',
    severity: options.severity ?? 'HIGH',
    message: options.message ?? 'Test alert',
    relevanceSeconds: options.relevanceSeconds ?? 3600,
  });
  return result.alertId;
}

export const CARE_FIXTURE_KINDS = ['patient', 'schedule', 'conversation', 'alert', 'phrase'] as const;
export type CareFixtureKind = (typeof CARE_FIXTURE_KINDS)[number];

/**
 * Care records of an org for the authorization matrix: a patient assigned to `staff` (so a staff
 * caller of that org may act on it), its schedule, a conversation, an alert and an org phrase.
 */
export async function createCareFixture(
  app: TestApp,
  org: OrgRow,
  staff: CaregiverRow,
  admin: CaregiverRow,
): Promise<Record<CareFixtureKind, string>> {
  const patient = await createPatient(app, staff);
  const schedule = await createSchedule(app, staff, patient);
  const conversation = await createConversation(app, patient, [{ role: 'assistant', content: 'Hello' }]);
  const alert = await raiseAlert(app, patient, { relevanceSeconds: 86_400 });
  const phrase = await app.get(EmergencyPhraseService).create(actorOf(admin), {
    phrase: 'matrix phrase',
    language: 'en',
    severity: 'HIGH',
    category: 'Medical',
    pattern: 'matrix\\s+phrase',
  });
  void org;
  return { patient: patient.id, schedule: schedule.id, conversation: conversation.id, alert, phrase: phrase.id };
}
