/**
 * The authorization matrix (security.md Z1): every HTTP route × role × whose ids → expected status.
 * test/authz-matrix.spec.ts enumerates the routes the booted server really registers and fails
 * when one has no row here (or a row names a route that no longer exists), then runs one request
 * per cell.
 *
 * Adding a domain: add its rows (and, if its routes take new kinds of ids, a fixture kind in
 * `FixtureKind` plus its builder in authz-matrix.spec.ts). Conventions:
 *   - `own`: ids of the caller's org (for superAdmin: some org); `other`: ids of another org.
 *     A role missing from a map is not tested for that ownership.
 *   - `access: 'public'` routes are reachable anonymously (only `anon` cells);
 *     `access: 'test'` routes exist only with ENABLE_TEST_ROUTES (checked by presence, not called).
 *   - `fresh: true` when the call changes what other cells rely on (deletes, role changes).
 *   - Every 404 in an `other` cell is also compared byte-for-byte with the 404 of a random id.
 */
import { ANALYSIS_ROWS } from './authz-matrix.analysis';
import { BILLING_EXTRA_ROWS } from './authz-matrix.billing';
import { COMPLIANCE_ROWS } from './authz-matrix.compliance';
import { ALL_401, type MatrixRow } from './authz-matrix.types';
import { VOICE_ROWS } from './authz-matrix.voice';

export * from './authz-matrix.types';

