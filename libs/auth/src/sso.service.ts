import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { CaregiverService, type CaregiverRow, type SsoProvider } from '@app/caregivers';
import { OrgService } from '@app/orgs';
import {
  AppConfig,
  Clock,
  DatabaseService,
  ForbiddenError,
  NotFoundError,
  NotImplementedError,
  UnauthorizedError,
  ValidationError,
  normalizeEmail,
} from '@app/platform';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { randomBytes } from 'node:crypto';
import { LoginCompletion } from './login-completion';
import type { AuthActor } from './actor';
import type { SetPasswordForSsoDto } from './auth.dto';
import { MfaService } from './mfa.service';
import { PasswordService } from './password.service';
import type { MfaChallengeResponse, SsoLoginResponse, SsoVerifyResponse, SuccessMessageResponse } from './responses.dto';
import type { SsoLoginDto } from './sso.dto';
import { ThrottleService } from './throttle.service';

export interface VerifiedIdentity {
  provider: SsoProvider;
  subject: string;
  email: string;
  name: string;
  picture?: string;
}

const importJose = () => import('jose');

/**
 * SSO with Google / Microsoft OpenID Connect. The route shapes stay, but nothing posted is
 * trusted: a login needs the provider's ID token, verified against the provider's JWKS (URL
 * configurable so tests can run a local issuer), issuer and our client ids as audience. Without
 * provider configuration the routes answer 501.
 */
