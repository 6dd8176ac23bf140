import { Global, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CaregiversModule } from '@app/caregivers';
import { NotificationsModule } from '@app/notifications';
import { OrgsModule } from '@app/orgs';
import { SocketAuthRegistry, type AppConfig } from '@app/platform';
import { AccountExtensions } from './account-extensions';
import { BreakGlassHooks } from './break-glass.hook';
import { AccountViews } from './account-views';
import { LoginCompletion } from './login-completion';
import { AuthController } from './auth.controller';
import { AuthGuard, AuthRateLimitGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { CaregiverAdminService } from './caregiver-admin.service';
import { CaregiverController } from './caregiver.controller';
import { CredentialRepository } from './credential.repository';
import { EmailVerificationService } from './email-verification.service';
import { MfaController } from './mfa.controller';
import { MfaService } from './mfa.service';
import { OneTimeTokenRepository } from './one-time-token.repository';
import { OneTimeTokenService } from './one-time-token.service';
import { OrgAdminService } from './org-admin.service';
import { OrgController } from './org.controller';
import { PasswordService } from './password.service';
import { PermissionService } from './permission.service';
import { PhoneVerificationController } from './phone-verification.controller';
import { PhoneVerificationService } from './phone-verification.service';
import { RefreshGraceStore } from './refresh-grace.store';
import { SecretDigest } from './secret-digest';
import { SessionController } from './session.controller';
import { SessionRepository } from './session.repository';
import { SessionService } from './session.service';
import { SessionStore } from './session.store';
import { AccessTokenSocketAuthenticator } from './socket-authenticator';
import { SocketSessionMonitor } from './socket-session.monitor';
import { SsoController } from './sso.controller';
import { SsoService } from './sso.service';
import { SuperadminService } from './superadmin';
import { TestSupportController } from './test-support.controller';
import { ThrottleService } from './throttle.service';

/**
 * Identity and access: authentication (global guard), sessions, MFA, SSO, phone verification,
 * organisations and caregiver accounts over HTTP, and the permission API other domains use.
 * Global, so domains inject `PermissionService` / `AccountExtensions` without importing it.
 */
@Global()
@Module({})
export class AuthModule implements OnModuleInit {
  static forRoot(config: AppConfig): DynamicModule {
    const testRoutes = config.enableTestRoutes && !config.isProduction;
    return {
      module: AuthModule,
      imports: [OrgsModule, CaregiversModule, NotificationsModule],
      controllers: [
        AuthController,
        SessionController,
        MfaController,
        PhoneVerificationController,
        SsoController,
        OrgController,
        CaregiverController,
        ...(testRoutes ? [TestSupportController] : []),
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        AuthRateLimitGuard,
        AccountExtensions,
        BreakGlassHooks,
        AccountViews,
        LoginCompletion,
        AuthService,
        CaregiverAdminService,
        CredentialRepository,
        EmailVerificationService,
        MfaService,
        OneTimeTokenRepository,
        OneTimeTokenService,
        OrgAdminService,
        PasswordService,
        PermissionService,
        PhoneVerificationService,
        RefreshGraceStore,
        SecretDigest,
        SessionRepository,
        SessionService,
        SessionStore,
        AccessTokenSocketAuthenticator,
        SocketSessionMonitor,
        SsoService,
        SuperadminService,
        ThrottleService,
      ],
      exports: [PermissionService, SessionService, AccountExtensions, BreakGlassHooks, ThrottleService, SuperadminService, PasswordService],
    };
  }

  constructor(
    private readonly sockets: SocketAuthRegistry,
    private readonly authenticator: AccessTokenSocketAuthenticator,
  ) {}

  onModuleInit(): void {
    this.sockets.use(this.authenticator);
  }
}