export const AUTHZ_MATRIX: readonly MatrixRow[] = [
  // §2.1 auth — public; an empty body is a 400 (validation), never a 401/403.
  { route: 'POST /v1/auth/register', access: 'public', body: {}, own: { anon: 400 } },
  { route: 'GET /v1/auth/invite-info', access: 'public', own: { anon: 400 } },
  { route: 'POST /v1/auth/registerWithInvite', access: 'public', body: {}, own: { anon: 400 } },
  { route: 'POST /v1/auth/login', access: 'public', body: {}, own: { anon: 400 } },
  { route: 'POST /v1/auth/logout', access: 'public', body: {}, own: { anon: 400 } },
  { route: 'POST /v1/auth/refresh-tokens', access: 'public', body: {}, own: { anon: 400 } },
  { route: 'POST /v1/auth/forgot-password', access: 'public', body: {}, own: { anon: 400 } },
  { route: 'POST /v1/auth/reset-password', access: 'public', body: {}, own: { anon: 400 } },
  { route: 'POST /v1/auth/send-verification-email', access: 'public', body: {}, own: { anon: 204 } },
  { route: 'POST /v1/auth/resend-verification-email', access: 'public', body: {}, own: { anon: 400 } },
  { route: 'POST /v1/auth/set-password-for-sso', access: 'public', body: {}, own: { anon: 400 } },
  { route: 'GET /v1/auth/verify-email', access: 'public', own: { anon: 400 } },
  { route: 'POST /v1/auth/verify-email', access: 'public', body: {}, own: { anon: 400 } },

  // S6 the caller's own sessions. The id below is a caregiver's (never a session of the caller):
  // someone else's or a missing session answers the same 404.
  { route: 'GET /v1/auth/sessions', access: 'bearer', own: { ...ALL_401, invited: 200, staff: 200, orgAdmin: 200, superAdmin: 200 } },
  {
    route: 'DELETE /v1/auth/sessions/:sessionId',
    access: 'bearer',
    params: { sessionId: 'peer' },
    own: { ...ALL_401, invited: 404, staff: 404, orgAdmin: 404, superAdmin: 404 },
    other: { invited: 404, staff: 404, orgAdmin: 404, superAdmin: 404 },
  },

  // §2.2 phone verification — any signed-in account, for itself.
  {
    route: 'POST /v1/phone-verification/send-code',
    access: 'bearer',
    body: {},
    own: { ...ALL_401, invited: 200, staff: 200, orgAdmin: 200, superAdmin: 200 },
  },
  {
    route: 'POST /v1/phone-verification/verify',
    access: 'bearer',
    body: { code: '000000' },
    own: { ...ALL_401, invited: 400, staff: 400, orgAdmin: 400, superAdmin: 400 },
  },
  {
    route: 'POST /v1/phone-verification/resend',
    access: 'bearer',
    own: { ...ALL_401, invited: 200, staff: 200, orgAdmin: 200, superAdmin: 200 },
  },

  // §2.3 MFA — any signed-in account, for itself (fresh accounts: MFA not enrolled).
  { route: 'GET /v1/mfa/status', access: 'bearer', own: { ...ALL_401, invited: 200, staff: 200, orgAdmin: 200, superAdmin: 200 } },
  {
    route: 'POST /v1/mfa/enable',
    access: 'bearer',
    fresh: true,
    own: { ...ALL_401, invited: 200, staff: 200, orgAdmin: 200, superAdmin: 200 },
  },
  {
    route: 'POST /v1/mfa/verify',
    access: 'bearer',
    fresh: true,
    body: { token: '000000' },
    own: { ...ALL_401, invited: 400, staff: 400, orgAdmin: 400, superAdmin: 400 },
  },
  {
    route: 'POST /v1/mfa/disable',
    access: 'bearer',
    body: { token: '000000' },
    own: { ...ALL_401, invited: 400, staff: 400, orgAdmin: 400, superAdmin: 400 },
  },
  {
    route: 'POST /v1/mfa/backup-codes',
    access: 'bearer',
    body: { token: '000000' },
    own: { ...ALL_401, invited: 400, staff: 400, orgAdmin: 400, superAdmin: 400 },
  },

  // §2.4 SSO — public; without provider configuration a valid body answers 501.
  { route: 'POST /v1/sso/login', access: 'public', body: { provider: 'google', idToken: 'x' }, own: { anon: 501 } },
  { route: 'POST /v1/sso/verify', access: 'public', body: { provider: 'google', token: 'x' }, own: { anon: 501 } },

  // §2.5 organisations.
  { route: 'GET /v1/orgs', access: 'bearer', own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 403, superAdmin: 200 } },
  {
    route: 'GET /v1/orgs/:orgId',
    access: 'bearer',
    params: { orgId: 'org' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 200 },
  },
  {
    route: 'PATCH /v1/orgs/:orgId',
    access: 'bearer',
    params: { orgId: 'org' },
    body: { name: 'Renamed {unique}' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 200 },
  },
  {
    route: 'DELETE /v1/orgs/:orgId',
    access: 'bearer',
    fresh: true,
    params: { orgId: 'org' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 204, superAdmin: 204 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 204 },
  },
  {
    route: 'POST /v1/orgs/:orgId/caregiver/:caregiverId',
    access: 'bearer',
    params: { orgId: 'org', caregiverId: 'peer' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 409, superAdmin: 409 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 409 },
  },
  {
    route: 'DELETE /v1/orgs/:orgId/caregiver/:caregiverId',
    access: 'bearer',
    fresh: true,
    params: { orgId: 'org', caregiverId: 'peer' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 200 },
  },
  {
    route: 'PATCH /v1/orgs/:orgId/caregiver/:caregiverId/role',
    access: 'bearer',
    fresh: true,
    params: { orgId: 'org', caregiverId: 'peer' },
    body: { role: 'orgAdmin' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 200 },
  },
  {
    route: 'PATCH /v1/orgs/:orgId/invite',
    access: 'bearer',
    params: { orgId: 'org' },
    body: { name: 'New Person', email: 'invitee-{unique}@example.test' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 200 },
  },

  // §2.6 caregivers.
  { route: 'GET /v1/caregivers', access: 'bearer', own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 } },
  {
    route: 'GET /v1/caregivers/:caregiverId',
    access: 'bearer',
    params: { caregiverId: 'peer' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
    other: { invited: 404, staff: 404, orgAdmin: 404, superAdmin: 200 },
  },
  {
    route: 'PATCH /v1/caregivers/:caregiverId',
    access: 'bearer',
    params: { caregiverId: 'peer' },
    body: { name: 'Renamed {unique}' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
    other: { invited: 404, staff: 404, orgAdmin: 404, superAdmin: 200 },
  },
  {
    route: 'POST /v1/caregivers/:caregiverId/avatar',
    access: 'bearer',
    params: { caregiverId: 'self' },
    avatar: true,
    own: { ...ALL_401, invited: 200, staff: 200, orgAdmin: 200, superAdmin: 200 },
    other: { invited: 404, staff: 404, orgAdmin: 404, superAdmin: 200 },
  },
  {
    route: 'PATCH /v1/caregivers/:caregiverId/avatar',
    access: 'bearer',
    params: { caregiverId: 'peer' },
    avatar: true,
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
    other: { invited: 404, staff: 404, orgAdmin: 404, superAdmin: 200 },
  },
  {
    route: 'PATCH /v1/caregivers/:caregiverId/theme',
    access: 'bearer',
    params: { caregiverId: 'self' },
    body: { themePreference: 'colorblind' },
    own: { ...ALL_401, invited: 200, staff: 200, orgAdmin: 200, superAdmin: 200 },
    other: { invited: 404, staff: 404, orgAdmin: 404, superAdmin: 200 },
  },
  {
    route: 'DELETE /v1/caregivers/:caregiverId',
    access: 'bearer',
    fresh: true,
    params: { caregiverId: 'peer' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 204, superAdmin: 204 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 204 },
  },
  {
    // S6: an orgAdmin ends a member's sessions (peer has none here: the call is idempotent).
    route: 'DELETE /v1/caregivers/:caregiverId/sessions',
    access: 'bearer',
    params: { caregiverId: 'peer' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 204, superAdmin: 204 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 204 },
  },
  {
    route: 'GET /v1/caregivers/:caregiverId/patients',
    access: 'bearer',
    params: { caregiverId: 'peer' },
    // superAdmin has no implicit PHI access (security.md Decisions).
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },

  // Audit log (@app/audit): orgAdmin of the org or superAdmin; another org's id in `orgId` answers
  // an orgAdmin 404 like a missing org (audited as cross_tenant).
  {
    route: 'GET /v1/audit/entries',
    access: 'bearer',
    query: { orgId: 'org' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 200 },
  },
  {
    route: 'GET /v1/audit/entries/export',
    access: 'bearer',
    query: { orgId: 'org' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 200 },
  },

  // §2.7 patients (care records). superAdmin has no implicit PHI access; staff act only on
  // patients assigned to them (the fixture patient is assigned to the org's staff caller).
  {
    route: 'POST /v1/patients',
    access: 'bearer',
    body: { name: 'Matrix {unique}', email: 'matrix-{unique}@example.test', phone: '+16045550123' },
    own: { ...ALL_401, invited: 403, staff: 201, orgAdmin: 201, superAdmin: 403 },
  },
  { route: 'GET /v1/patients', access: 'bearer', own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 } },
  { route: 'GET /v1/patients/unassigned', access: 'bearer', own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 } },
  {
    route: 'POST /v1/patients/assign-unassigned',
    access: 'bearer',
    body: { caregiverId: '00000000-0000-4000-8000-000000000000', patientIds: [] },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 400, superAdmin: 403 },
  },
  {
    route: 'GET /v1/patients/:patientId',
    access: 'bearer',
    params: { patientId: 'patient' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'PATCH /v1/patients/:patientId',
    access: 'bearer',
    params: { patientId: 'patient' },
    body: { notes: 'Matrix {unique}' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'DELETE /v1/patients/:patientId',
    access: 'bearer',
    fresh: true,
    params: { patientId: 'patient' },
    own: { ...ALL_401, invited: 403, staff: 204, orgAdmin: 204, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'POST /v1/patients/:patientId/avatar',
    access: 'bearer',
    params: { patientId: 'patient' },
    avatar: true,
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'PATCH /v1/patients/:patientId/avatar',
    access: 'bearer',
    params: { patientId: 'patient' },
    avatar: true,
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'POST /v1/patients/:patientId/caregivers/:caregiverId',
    access: 'bearer',
    params: { patientId: 'patient', caregiverId: 'peer' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'DELETE /v1/patients/:patientId/caregivers/:caregiverId',
    access: 'bearer',
    params: { patientId: 'patient', caregiverId: 'peer' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'GET /v1/patients/:patientId/caregivers',
    access: 'bearer',
    params: { patientId: 'patient' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'GET /v1/patients/:patientId/conversations',
    access: 'bearer',
    params: { patientId: 'patient' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },

  // §2.8 schedules — access follows the patient.
  {
    route: 'POST /v1/schedules/patients/:patientId',
    access: 'bearer',
    params: { patientId: 'patient' },
    body: { frequency: 'daily', intervals: [], time: '09:00' },
    own: { ...ALL_401, invited: 403, staff: 201, orgAdmin: 201, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'GET /v1/schedules/:scheduleId',
    access: 'bearer',
    params: { scheduleId: 'schedule' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'PUT /v1/schedules/:scheduleId',
    access: 'bearer',
    params: { scheduleId: 'schedule' },
    body: { frequency: 'daily', intervals: [], time: '10:00' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'PATCH /v1/schedules/:scheduleId',
    access: 'bearer',
    params: { scheduleId: 'schedule' },
    body: { time: '11:00' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'DELETE /v1/schedules/:scheduleId',
    access: 'bearer',
    fresh: true,
    params: { scheduleId: 'schedule' },
    own: { ...ALL_401, invited: 403, staff: 204, orgAdmin: 204, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },

  // §2.10 conversations — creating and appending are orgAdmin-only (as before).
  {
    route: 'POST /v1/conversations/patient/:patientId',
    access: 'bearer',
    params: { patientId: 'patient' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 201, superAdmin: 403 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'POST /v1/conversations/:conversationId',
    access: 'bearer',
    params: { conversationId: 'conversation' },
    body: { role: 'patient', content: 'Matrix {unique}' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'GET /v1/conversations/:conversationId',
    access: 'bearer',
    params: { conversationId: 'conversation' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },

  // §2.9 alerts.
  {
    route: 'POST /v1/alerts',
    access: 'bearer',
    body: { message: 'Matrix {unique}', importance: 'low', alertType: 'system', visibility: 'allCaregivers' },
    own: { ...ALL_401, invited: 403, staff: 201, orgAdmin: 201, superAdmin: 403 },
  },
  { route: 'GET /v1/alerts', access: 'bearer', own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 } },
  {
    route: 'POST /v1/alerts/markAsRead',
    access: 'bearer',
    body: { alertIds: [] },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
  },
  {
    route: 'POST /v1/alerts/markAsRead/:alertId',
    access: 'bearer',
    params: { alertId: 'alert' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'GET /v1/alerts/:alertId',
    access: 'bearer',
    params: { alertId: 'alert' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'PATCH /v1/alerts/:alertId',
    access: 'bearer',
    params: { alertId: 'alert' },
    body: { importance: 'high' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'DELETE /v1/alerts/:alertId',
    access: 'bearer',
    fresh: true,
    params: { alertId: 'alert' },
    own: { ...ALL_401, invited: 403, staff: 204, orgAdmin: 204, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },

  // §3.14 emergency phrases — orgAdmin: own org's rows; superAdmin: platform-wide rows only.
  {
    route: 'POST /v1/emergency-phrases',
    access: 'bearer',
    body: { phrase: 'Matrix {unique}', language: 'en', severity: 'HIGH', category: 'Medical', pattern: 'matrix' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 201, superAdmin: 201 },
  },
  { route: 'GET /v1/emergency-phrases', access: 'bearer', own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 } },
  {
    // The fixture id is not a language: a 400 once the caller may read phrases.
    route: 'GET /v1/emergency-phrases/language/:language',
    access: 'bearer',
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 400, superAdmin: 400 },
  },
  {
    // Items are checked one by one: a 201 even when an item is refused (here: none is).
    route: 'POST /v1/emergency-phrases/bulk-import',
    access: 'bearer',
    body: { phrases: [{ phrase: 'Matrix bulk {unique}', language: 'en', severity: 'HIGH', category: 'Medical', pattern: 'matrix bulk' }] },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 201, superAdmin: 201 },
  },
  {
    route: 'GET /v1/emergency-phrases/export',
    access: 'bearer',
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
  },
  {
    route: 'GET /v1/emergency-phrases/statistics',
    access: 'bearer',
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
  },
  {
    route: 'POST /v1/emergency-phrases/test-pattern',
    access: 'bearer',
    body: { pattern: 'fell', testText: 'I fell' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
  },
  {
    route: 'GET /v1/emergency-phrases/:phraseId',
    access: 'bearer',
    params: { phraseId: 'phrase' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 404 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 404 },
  },
  {
    route: 'PATCH /v1/emergency-phrases/:phraseId',
    access: 'bearer',
    params: { phraseId: 'phrase' },
    body: { description: 'Matrix {unique}' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 404 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 404 },
  },
  {
    route: 'PATCH /v1/emergency-phrases/:phraseId/toggle',
    access: 'bearer',
    params: { phraseId: 'phrase' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 404 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 404 },
  },
  {
    route: 'DELETE /v1/emergency-phrases/:phraseId',
    access: 'bearer',
    fresh: true,
    params: { phraseId: 'phrase' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 204, superAdmin: 404 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 404 },
  },

  // §2.12 invoices (@app/billing) — orgAdmin with a verified e-mail; patient routes follow the
  // patient (superAdmin: no PHI). The fixture patient has no usage yet: invoicing answers 404
  // `No uncharged conversations found`.
  {
    route: 'POST /v1/payments/patients/:patientId/invoices',
    access: 'bearer',
    params: { patientId: 'patient' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 404, superAdmin: 403 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'GET /v1/payments/patients/:patientId/invoices',
    access: 'bearer',
    params: { patientId: 'patient' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'GET /v1/payments/orgs/:orgId/invoices',
    access: 'bearer',
    params: { orgId: 'org' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 200 },
  },
  {
    route: 'GET /v1/payments/orgs/:orgId/unbilled-costs',
    access: 'bearer',
    params: { orgId: 'org' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 200, superAdmin: 200 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 200 },
  },

  // §2.13 payment methods — the matrix app has no Stripe keys: allowed callers get 503 after the
  // org/method checks (404 first). The method id is a caregiver's: never a payment method (404).
  {
    route: 'POST /v1/payment-methods/orgs/:orgId',
    access: 'bearer',
    params: { orgId: 'org' },
    body: { paymentMethodId: 'pm_matrix' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 503, superAdmin: 503 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 503 },
  },
  {
    route: 'POST /v1/payment-methods/orgs/:orgId/setup-intent',
    access: 'bearer',
    params: { orgId: 'org' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 503, superAdmin: 503 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 503 },
  },
  {
    route: 'GET /v1/payment-methods/orgs/:orgId',
    access: 'bearer',
    params: { orgId: 'org' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 503, superAdmin: 503 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 503 },
  },
  ...(['GET', 'PATCH', 'DELETE'] as const).map((method): MatrixRow => ({
    route: `${method} /v1/payment-methods/orgs/:orgId/:paymentMethodId`,
    access: 'bearer',
    params: { orgId: 'org', paymentMethodId: 'peer' },
    own: { ...ALL_401, invited: 403, staff: 403, orgAdmin: 404, superAdmin: 404 },
    other: { invited: 403, staff: 403, orgAdmin: 404, superAdmin: 404 },
  })),
  // ST1 and the webhook — public; without Stripe configuration both answer 503.
  { route: 'GET /v1/stripe/publishable-key', access: 'public', own: { anon: 503 } },
  { route: 'POST /v1/stripe/webhook', access: 'public', body: {}, own: { anon: 503 } },

  // §6 test helpers — only with ENABLE_TEST_ROUTES=true (never in production).
  ...[
    'clean',
    'seed',
    'create-caregiver',
    'send-verification-email',
    'generate-reset-password-link',
    'generate-invite-link',
    'send-invite-email',
    'get-email',
    'reset-mfa',
  ].map((name): MatrixRow => ({ route: `POST /v1/test/${name}`, access: 'test' })),

  // Domains kept in their own files (test/authz-matrix.<domain>.ts).
  ...ANALYSIS_ROWS,
  ...COMPLIANCE_ROWS,
  ...VOICE_ROWS,
  ...BILLING_EXTRA_ROWS,
];
