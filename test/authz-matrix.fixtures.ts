/**
 * Fixtures and request building for matrix-driven specs (test/audit-coverage.spec.ts), the same
 * way test/authz-matrix.spec.ts builds them: one org with an invited, a staff and an orgAdmin
 * caller plus its care records, and a superAdmin.
 */
import type { CaregiverRow, Role } from '@app/caregivers';
import type { OrgRow } from '@app/orgs';
import { createCaregiver, createCareFixture, createOrg, loginAs, uniqueSuffix, type CareFixtureKind, type TestApp } from '@app/testing';
import type { FixtureKind, MatrixRole, MatrixRow } from './authz-matrix.types';

/** A 1×1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

export interface MatrixActor {
  row: CaregiverRow;
  token: string;
}

export interface MatrixOrgFixture {
  org: OrgRow;
  peer: CaregiverRow;
  actors: Record<Exclude<Role, 'superAdmin'>, MatrixActor>;
  care: Record<CareFixtureKind, string>;
}

export async function matrixActor(t: TestApp, org: OrgRow | undefined, role: Role): Promise<MatrixActor> {
  const row = await createCaregiver(t, { org, role });
  return { row, token: await loginAs(t, row) };
}

export async function matrixOrgFixture(t: TestApp): Promise<MatrixOrgFixture> {
  const org = await createOrg(t);
  const peer = await createCaregiver(t, { org, role: 'staff' });
  const actors = {
    invited: await matrixActor(t, org, 'invited'),
    staff: await matrixActor(t, org, 'staff'),
    orgAdmin: await matrixActor(t, org, 'orgAdmin'),
  };
  return { org, peer, actors, care: await createCareFixture(t, org, actors.staff.row, actors.orgAdmin.row) };
}

/** `{unique}` in strings → a fresh suffix. */
export function resolveBody(value: unknown, suffix = uniqueSuffix()): unknown {
  if (typeof value === 'string') return value.replace('{unique}', suffix);
  if (Array.isArray(value)) return value.map((v) => resolveBody(v, suffix));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveBody(v, suffix)]));
  return value;
}

/** The path (with query) of a row for the caller's own org. */
export function ownPath(row: MatrixRow, target: MatrixOrgFixture, caller: MatrixActor): string {
  const idOf = (kind: FixtureKind): string => {
    if (kind === 'org') return target.org.id;
    if (kind === 'peer') return target.peer.id;
    if (kind in target.care) return target.care[kind as CareFixtureKind];
    return caller.row.id;
  };
  const [, pattern] = row.route.split(' ') as [string, string];
  const path = pattern.replace(/:(\w+)/g, (_m, name: string) => idOf(row.params?.[name] ?? 'org'));
  const query = Object.entries(row.query ?? {}).map(([name, kind]) => `${name}=${idOf(kind)}`);
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}

/** Sends one matrix cell's request (method, bearer, avatar or JSON body, extra headers). */
export function sendRow(t: TestApp, row: MatrixRow, path: string, token: string | undefined, headers: Record<string, string> = {}) {
  const [method] = row.route.split(' ') as [string, string];
  let req = t.http()[method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete'](path);
  if (token) req = req.set('Authorization', `Bearer ${token}`);
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  if (row.avatar) return req.attach('avatar', PNG, { filename: 'avatar.png', contentType: 'image/png' });
  return row.body ? req.send(resolveBody(row.body) as object) : req;
}

/** The first role among `roles` whose `own` cell is a 2xx, if any. */
export function allowedRole(row: MatrixRow, roles: readonly MatrixRole[]): MatrixRole | undefined {
  return roles.find((r) => {
    const status = row.own?.[r];
    return status !== undefined && status >= 200 && status < 300;
  });
}
