import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, RequestContext } from '@app/platform';
import { AuditService } from '@app/audit';
import type { Action, SubjectName } from './abilities';
import { ALLOW_MFA_ENROLLMENT, IS_PUBLIC, REQUIRED_PERMISSIONS, type RequestWithActor } from './decorators';
import { BreakGlassHooks } from './break-glass.hook';
import { PermissionService } from './permission.service';
import { SessionService } from './session.service';
import { ThrottleService } from './throttle.service';

/** `Authorization: Bearer <token>` only: tokens never travel in URLs (security.md S7). */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The global guard: every `/v1` route needs a valid access token and a live session unless it is
 * `@Public()`. It sets the request's actor (also in RequestContext, for audit and logs), enforces
 * the MFA-enrolment restriction and the route's `@RequirePermission`.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
    private readonly permissions: PermissionService,
    private readonly audit: AuditService,
    private readonly breakGlass: BreakGlassHooks,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<RequestWithActor>();
    // Probes (/health*) live outside /v1 and stay anonymous.
    if (!req.path.startsWith('/v1/') && req.path !== '/v1') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const actor = await this.sessions.authenticate(bearerToken(req.headers.authorization));
    await this.breakGlass.attach(actor);
    req.actor = actor;
    const ctx = RequestContext.current();
    if (ctx) ctx.actor = actor;

    if (actor.restriction === 'mfa-enroll' && !this.reflector.getAllAndOverride<boolean>(ALLOW_MFA_ENROLLMENT, targets)) {
      throw new ForbiddenError('Multi-factor authentication must be set up before using this feature.', 'MfaEnrollmentRequired');
    }
    const required = this.reflector.getAllAndOverride<{ action: Action; subject: SubjectName } | undefined>(REQUIRED_PERMISSIONS, targets);
    if (required && !this.permissions.can(actor, required.action, required.subject)) {
      await this.audit.record({
        action: 'authz.denied',
        resourceType: required.subject.toLowerCase(),
        outcome: 'denied',
        reason: `missing_permission_${required.action.toLowerCase()}`,
        severity: 'warning',
      });
      throw new ForbiddenError();
    }
    if (required) await this.breakGlass.recordUse(actor, required.action, required.subject);
    return true;
  }
}

/** Per-IP budget of the auth, MFA, phone-verification and SSO routes (AUTH_RATE_LIMIT_PER_MINUTE). */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  constructor(private readonly throttle: ThrottleService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithActor>();
    await this.throttle.consumeAuthRequest(req.ip ?? 'unknown');
    return true;
  }
}
