/** Authorization matrix rows: §2.14–2.16 analyses and reports (@app/analysis). See test/authz-matrix.ts for the conventions. */
import { ALL_401, type MatrixRow } from './authz-matrix.types';

/** Reads and triggers that follow the patient: staff (assigned) and orgAdmin; no implicit PHI for superAdmin. */
const FOLLOWS_PATIENT = {
  own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
  other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
} as const;

const byPatient = (route: string): MatrixRow => ({ route, access: 'bearer', params: { patientId: 'patient' }, ...FOLLOWS_PATIENT });

export const ANALYSIS_ROWS: readonly MatrixRow[] = [
  // §2.14 sentiment — reads follow the patient (staff too); analysing a call is orgAdmin-only. The
  // fixture conversation is still in progress, so analysing it is a 400 after the access checks.
  byPatient('GET /v1/sentiment/patient/:patientId/trend'),
  byPatient('GET /v1/sentiment/patient/:patientId/summary'),
  {
    route: 'GET /v1/sentiment/conversation/:conversationId',
    access: 'bearer',
    params: { conversationId: 'conversation' },
    ...FOLLOWS_PATIENT,
  },
  {
    route: 'POST /v1/sentiment/conversation/:conversationId/analyze',
    access: 'bearer',
    params: { conversationId: 'conversation' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 400, superAdmin: 403 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 403 },
  },

  // §2.15 medical analysis.
  byPatient('GET /v1/medical-analysis/results/:patientId'),
  byPatient('GET /v1/medical-analysis/trend/:patientId'),
  byPatient('POST /v1/medical-analysis/trigger-patient/:patientId'),
  {
    route: 'POST /v1/medical-analysis/trigger-all',
    access: 'bearer',
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 403 },
  },

  // §2.16 fraud / abuse — the old backend had no checks; here access follows the patient.
  byPatient('GET /v1/fraud-abuse-analysis/:patientId'),
  byPatient('GET /v1/fraud-abuse-analysis/results/:patientId'),
  byPatient('POST /v1/fraud-abuse-analysis/trigger-patient/:patientId'),

  // Wellness reports (JSON and PDF export).
  byPatient('GET /v1/reports/patients/:patientId'),
  byPatient('GET /v1/reports/patients/:patientId/pdf'),
];
