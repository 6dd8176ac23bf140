import { PasswordService, SessionService } from '@app/auth';
import { CaregiverService, type CaregiverRow, type Role } from '@app/caregivers';
import type { OrgRow } from '@app/orgs';
import type { TestApp } from './app-harness';
import { createOrg, uniqueSuffix } from './factories';

/** The password every factory-made caregiver gets (satisfies the policy; not on the common list). */
export const TEST_PASSWORD = 'Quiet-Harbor-42';

const hashes = new WeakMap<TestApp, Promise<string>>();

/** One argon2id hash per app, reused: factories stay fast. */
function testPasswordHash(app: TestApp): Promise<string> {
  let hash = hashes.get(app);
  if (!hash) {
    hash = app.get(PasswordService).hash(TEST_PASSWORD);
    hashes.set(app, hash);
  }
  return hash;
}

export interface CreateCaregiverOptions {
  /** The org (a fresh one when omitted; ignored for superAdmin unless given). */
  org?: OrgRow;
  role?: Role;
  email?: string;
  name?: string;
  phone?: string | null;
  emailVerified?: boolean;
  /** A specific password (hashed for real); default TEST_PASSWORD. */
  password?: string;
}

/** A caregiver inserted through the real service (verified e-mail unless said otherwise). */
export async function createCaregiver(app: TestApp, options: CreateCaregiverOptions = {}): Promise<CaregiverRow> {
  const role = options.role ?? 'staff';
  const org = options.org ?? (role === 'superAdmin' ? undefined : await createOrg(app));
  const passwordHash = options.password ? await app.get(PasswordService).hash(options.password) : await testPasswordHash(app);
  return app.get(CaregiverService).create({
    orgId: org?.id ?? null,
    name: options.name ?? `Test ${role} ${uniqueSuffix()}`,
    email: options.email ?? `${role.toLowerCase()}-${uniqueSuffix()}@example.test`,
    phone: options.phone === undefined ? '+16045550101' : options.phone,
    role,
    passwordHash: role === 'invited' ? null : passwordHash,
    isEmailVerified: options.emailVerified ?? role !== 'invited',
  });
}

export interface TestSession {
  accessToken: string;
  refreshToken: string;
  /** `Bearer <access token>` for the Authorization header. */
  authorization: string;
}

/** A live session for the caregiver, issued directly (no HTTP, no rate limits). */
export async function loginSession(app: TestApp, caregiver: CaregiverRow): Promise<TestSession> {
  const tokens = await app.get(SessionService).issue(caregiver, 'password');
  return { accessToken: tokens.access.token, refreshToken: tokens.refresh.token, authorization: `Bearer ${tokens.access.token}` };
}

/** An access token for the caregiver: `.set('Authorization', \`Bearer ${await loginAs(t, cg)}\`)`. */
export async function loginAs(app: TestApp, caregiver: CaregiverRow): Promise<string> {
  return (await loginSession(app, caregiver)).accessToken;
}
