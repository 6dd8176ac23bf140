import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { CaregiverService, type CaregiverRow } from '@app/caregivers';
import { NotificationService } from '@app/notifications';
import { OrgService } from '@app/orgs';
import {
  DatabaseService,
  DomainError,
  ForbiddenError,
  NotFoundError,
  RequestContext,
  UnauthorizedError,
  ValidationError,
  normalizeEmail,
} from '@app/platform';
import { randomBytes } from 'node:crypto';
import { AccountViews } from './account-views';
import { LoginCompletion } from './login-completion';
import type { LoginDto, RegisterDto, RegisterWithInviteDto } from './auth.dto';
import { MfaService } from './mfa.service';
import { OneTimeTokenService } from './one-time-token.service';
import { PasswordService } from './password.service';
import { tokensResponse } from './presenters';
import type {
  CaregiverWithTokensResponse,
  InviteInfoResponse,
  LoginResponse,
  MessageResponse,
  MfaChallengeResponse,
  RefreshResponse,
  RegisterResponse,
} from './responses.dto';
import { SessionService } from './session.service';
import { ThrottleService } from './throttle.service';

export const INCORRECT_CREDENTIALS = 'Incorrect email or password';
const SSO_ONLY_MESSAGE = 'This account was created with SSO. Please link your account by setting a password or using SSO login.';

/** Forgot-password and verification mails per address: a few per hour, silently capped. */
const MAIL_PER_ADDRESS_PER_HOUR = 5;

