import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { CaregiverService, type CaregiverRow } from '@app/caregivers';
import { OrgService } from '@app/orgs';
import { Clock, FieldCipher, ForbiddenError, TooManyRequestsError, UnauthorizedError, ValidationError } from '@app/platform';
import { randomBytes } from 'node:crypto';
import { toDataURL } from 'qrcode';
import type { AuthActor } from './actor';
import { CredentialRepository } from './credential.repository';
import type { BackupCodesResponse, MfaEnableResponse, MfaStatusResponse, MfaToggleResponse } from './responses.dto';
import { SecretDigest } from './secret-digest';
import { SessionService } from './session.service';
import { ThrottleService } from './throttle.service';

export const BACKUP_CODE_COUNT = 10;
const MFA_FAILURE_LIMIT = 10;
const MFA_FAILURE_WINDOW_MS = 15 * 60_000;
const ISSUER = 'Bianca';
const TABLE = 'auth_mfa_factors';
const INVALID = 'Invalid MFA token';

const importOtplib = () => import('otplib');
let otplib: ReturnType<typeof importOtplib> | undefined;
/** otplib's base32 dependency is ESM-only: loaded on first use (works in Node and under jest). */
function loadOtplib(): ReturnType<typeof importOtplib> {
  otplib ??= importOtplib();
  return otplib;
}

export type FactorKind = 'totp' | 'backup';

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s, ±1 step) with single-use codes (the last accepted step
 * is stored), plus 10 single-use backup codes stored as keyed digests. Secrets are FieldCipher
 * ciphertexts bound to the account and org. Mandatory for superAdmins and for members of orgs
 * whose policy requires it. Wrong answers count towards a per-account budget (10 per 15 minutes).
 */
@Injectable()
export class MfaService {
  constructor(
    private readonly caregivers: CaregiverService,
    private readonly orgs: OrgService,
    private readonly credentials: CredentialRepository,
    private readonly cipher: FieldCipher,
    private readonly digest: SecretDigest,
    private readonly clock: Clock,
    private readonly throttle: ThrottleService,
    private readonly sessions: SessionService,
    private readonly audit: AuditService,
  ) {}

  async isRequired(caregiver: CaregiverRow): Promise<boolean> {
    if (caregiver.role === 'superAdmin') return true;
    if (!caregiver.orgId) return false;
    return (await this.orgs.find(caregiver.orgId))?.requireMfa ?? false;
  }

  async status(actor: AuthActor): Promise<MfaStatusResponse> {
    const caregiver = await this.caregivers.get(actor.id);
    return {
      mfaEnabled: caregiver.mfaEnabled,
      mfaEnrolledAt: caregiver.mfaEnrolledAt ? caregiver.mfaEnrolledAt.toISOString() : null,
      backupCodesRemaining: caregiver.mfaEnabled ? await this.credentials.countBackupCodes(caregiver.id) : 0,
      mfaRequired: await this.isRequired(caregiver),
    };
  }

  async enable(actor: AuthActor): Promise<MfaEnableResponse> {
    const caregiver = await this.caregivers.get(actor.id);
    if (caregiver.mfaEnabled) throw new ValidationError('MFA is already enabled', 'MfaAlreadyEnabled');
    const { generateSecret, generateURI } = await loadOtplib();
    const secret = generateSecret({ length: 20 });
    const pending = this.cipher.encrypt(secret, { table: TABLE, column: 'pending_secret', rowId: caregiver.id, orgId: caregiver.orgId });
    await this.credentials.upsertPending(caregiver.id, caregiver.orgId, pending);
    const backupCodes = await this.newBackupCodes(caregiver.id);
    await this.audit.record({ action: 'auth.mfa.setup', resourceType: 'user', resourceIds: [caregiver.id], outcome: 'success' });
    const qrCode = await toDataURL(generateURI({ issuer: ISSUER, label: caregiver.email, secret }));
    return { message: 'Scan the QR code with your authenticator app', qrCode, secret, backupCodes };
  }

  async verifyEnrollment(actor: AuthActor, token: string): Promise<MfaToggleResponse> {
    const caregiver = await this.caregivers.get(actor.id);
    if (caregiver.mfaEnabled) throw new ValidationError('MFA is already enabled', 'MfaAlreadyEnabled');
    const factor = await this.credentials.findFactor(caregiver.id);
    if (!factor?.pendingSecret) throw new ValidationError('MFA setup not initiated', 'MfaNotInitiated');
    await this.assertBudget(caregiver.id);
    const secret = this.cipher.decrypt(factor.pendingSecret, {
      table: TABLE,
      column: 'pending_secret',
      rowId: caregiver.id,
      orgId: factor.orgId,
    });
    const step = await this.totpStep(secret, token);
    if (step === undefined) return this.fail(caregiver, 'auth.mfa.enable');
    const now = this.clock.now();
    const active = this.cipher.encrypt(secret, { table: TABLE, column: 'secret', rowId: caregiver.id, orgId: caregiver.orgId });
    await this.credentials.activate(caregiver.id, active, step, now);
    await this.caregivers.update(caregiver.id, { mfaEnabled: true, mfaEnrolledAt: now });
    await this.sessions.updateLive(caregiver.id, { restriction: null });
    await this.audit.record({ action: 'auth.mfa.enable', resourceType: 'user', resourceIds: [caregiver.id], outcome: 'success' });
    return { message: 'MFA successfully enabled', mfaEnabled: true };
  }

