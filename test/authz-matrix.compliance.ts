/** Authorization matrix rows: Compliance (@app/compliance): privacy requests, consent, breach log, break-glass, retention. See test/authz-matrix.ts for the conventions. */
import type { MatrixRow } from './authz-matrix.types';

export const COMPLIANCE_ROWS: readonly MatrixRow[] = [];