/**
 * Getting in: registration, password login with the MFA challenge, token refresh and logout,
 * password reset, invites. The same answer for unknown e-mails where the contract allows it.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('AuthService');

  constructor(
    private readonly database: DatabaseService,
    private readonly orgs: OrgService,
    private readonly caregivers: CaregiverService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly throttle: ThrottleService,
    private readonly tokens: OneTimeTokenService,
    private readonly mfa: MfaService,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    private readonly views: AccountViews,
    private readonly logins: LoginCompletion,
  ) {}

  /** A1: a new org and its first caregiver (orgAdmin, e-mail unverified), logged in at once. */
  async register(input: RegisterDto): Promise<RegisterResponse> {
    this.passwords.assertAcceptable(input.password);
    const email = normalizeEmail(input.email);
    const passwordHash = await this.passwords.hash(input.password);
    const { org, caregiver, verifyToken } = await this.database.transaction(async (tx) => {
      const org = await this.orgs.create({ name: input.name, email, phone: input.phone }, tx);
      const caregiver = await this.caregivers.create(
        { orgId: org.id, name: input.name, email, phone: input.phone, role: 'orgAdmin', passwordHash, isEmailVerified: false },
        tx,
      );
      await this.passwords.remember(caregiver.id, passwordHash, tx);
      const verifyToken = await this.tokens.create(caregiver.id, 'verifyEmail', tx);
      await this.audit.record(
        {
          action: 'auth.register',
          resourceType: 'user',
          resourceIds: [caregiver.id],
          orgId: org.id,
          outcome: 'success',
          actor: { id: caregiver.id, role: caregiver.role, orgId: org.id },
        },
        tx,
      );
      return { org, caregiver, verifyToken };
    });
    try {
      await this.notifications.sendVerifyEmail(caregiver, verifyToken);
    } catch {
      throw new DomainError(
        500,
        'VerificationEmailFailed',
        'Registration successful but verification email failed. Please contact support.',
      );
    }
    const tokens = await this.sessions.issue(caregiver, 'register');
    return {
      message: 'Registration successful. Please check your email to verify your account.',
      org: await this.views.org(org),
      caregiver: await this.views.caregiver(caregiver),
      tokens: tokensResponse(tokens),
      requiresEmailVerification: true,
    };
  }

  /**
   * A4. Order: temporary lock (429 even for the right password) → password (401, counted) → SSO-only
   * (403) → admin lock (403) → MFA challenge or code (401 on a wrong code, counted) → session.
   */
  async login(input: LoginDto, ip: string | undefined): Promise<LoginResponse | MfaChallengeResponse> {
    const email = normalizeEmail(input.email);
    await this.throttle.assertIpBudget(ip);
    await this.throttle.assertNotLocked(email);
    const caregiver = await this.caregivers.findByEmail(email);
    if (caregiver && !caregiver.passwordHash && caregiver.ssoProvider) {
      throw new ForbiddenError(SSO_ONLY_MESSAGE, 'SsoAccount', { requiresPasswordLinking: true, ssoProvider: caregiver.ssoProvider });
    }
    const valid = await this.passwords.verify(caregiver?.passwordHash, input.password);
    if (!caregiver || !valid) return this.loginFailed(email, ip, caregiver, 'bad_credentials', INCORRECT_CREDENTIALS);
    if (caregiver.accountLocked) {
      throw new ForbiddenError('Account is locked. Please contact your administrator.', 'AccountLocked');
    }
    if (caregiver.mfaEnabled) {
      if (!input.mfaToken) {
        return { requireMFA: true, tempToken: randomBytes(24).toString('base64url'), message: 'MFA verification required' };
      }
      const factor = await this.mfa.checkFactor(caregiver, input.mfaToken);
      if (!factor) return this.loginFailed(email, ip, caregiver, 'invalid_mfa_token', 'Invalid MFA token');
    }
    await this.throttle.clearFailures(email);
    if (caregiver.failedLoginAttempts > 0) await this.caregivers.update(caregiver.id, { failedLoginAttempts: 0 });
    const { answer, mustEnroll } = await this.logins.complete(caregiver, 'password');
    return mustEnroll ? { ...answer, mfaEnrollRequired: true } : answer;
  }

  private async loginFailed(
    email: string,
    ip: string | undefined,
    caregiver: CaregiverRow | undefined,
    reason: string,
    message: string,
  ): Promise<never> {
    const locked = await this.throttle.recordFailure(email, ip);
    if (caregiver) {
      await this.caregivers.update(caregiver.id, {
        failedLoginAttempts: caregiver.failedLoginAttempts + 1,
        lastFailedLoginAt: new Date(),
      });
    }
    await this.audit.record({
      action: 'auth.login',
      resourceType: 'user',
      resourceIds: caregiver ? [caregiver.id] : [],
      orgId: caregiver?.orgId ?? null,
      outcome: 'failure',
      reason,
      actor: null,
    });
    if (locked) {
      await this.audit.record({
        action: 'auth.lockout',
        resourceType: 'user',
        resourceIds: caregiver ? [caregiver.id] : [],
        orgId: caregiver?.orgId ?? null,
        outcome: 'denied',
        reason: 'too_many_failures',
        severity: 'high',
        actor: null,
      });
    }
    throw new UnauthorizedError(message, reason === 'invalid_mfa_token' ? 'InvalidMfaToken' : 'IncorrectCredentials');
  }

  async refresh(refreshToken: string): Promise<RefreshResponse> {
    const tokens = await this.sessions.refresh(refreshToken, (id, tx) => this.caregivers.find(id, tx));
    return { tokens: tokensResponse(tokens) };
  }

  async logout(refreshToken: string): Promise<void> {
    const ended = await this.sessions.logout(refreshToken);
    if (!ended) throw new NotFoundError('Not found');
    await this.audit.record({
      action: 'auth.logout',
      resourceType: 'session',
      resourceIds: [ended.sessionId],
      orgId: ended.orgId,
      outcome: 'success',
      actor: { id: ended.caregiverId, role: 'unknown', orgId: ended.orgId },
    });
  }

  /** A7: 204 whether or not the address is known; mails are capped per address. */
  async forgotPassword(emailInput: string): Promise<void> {
    const email = normalizeEmail(emailInput);
    const caregiver = await this.caregivers.findByEmail(email);
    const sent = await this.throttle.peek('forgot-mail', email, 3600_000);
    if (!caregiver || sent >= MAIL_PER_ADDRESS_PER_HOUR || caregiver.role === 'invited') return;
    await this.throttle.consume('forgot-mail', email, MAIL_PER_ADDRESS_PER_HOUR, 3600_000).catch(() => undefined);
    const token = await this.tokens.create(caregiver.id, 'resetPassword');
    await this.audit.record({
      action: 'auth.password_reset',
      resourceType: 'user',
      resourceIds: [caregiver.id],
      orgId: caregiver.orgId,
      outcome: 'success',
      reason: 'requested',
      actor: null,
    });
    await this.notifications.sendResetPassword(caregiver, token).catch((err: unknown) => {
      // The answer must not differ for known and unknown addresses; the log says what failed.
      this.logger.warn({ msg: 'reset mail failed', err: (err as Error).message });
    });
  }

  /** A8: a single-use 15-minute token; ends every session of the account; history of 10 applies. */
  async resetPassword(token: string | undefined, password: string): Promise<void> {
    if (!token) throw new ValidationError('Token is required', 'TokenRequired');
    const check = await this.tokens.check('resetPassword', token);
    if (check.status !== 'ok') throw new UnauthorizedError('Password reset failed', 'ResetFailed');
    const caregiver = await this.caregivers.find(check.row.caregiverId);
    if (!caregiver) throw new UnauthorizedError('Password reset failed', 'ResetFailed');
    const passwordHash = await this.passwords.hashNewPassword(caregiver.id, password);
    await this.database.transaction(async (tx) => {
      if (!(await this.tokens.consume(check.row.id, tx))) throw new UnauthorizedError('Password reset failed', 'ResetFailed');
      await this.tokens.voidAll(caregiver.id, 'resetPassword', tx);
      await this.caregivers.update(caregiver.id, { passwordHash, passwordChangedAt: new Date(), failedLoginAttempts: 0 }, tx);
      await this.passwords.remember(caregiver.id, passwordHash, tx);
      await this.audit.record(
        {
          action: 'auth.password_reset',
          resourceType: 'user',
          resourceIds: [caregiver.id],
          orgId: caregiver.orgId,
          outcome: 'success',
          reason: 'completed',
          actor: { id: caregiver.id, role: caregiver.role, orgId: caregiver.orgId },
        },
        tx,
      );
    });
    await this.throttle.clearFailures(caregiver.email);
    await this.sessions.revokeAll([caregiver.id], 'password_reset');
  }

  /** A10. */
  async resendVerification(emailInput: string): Promise<MessageResponse> {
    const email = normalizeEmail(emailInput);
    const caregiver = await this.caregivers.findByEmail(email);
    if (!caregiver) throw new NotFoundError('User not found', 'UserNotFound');
    if (caregiver.isEmailVerified) throw new ValidationError('Email is already verified', 'EmailAlreadyVerified');
    await this.throttle.consume(
      'verify-mail',
      email,
      MAIL_PER_ADDRESS_PER_HOUR,
      3600_000,
      'Too many verification emails. Please try again later.',
    );
    const token = await this.tokens.create(caregiver.id, 'verifyEmail');
    await this.notifications.sendVerifyEmail(caregiver, token);
    return { message: 'Verification email sent successfully' };
  }

  /**
   * A9. The reference trusted the posted caregiver object; here it only names an account (by id or
   * e-mail), and the link goes to that account's stored address, and only while unverified.
   */
  async sendVerification(posted: Record<string, unknown> | undefined): Promise<void> {
    const id = typeof posted?.id === 'string' ? posted.id : typeof posted?._id === 'string' ? posted._id : undefined;
    const email = typeof posted?.email === 'string' ? posted.email : undefined;
    let caregiver: CaregiverRow | undefined;
    if (id && /^[0-9a-f-]{36}$/i.test(id)) caregiver = await this.caregivers.find(id);
    if (!caregiver && email) caregiver = await this.caregivers.findByEmail(email);
    if (!caregiver || caregiver.isEmailVerified) return;
    const sent = await this.throttle.peek('verify-mail', caregiver.email, 3600_000);
    if (sent >= MAIL_PER_ADDRESS_PER_HOUR) return;
    await this.throttle.consume('verify-mail', caregiver.email, MAIL_PER_ADDRESS_PER_HOUR, 3600_000).catch(() => undefined);
    const token = await this.tokens.create(caregiver.id, 'verifyEmail');
    await this.notifications.sendVerifyEmail(caregiver, token);
  }

  /** A2. */
  async inviteInfo(token: string | undefined): Promise<InviteInfoResponse> {
    const caregiver = await this.invitee(token);
    return { name: caregiver.name, email: caregiver.email, phone: caregiver.phone };
  }

  private async invitee(token: string | undefined): Promise<CaregiverRow> {
    if (!token) throw new ValidationError('Token is required', 'TokenRequired');
    const check = await this.tokens.check('invite', token);
    if (check.status === 'expired') throw new UnauthorizedError('Invalid or expired token', 'InviteExpired');
    if (check.status !== 'ok') throw new ValidationError('Invalid or expired invite token', 'InviteInvalid');
    const caregiver = await this.caregivers.find(check.row.caregiverId);
    if (!caregiver || caregiver.role !== 'invited') throw new ValidationError('Invalid or expired invite token', 'InviteInvalid');
    return caregiver;
  }

  /** A3: the invitee sets a password (proving the address), becomes staff and is logged in. */
  async registerWithInvite(input: RegisterWithInviteDto): Promise<CaregiverWithTokensResponse> {
    const invited = await this.invitee(input.token);
    if (normalizeEmail(input.email) !== invited.email) throw new ValidationError('Email does not match the invite', 'InviteEmailMismatch');
    const passwordHash = await this.passwords.hashNewPassword(invited.id, input.password);
    const caregiver = await this.database.transaction(async (tx) => {
      const check = await this.tokens.check('invite', input.token, tx);
      if (check.status !== 'ok' || !(await this.tokens.consume(check.row.id, tx))) {
        throw new ValidationError('Invalid or expired invite token', 'InviteInvalid');
      }
      await this.tokens.voidAll(invited.id, 'invite', tx);
      const updated = await this.caregivers.update(
        invited.id,
        {
          passwordHash,
          passwordChangedAt: new Date(),
          name: input.name.trim(),
          phone: input.phone.trim(),
          role: 'staff',
          isEmailVerified: true,
        },
        tx,
      );
      await this.passwords.remember(invited.id, passwordHash, tx);
      await this.audit.record(
        {
          action: 'auth.invite.accept',
          resourceType: 'user',
          resourceIds: [invited.id],
          orgId: invited.orgId,
          outcome: 'success',
          actor: { id: invited.id, role: 'staff', orgId: invited.orgId },
        },
        tx,
      );
      return updated;
    });
    const mustEnroll = await this.mfa.isRequired(caregiver);
    const tokens = await this.sessions.issue(caregiver, 'invite', { restriction: mustEnroll ? 'mfa-enroll' : null });
    return { caregiver: await this.views.caregiver(caregiver), org: await this.views.orgOf(caregiver), tokens: tokensResponse(tokens) };
  }

  /** The current request's client address (for per-IP budgets). */
  static clientIp(): string | undefined {
    return RequestContext.current()?.ip;
  }
}