  async disable(actor: AuthActor, token: string): Promise<MfaToggleResponse> {
    const caregiver = await this.caregivers.get(actor.id);
    if (!caregiver.mfaEnabled) throw new ValidationError('MFA is not enabled', 'MfaNotEnabled');
    if (await this.isRequired(caregiver))
      throw new ForbiddenError('MFA is mandatory for your account and cannot be disabled.', 'MfaMandatory');
    await this.assertBudget(caregiver.id);
    if (!(await this.checkFactor(caregiver, token))) return this.fail(caregiver, 'auth.mfa.disable');
    await this.credentials.deleteFactor(caregiver.id);
    await this.caregivers.update(caregiver.id, { mfaEnabled: false, mfaEnrolledAt: null });
    await this.audit.record({
      action: 'auth.mfa.disable',
      resourceType: 'user',
      resourceIds: [caregiver.id],
      outcome: 'success',
      severity: 'warning',
    });
    return { message: 'MFA successfully disabled', mfaEnabled: false };
  }

  async regenerateBackupCodes(actor: AuthActor, token: string): Promise<BackupCodesResponse> {
    const caregiver = await this.caregivers.get(actor.id);
    if (!caregiver.mfaEnabled) throw new ValidationError('MFA is not enabled', 'MfaNotEnabled');
    await this.assertBudget(caregiver.id);
    if (!(await this.checkFactor(caregiver, token))) return this.fail(caregiver, 'auth.mfa.backup_codes');
    const backupCodes = await this.newBackupCodes(caregiver.id);
    await this.audit.record({ action: 'auth.mfa.backup_codes', resourceType: 'user', resourceIds: [caregiver.id], outcome: 'success' });
    return { message: 'Backup codes regenerated', backupCodes };
  }

  /**
   * Checks a TOTP code (single-use) or a backup code (consumed) of an enrolled account. The login
   * flow uses it with its own failure accounting; here it does not count failures.
   */
  async checkFactor(caregiver: CaregiverRow, token: string): Promise<FactorKind | null> {
    const compact = token.replace(/[\s-]/g, '');
    if (/^\d{6}$/.test(compact)) {
      const factor = await this.credentials.findFactor(caregiver.id);
      if (!factor?.secret) return null;
      const secret = this.cipher.decrypt(factor.secret, { table: TABLE, column: 'secret', rowId: caregiver.id, orgId: factor.orgId });
      const step = await this.totpStep(secret, compact, factor.lastStep ?? undefined);
      if (step === undefined || !(await this.credentials.advanceStep(caregiver.id, step))) return null;
      return 'totp';
    }
    if (/^[0-9A-Fa-f]{8}$/.test(compact)) {
      const used = await this.credentials.consumeBackupCode(caregiver.id, this.digest.digest('mfa-backup', compact.toUpperCase()));
      if (!used) return null;
      await this.audit.record({
        action: 'auth.mfa.backup_code_used',
        resourceType: 'user',
        resourceIds: [caregiver.id],
        orgId: caregiver.orgId,
        outcome: 'success',
        severity: 'warning',
        actor: { id: caregiver.id, role: caregiver.role, orgId: caregiver.orgId },
      });
      return 'backup';
    }
    return null;
  }

  /** Removes MFA (test helper `reset-mfa`). */
  async reset(caregiverIds: string[]): Promise<void> {
    await this.credentials.deleteFactors(caregiverIds);
    for (const id of caregiverIds) await this.caregivers.update(id, { mfaEnabled: false, mfaEnrolledAt: null });
  }

  private async totpStep(secret: string, token: string, afterTimeStep?: number): Promise<number | undefined> {
    if (!/^\d{6}$/.test(token)) return undefined;
    const { verify } = await loadOtplib();
    const result = await verify({
      secret,
      token,
      epoch: Math.floor(this.clock.now().getTime() / 1000),
      epochTolerance: 30,
      ...(afterTimeStep !== undefined ? { afterTimeStep } : {}),
    });
    return result.valid ? (result as { timeStep: number }).timeStep : undefined;
  }

  private async newBackupCodes(caregiverId: string): Promise<string[]> {
    const codes = Array.from({ length: BACKUP_CODE_COUNT }, () => randomBytes(4).toString('hex').toUpperCase());
    await this.credentials.replaceBackupCodes(
      caregiverId,
      codes.map((c) => this.digest.digest('mfa-backup', c)),
    );
    return codes;
  }

  private async assertBudget(caregiverId: string): Promise<void> {
    if ((await this.throttle.peek('mfa-fail', caregiverId, MFA_FAILURE_WINDOW_MS)) >= MFA_FAILURE_LIMIT) {
      throw new TooManyRequestsError('Too many invalid MFA codes. Please try again later.', 'MfaLocked');
    }
  }

  private async fail(caregiver: CaregiverRow, action: string): Promise<never> {
    await this.audit.record({ action, resourceType: 'user', resourceIds: [caregiver.id], outcome: 'failure', reason: 'invalid_mfa_token' });
    await this.throttle.consume(
      'mfa-fail',
      caregiver.id,
      MFA_FAILURE_LIMIT,
      MFA_FAILURE_WINDOW_MS,
      'Too many invalid MFA codes. Please try again later.',
    );
    throw new UnauthorizedError(INVALID, 'InvalidMfaToken');
  }
}
