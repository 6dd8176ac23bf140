// Public door of @app/auth: identity and access.
//
// For other domains:
//   - every /v1 route is authenticated by the global guard unless marked @Public();
//   - @CurrentActor() actor: AuthActor, scopeOf(actor) → TenantScope for repositories;
//   - @RequirePermission(action, subject) on routes (type-level, 403), and
//     PermissionService.can/assert(actor, action, subject, row) for object-level checks;
//   - AccountExtensions.register({...}) to contribute patients/alerts to login answers and to
//     react to org/caregiver deletion;
//   - createSuperadmin(app, {email, password}) for the CLI.
export * from './auth.module';
export * from './actor';
export {
  ACTIONS,
  SUBJECTS,
  defineAbilityFor,
  subject,
  type Action,
  type AppAbility,
  type SubjectName,
  type SubjectObject,
} from './abilities';
export { Public, AllowMfaEnrollment, Authenticated, RequirePermission, CurrentActor, type RequestWithActor } from './decorators';
export { PermissionService } from './permission.service';
export { SessionService, SESSION_ABSOLUTE_MS } from './session.service';
export { SocketSessionMonitor, SOCKET_SWEEP_INTERVAL_MS } from './socket-session.monitor';
export { REFRESH_GRACE_MS } from './refresh-grace.store';
export { SessionResponse } from './session.dto';
export { AccessTokenCodec, ACCESS_TOKEN_TTL_SECONDS, deriveAccessKey, type AccessClaims } from './access-token';
export { AccountExtensions, type AccountExtension } from './account-extensions';
export { BreakGlassHooks, PHI_SUBJECTS, type BreakGlassLookup } from './break-glass.hook';
export { ThrottleService, LOCKOUT_MESSAGE } from './throttle.service';
export { PasswordService, passwordRuleProblem } from './password.service';
export { SuperadminService, createSuperadmin } from './superadmin';
export { ApiErrors } from './api-errors';
export { OneOf, OptionalString, RequiredString } from './dto-fields';
export { ErrorResponse, CaregiverResponse, OrgResponse, AuthTokensResponse } from './responses.dto';
export { caregiverResponse, orgResponse } from './presenters';
export { bearerToken } from './auth.guard';
