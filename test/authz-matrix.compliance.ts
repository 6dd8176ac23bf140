/** Authorization matrix rows: Compliance (@app/compliance): privacy requests, consent, breach log, break-glass, retention. See test/authz-matrix.ts for the conventions. */
import { ALL_401, type MatrixRow } from './authz-matrix.types';

/** No org has this id: break-glass for it answers a superAdmin 404, everyone else 403 first. */
const NO_ORG = '00000000-0000-4000-8000-000000000000';

/** Patient-scoped privacy routes: orgAdmin of the patient's org; staff are refused by role (403, before any lookup). */
const PRIVACY_OWN = { ...ALL_401, invited: 403, staff: 403, superAdmin: 403 } as const;
const PRIVACY_OTHER = { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 403 } as const;

export const COMPLIANCE_ROWS: readonly MatrixRow[] = [
  // Breach log (B1/B2): orgAdmin its org, superAdmin every org. No breach exists in the fixture:
  // any id answers 404 to the roles allowed to look.
  {
    route: 'GET /v1/compliance/breaches',
    access: 'bearer',
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
  },
  {
    route: 'PATCH /v1/compliance/breaches/:breachId',
    access: 'bearer',
    params: { breachId: 'org' },
    body: { status: 'acknowledged' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 404, superAdmin: 404 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 404 },
  },
  // Break-glass (Z6/Z7): superAdmin only.
  {
    route: 'POST /v1/compliance/break-glass',
    access: 'bearer',
    body: { orgId: NO_ORG, reason: 'Authorization matrix check {unique} of break-glass', durationMinutes: 5 },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 403, superAdmin: 404 },
  },
  {
    route: 'DELETE /v1/compliance/break-glass/:grantId',
    access: 'bearer',
    params: { grantId: 'org' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 403, superAdmin: 404 },
  },
  // Per-org compliance settings (retention, business hours, legal hold): orgAdmin, own org only.
  {
    route: 'GET /v1/compliance/settings',
    access: 'bearer',
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 403 },
  },
  {
    route: 'PATCH /v1/compliance/settings',
    access: 'bearer',
    body: { legalHold: false },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 403 },
  },
  // Privacy (§3.20): consent and data-subject requests of a patient.
  {
    route: 'GET /v1/privacy/patients/:patientId/consents',
    access: 'bearer',
    params: { patientId: 'patient' },
    own: { ...PRIVACY_OWN, orgAdmin: 200 },
    other: PRIVACY_OTHER,
  },
  {
    route: 'POST /v1/privacy/patients/:patientId/consents',
    access: 'bearer',
    params: { patientId: 'patient' },
    body: { type: 'ai_disclosure', status: 'granted' },
    own: { ...PRIVACY_OWN, orgAdmin: 201 },
    other: PRIVACY_OTHER,
  },
  {
    route: 'POST /v1/privacy/patients/:patientId/export',
    access: 'bearer',
    params: { patientId: 'patient' },
    own: { ...PRIVACY_OWN, orgAdmin: 200 },
    other: PRIVACY_OTHER,
  },
  {
    route: 'POST /v1/privacy/patients/:patientId/erasure',
    access: 'bearer',
    fresh: true,
    params: { patientId: 'patient' },
    body: { confirm: true },
    own: { ...PRIVACY_OWN, orgAdmin: 200 },
    other: PRIVACY_OTHER,
  },
  {
    route: 'GET /v1/privacy/requests',
    access: 'bearer',
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 403 },
  },
];
