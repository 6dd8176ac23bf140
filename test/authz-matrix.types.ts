/** Types of the authorization matrix (see test/authz-matrix.ts for the conventions). */
import type { CareFixtureKind } from '@app/testing';

export type MatrixRole = 'anon' | 'invited' | 'staff' | 'orgAdmin' | 'superAdmin';
export const MATRIX_ROLES: readonly MatrixRole[] = ['anon', 'invited', 'staff', 'orgAdmin', 'superAdmin'];

/** `org`: the org; `peer`: a staff member of it (not the caller); `self`: the caller (own) or the org's staff member (other). */
export type FixtureKind = 'org' | 'peer' | 'self' | CareFixtureKind;

export type Expectations = Partial<Record<MatrixRole, number>>;

export interface MatrixRow {
  /** `METHOD /v1/path/:param` exactly as the router registers it. */
  route: string;
  access: 'public' | 'test' | 'bearer';
  params?: Record<string, FixtureKind>;
  /** Query parameters holding ids (e.g. `?orgId=`), resolved like `params`. */
  query?: Record<string, FixtureKind>;
  /** JSON body; `{unique}` in a string is replaced by a fresh suffix per request. */
  body?: Record<string, unknown>;
  /** Body fields holding ids (e.g. `{patientId: 'patient'}`), resolved like `params` and merged into `body`. */
  bodyIds?: Record<string, FixtureKind>;
  /** Send a small PNG as multipart field `avatar`. */
  avatar?: boolean;
  own?: Expectations;
  other?: Expectations;
  fresh?: boolean;
}

export const ALL_401 = { anon: 401 } as const;
