import { ForbiddenError, type Actor } from '@app/platform';
import { PLATFORM_SCOPE, orgScope, type TenantScope } from '@app/orgs';
import type { Role } from '@app/caregivers';

/** The authenticated caller, as the guard builds it from the access token and the live session. */
export interface AuthActor extends Actor {
  id: string;
  role: Role;
  orgId: string | null;
  sessionId: string;
  emailVerified: boolean;
  /** `mfa-enroll`: MFA must be enrolled before anything but /mfa/* and /auth/* is reachable. */
  restriction: 'mfa-enroll' | null;
  /** A superAdmin's active break-glass grant (set by the guard; `orgId` is then the grant's org). */
  breakGlass?: BreakGlassAccess;
}

/** An active break-glass grant as the permission check sees it (security.md Z6). */
export interface BreakGlassAccess {
  grantId: string;
  orgId: string;
  expiresAt: Date;
}

/**
 * The tenant scope for repository calls: a superAdmin administers the platform (every org's
 * accounts, never implicit PHI), everyone else their own org.
 */
export function scopeOf(actor: AuthActor): TenantScope {
  if (actor.role === 'superAdmin') return PLATFORM_SCOPE;
  if (!actor.orgId) throw new ForbiddenError();
  return orgScope(actor.orgId);
}
