/** Authorization matrix rows: §2.14–2.16 analyses and reports (@app/analysis). See test/authz-matrix.ts for the conventions. */
import type { MatrixRow } from './authz-matrix.types';

export const ANALYSIS_ROWS: readonly MatrixRow[] = [];
