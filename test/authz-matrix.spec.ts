import { randomUUID } from 'node:crypto';
import type { CaregiverRow, Role } from '@app/caregivers';
import type { OrgRow } from '@app/orgs';
import {
  createCaregiver,
  createCareFixture,
  createOrg,
  createTestApp,
  loginAs,
  uniqueSuffix,
  type CareFixtureKind,
  type TestApp,
} from '@app/testing';
import { AUTHZ_MATRIX, MATRIX_ROLES, type FixtureKind, type MatrixRole, type MatrixRow } from './authz-matrix';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

interface Actor {
  row: CaregiverRow;
  token: string;
}
interface OrgFixture {
  org: OrgRow;
  peer: CaregiverRow;
  actors: Record<Exclude<Role, 'superAdmin'>, Actor>;
  care: Record<CareFixtureKind, string>;
}
interface Fixture {
  own: OrgFixture;
  other: OrgFixture;
  superAdmin: Actor;
}

async function actor(t: TestApp, org: OrgRow | undefined, role: Role): Promise<Actor> {
  const row = await createCaregiver(t, { org, role });
  return { row, token: await loginAs(t, row) };
}

async function orgFixture(t: TestApp): Promise<OrgFixture> {
  const org = await createOrg(t);
  const peer = await createCaregiver(t, { org, role: 'staff' });
  const actors = {
    invited: await actor(t, org, 'invited'),
    staff: await actor(t, org, 'staff'),
    orgAdmin: await actor(t, org, 'orgAdmin'),
  };
  return { org, peer, actors, care: await createCareFixture(t, org, actors.staff.row, actors.orgAdmin.row) };
}

async function fixture(t: TestApp): Promise<Fixture> {
  return { own: await orgFixture(t), other: await orgFixture(t), superAdmin: await actor(t, undefined, 'superAdmin') };
}

/** Every route the booted server registered, as `METHOD /path`. */
function registeredRoutes(t: TestApp): string[] {
  const instance = t.app.getHttpAdapter().getInstance() as {
    router?: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
    _router?: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
  };
  const stack = (instance.router ?? instance._router)?.stack ?? [];
  const routes = new Set<string>();
  for (const layer of stack) {
    // Wildcard layers are middleware mounts (request context), not handlers.
    if (!layer.route || layer.route.path.includes('*')) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all') routes.add(`${method.toUpperCase()} ${layer.route.path}`);
    }
  }
  return [...routes].filter((r) => r.split(' ')[1].startsWith('/v1/')).sort();
}

function resolve(value: unknown, suffix: string): unknown {
  if (typeof value === 'string') return value.replace('{unique}', suffix);
  if (Array.isArray(value)) return value.map((v) => resolve(v, suffix));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, suffix)]));
  return value;
}

function cells(row: MatrixRow): Array<[MatrixRole, 'own' | 'other', number]> {
  const out: Array<[MatrixRole, 'own' | 'other', number]> = [];
  for (const ownership of ['own', 'other'] as const) {
    for (const role of MATRIX_ROLES) {
      const status = row[ownership]?.[role];
      if (status !== undefined) out.push([role, ownership, status]);
    }
  }
  return out;
}

describe('authorization matrix (security.md Z1/Z2)', () => {
  let t: TestApp;
  let shared: Fixture;

  beforeAll(async () => {
    t = await createTestApp({ env: { ENABLE_TEST_ROUTES: 'true', AUTH_RATE_LIMIT_PER_MINUTE: '100000' } });
    shared = await fixture(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('has exactly one row for every registered /v1 route (a new route without a row fails)', () => {
    const registered = registeredRoutes(t);
    const rows = AUTHZ_MATRIX.map((r) => r.route);
    expect(new Set(rows).size).toBe(rows.length);
    expect(registered.filter((r) => !rows.includes(r))).toEqual([]);
    expect(rows.filter((r) => !registered.includes(r))).toEqual([]);
  });

  it('mounts the test helpers only with ENABLE_TEST_ROUTES', async () => {
    const plain = await createTestApp();
    try {
      const routes = registeredRoutes(plain);
      for (const row of AUTHZ_MATRIX.filter((r) => r.access === 'test')) expect(routes).not.toContain(row.route);
      await plain.http().post('/v1/test/clean').expect(404);
    } finally {
      await plain.close();
    }
  });

  it('Swagger documents every (non-test) route with its error answers; the test helpers stay out', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    for (const row of AUTHZ_MATRIX) {
      const [method, pattern] = row.route.split(' ') as [string, string];
      const operation = doc.paths[pattern.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      if (row.access === 'test') {
        expect(operation).toBeUndefined();
        continue;
      }
      expect({ route: row.route, documented: operation !== undefined }).toEqual({ route: row.route, documented: true });
      expect(Object.keys(operation.responses).some((code) => code.startsWith('4') || code.startsWith('5'))).toBe(true);
    }
  });

  const rows = AUTHZ_MATRIX.filter((r) => r.access !== 'test');
  const table = rows.flatMap((row) => cells(row).map(([role, ownership, status]) => ({ row, role, ownership, status })));

  it.each(table.map((c) => [c.row.route, c.role, c.ownership, c.status, c] as const))(
    '%s as %s (%s org) → %i',
    async (_route, role, ownership, status, cell) => {
      const f = cell.row.fresh ? await fixture(t) : shared;
      const caller = role === 'anon' ? undefined : role === 'superAdmin' ? f.superAdmin : f.own.actors[role];
      const target = ownership === 'own' ? f.own : f.other;
      const idOf = (kind: FixtureKind): string => {
        if (kind === 'org') return target.org.id;
        if (kind === 'peer') return target.peer.id;
        if (kind in target.care) return target.care[kind as CareFixtureKind];
        return ownership === 'own' && caller ? caller.row.id : target.peer.id;
      };
      const [method, pattern] = cell.row.route.split(' ') as [string, string];
      const build = (ids: (kind: FixtureKind) => string): string => {
        const path = pattern.replace(/:(\w+)/g, (_m, name: string) => ids(cell.row.params?.[name] ?? 'org'));
        const query = Object.entries(cell.row.query ?? {}).map(([name, kind]) => `${name}=${ids(kind)}`);
        return query.length > 0 ? `${path}?${query.join('&')}` : path;
      };
      const send = (path: string, ids: (kind: FixtureKind) => string) => {
        let req = t.http()[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path);
        if (caller) req = req.set('Authorization', `Bearer ${caller.token}`);
        if (cell.row.avatar) return req.attach('avatar', PNG, { filename: 'avatar.png', contentType: 'image/png' });
        const bodyIds = Object.fromEntries(Object.entries(cell.row.bodyIds ?? {}).map(([name, kind]) => [name, ids(kind)]));
        return cell.row.body || cell.row.bodyIds
          ? req.send({ ...(resolve(cell.row.body ?? {}, uniqueSuffix()) as object), ...bodyIds })
          : req;
      };
      const res = await send(build(idOf), idOf);
      expect({ status: res.status, body: res.body }).toMatchObject({ status });
      if (ownership === 'other' && status === 404) {
        // Another org's id answers exactly like an id that does not exist.
        const random = (): string => randomUUID();
        const missing = await send(build(random), random);
        expect(missing.status).toBe(404);
        expect(missing.body).toEqual(res.body);
      }
    },
  );
});