@Injectable()
export class SsoService {
  private jose: ReturnType<typeof importJose> | undefined;
  private readonly keySets = new Map<SsoProvider, JWTVerifyGetKey>();

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly database: DatabaseService,
    private readonly caregivers: CaregiverService,
    private readonly orgs: OrgService,
    private readonly passwords: PasswordService,
    private readonly mfa: MfaService,
    private readonly throttle: ThrottleService,
    private readonly audit: AuditService,
    private readonly logins: LoginCompletion,
  ) {}

  isConfigured(provider: SsoProvider): boolean {
    return this.config.sso[provider].clientIds.length > 0;
  }

  private assertConfigured(provider: SsoProvider): void {
    if (!this.isConfigured(provider))
      throw new NotImplementedError(`SSO provider "${provider}" is not configured on this server`, 'SsoNotConfigured');
  }

  private async keySet(provider: SsoProvider): Promise<JWTVerifyGetKey> {
    // jose is ESM-only: loaded on first use.
    this.jose ??= importJose();
    const jose = await this.jose;
    let keys = this.keySets.get(provider);
    if (!keys) {
      keys = jose.createRemoteJWKSet(new URL(this.config.sso[provider].jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
      this.keySets.set(provider, keys);
    }
    return keys;
  }

  /** Verifies a provider ID token (signature, issuer, audience, expiry) and returns the identity. */
  async verifyIdToken(provider: SsoProvider, idToken: string): Promise<VerifiedIdentity> {
    this.assertConfigured(provider);
    const settings = this.config.sso[provider];
    let payload: JWTPayload;
    try {
      const jose = await (this.jose ??= importJose());
      const result = await jose.jwtVerify(idToken, await this.keySet(provider), {
        audience: [...settings.clientIds],
        algorithms: ['RS256', 'ES256'],
        clockTolerance: 30,
        currentDate: this.clock.now(),
      });
      payload = result.payload;
    } catch {
      throw new UnauthorizedError('Invalid SSO token', 'InvalidSsoToken');
    }
    const issuerOk =
      provider === 'google'
        ? this.config.sso.google.issuers.includes(String(payload.iss))
        : String(payload.iss) ===
          this.config.sso.microsoft.issuer.replace('{tenantid}', typeof payload.tid === 'string' ? payload.tid : '');
    if (!issuerOk || !payload.sub) throw new UnauthorizedError('Invalid SSO token', 'InvalidSsoToken');
    // The token's e-mail identifies the account, so it counts only when the provider vouches for
    // it: Google's `email_verified`, Microsoft's `email_verified` or `xms_edov` (the e-mail
    // domain's owner is verified). `preferred_username` is never an e-mail proof.
    const email = typeof payload.email === 'string' ? payload.email : '';
    const emailVerified = payload.email_verified === true || (provider === 'microsoft' && payload.xms_edov === true);
    if (!email.includes('@') || !emailVerified) {
      throw new UnauthorizedError(
        'The SSO provider has not verified the e-mail address of this account; sign in with a verified address.',
        'SsoEmailUnverified',
      );
    }
    return {
      provider,
      subject: payload.sub,
      email: normalizeEmail(email),
      name: typeof payload.name === 'string' && payload.name.trim() ? payload.name.trim() : email.split('@')[0],
      picture: typeof payload.picture === 'string' ? payload.picture : undefined,
    };
  }

  async verify(provider: SsoProvider, token: string): Promise<SsoVerifyResponse> {
    const identity = await this.verifyIdToken(provider, token);
    return { success: true, userInfo: { id: identity.subject, email: identity.email, name: identity.name, picture: identity.picture } };
  }

  async login(input: SsoLoginDto): Promise<SsoLoginResponse | MfaChallengeResponse> {
    this.assertConfigured(input.provider);
    if (!input.idToken) throw new UnauthorizedError('A verified provider ID token (idToken) is required for SSO login', 'SsoTokenRequired');
    const identity = await this.verifyIdToken(input.provider, input.idToken);
    await this.throttle.assertNotLocked(identity.email);
    let caregiver = await this.caregivers.findByEmail(identity.email);
    if (caregiver?.ssoProvider === identity.provider && caregiver.ssoProviderId && caregiver.ssoProviderId !== identity.subject) {
      throw new UnauthorizedError('This account is linked to another identity at the provider', 'SsoSubjectMismatch');
    }
    if (!caregiver) caregiver = await this.createAccount(identity);
    else if (!caregiver.ssoProvider || caregiver.role === 'invited' || !caregiver.isEmailVerified)
      caregiver = await this.link(caregiver, identity);
    if (caregiver.accountLocked) throw new ForbiddenError('Account is locked. Please contact your administrator.', 'AccountLocked');
    if (caregiver.mfaEnabled) {
      if (!input.mfaToken)
        return { requireMFA: true, tempToken: randomBytes(24).toString('base64url'), message: 'MFA verification required' };
      if (!(await this.mfa.checkFactor(caregiver, input.mfaToken))) {
        await this.throttle.recordFailure(identity.email, undefined);
        throw new UnauthorizedError('Invalid MFA token', 'InvalidMfaToken');
      }
    }
    const { answer: session, mustEnroll } = await this.logins.complete(caregiver, 'sso', `sso_${identity.provider}`);
    return {
      success: true,
      message: 'SSO login successful',
      tokens: session.tokens,
      user: session.caregiver,
      caregiver: session.caregiver,
      org: session.org,
      ...(mustEnroll ? { mfaEnrollRequired: true } : {}),
    };
  }

  private createAccount(identity: VerifiedIdentity): Promise<CaregiverRow> {
    return this.database.transaction(async (tx) => {
      const org = await this.orgs.create({ name: `${identity.name}'s Organization`, email: identity.email, isEmailVerified: true }, tx);
      const caregiver = await this.caregivers.create(
        {
          orgId: org.id,
          name: identity.name,
          email: identity.email,
          role: 'orgAdmin',
          isEmailVerified: true,
          ssoProvider: identity.provider,
          ssoProviderId: identity.subject,
          avatar: identity.picture ?? null,
        },
        tx,
      );
      await this.audit.record(
        {
          action: 'auth.register',
          resourceType: 'user',
          resourceIds: [caregiver.id],
          orgId: org.id,
          outcome: 'success',
          reason: `sso_${identity.provider}`,
          actor: { id: caregiver.id, role: caregiver.role, orgId: org.id },
        },
        tx,
      );
      return caregiver;
    });
  }

  /** The provider proved the address: link the identity, complete an invitation, mark it verified. */
  private async link(caregiver: CaregiverRow, identity: VerifiedIdentity): Promise<CaregiverRow> {
    const updated = await this.caregivers.update(caregiver.id, {
      ssoProvider: caregiver.ssoProvider ?? identity.provider,
      ssoProviderId: caregiver.ssoProviderId ?? identity.subject,
      isEmailVerified: true,
      ...(caregiver.role === 'invited' ? { role: 'staff' as const } : {}),
    });
    await this.audit.record({
      action: 'auth.sso.link',
      resourceType: 'user',
      resourceIds: [caregiver.id],
      orgId: caregiver.orgId,
      outcome: 'success',
      reason: `sso_${identity.provider}`,
      actor: { id: caregiver.id, role: updated.role, orgId: caregiver.orgId },
    });
    return updated;
  }

  /**
   * A11. Setting the first password of an SSO account needs proof of the account: its bearer
   * token, or a provider ID token for its address (the reference accepted anyone's request).
   */
  async setPasswordForSso(input: SetPasswordForSsoDto, actor: AuthActor | undefined): Promise<SuccessMessageResponse> {
    if (input.password !== input.confirmPassword) throw new ValidationError('Passwords do not match', 'PasswordMismatch');
    if (!actor && !input.idToken) throw new UnauthorizedError();
    const caregiver = await this.caregivers.findByEmail(input.email);
    if (!caregiver) throw new NotFoundError('User not found', 'UserNotFound');
    let proven = actor?.id === caregiver.id;
    if (!proven && input.idToken) {
      const provider = (input.provider ?? caregiver.ssoProvider ?? 'google') as SsoProvider;
      const identity = await this.verifyIdToken(provider, input.idToken);
      proven = identity.email === caregiver.email;
    }
    if (!proven) throw new UnauthorizedError();
    if (caregiver.passwordHash) throw new ValidationError('This account already has a password', 'PasswordAlreadySet');
    if (!caregiver.ssoProvider) throw new ValidationError('This account is not an SSO account', 'NotSsoAccount');
    const passwordHash = await this.passwords.hashNewPassword(caregiver.id, input.password);
    await this.caregivers.update(caregiver.id, { passwordHash, passwordChangedAt: this.clock.now() });
    await this.passwords.remember(caregiver.id, passwordHash);
    await this.audit.record({
      action: 'auth.password_set',
      resourceType: 'user',
      resourceIds: [caregiver.id],
      orgId: caregiver.orgId,
      outcome: 'success',
      actor: { id: caregiver.id, role: caregiver.role, orgId: caregiver.orgId },
    });
    return { success: true, message: 'Password set successfully. You can now login with your email and password.' };
  }
}
