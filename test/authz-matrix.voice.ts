/** Authorization matrix rows: §2.11 call workflow and Twilio voice webhooks (@app/voice). See test/authz-matrix.ts for the conventions. */
import type { MatrixRow } from './authz-matrix.types';

export const VOICE_ROWS: readonly MatrixRow[] = [];
