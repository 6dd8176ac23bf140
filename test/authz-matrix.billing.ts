/** Authorization matrix rows: Billing routes added after the first billing rows (@app/billing). See test/authz-matrix.ts for the conventions. */
import type { MatrixRow } from './authz-matrix.types';

export const BILLING_EXTRA_ROWS: readonly MatrixRow[] = [];
