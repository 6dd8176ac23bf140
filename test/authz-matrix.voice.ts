/** Authorization matrix rows: §2.11 call workflow and Twilio voice webhooks (@app/calls). See test/authz-matrix.ts for the conventions. */
import { ALL_401, type MatrixRow } from './authz-matrix.types';

export const VOICE_ROWS: readonly MatrixRow[] = [
  // W1 — the matrix app has no telephony provider: allowed callers get 503 after the patient checks
  // (404 for another org's patient or none, 403 for roles without conversation access).
  {
    route: 'POST /v1/calls/initiate',
    access: 'bearer',
    bodyIds: { patientId: 'patient' },
    own: { ...ALL_401, invited: 403, staff: 503, orgAdmin: 503, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  { route: 'GET /v1/calls/active', access: 'bearer', own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 } },
  ...(['GET /v1/calls/:conversationId/status', 'GET /v1/calls/:conversationId/conversation'] as const).map((route): MatrixRow => ({
    route,
    access: 'bearer',
    params: { conversationId: 'conversation' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  })),
  {
    route: 'POST /v1/calls/:conversationId/status',
    access: 'bearer',
    fresh: true,
    params: { conversationId: 'conversation' },
    body: { status: 'connected' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  {
    route: 'POST /v1/calls/:conversationId/end',
    access: 'bearer',
    fresh: true,
    params: { conversationId: 'conversation' },
    body: { outcome: 'answered' },
    own: { ...ALL_401, invited: 403, staff: 200, orgAdmin: 200, superAdmin: 403 },
    other: { invited: 403, staff: 404, orgAdmin: 404, superAdmin: 403 },
  },
  // Twilio webhooks — public, signature-checked; without Twilio configuration both answer 503.
  { route: 'POST /v1/twilio/status', access: 'public', body: {}, own: { anon: 503 } },
  { route: 'POST /v1/twilio/voice', access: 'public', body: {}, own: { anon: 503 } },
];
