import { SetMetadata, applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Action, SubjectName } from './abilities';
import type { AuthActor } from './actor';
import { ErrorResponse } from './responses.dto';

export const IS_PUBLIC = 'bianca:auth:public';
export const ALLOW_MFA_ENROLLMENT = 'bianca:auth:allow-mfa-enrollment';
export const REQUIRED_PERMISSIONS = 'bianca:auth:permissions';

export type RequestWithActor = Request & { actor?: AuthActor };

/** No authentication: the route is reachable anonymously (login, register, test helpers). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** Reachable by a session that must still enrol MFA (mandatory for superAdmins and some orgs). */
export const AllowMfaEnrollment = (): MethodDecorator & ClassDecorator => SetMetadata(ALLOW_MFA_ENROLLMENT, true);

/** Bearer authentication in Swagger, with the 401 it can answer. */
export const Authenticated = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token', type: ErrorResponse }),
  );

/**
 * Type-level permission, checked by the global guard before the handler (403 when no rule of the
 * caller's role could allow it). Object-level checks (own org, own record) happen in services
 * with `PermissionService` and scoped repositories.
 */
export const RequirePermission = (action: Action, subject: SubjectName): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(REQUIRED_PERMISSIONS, { action, subject }),
    ApiForbiddenResponse({ description: `Requires permission ${action} ${subject}`, type: ErrorResponse }),
  );

/** The authenticated caller (`@CurrentActor() actor: AuthActor`). */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthActor => {
  const actor = ctx.switchToHttp().getRequest<RequestWithActor>().actor;
  if (!actor) throw new Error('@CurrentActor() used on a route without authentication');
  return actor;
});
