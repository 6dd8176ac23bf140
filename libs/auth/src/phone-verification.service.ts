import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { CaregiverService, INVALID_PHONE_MESSAGE, maskPhone, toE164 } from '@app/caregivers';
import { NotificationService } from '@app/notifications';
import { Clock, ValidationError } from '@app/platform';
import { randomInt } from 'node:crypto';
import type { AuthActor } from './actor';
import { CredentialRepository } from './credential.repository';
import type { PhoneCodeSentResponse, SuccessMessageResponse } from './responses.dto';
import { SecretDigest } from './secret-digest';
import { ThrottleService } from './throttle.service';

const CODE_TTL_MS = 10 * 60_000;
const MAX_ATTEMPTS = 5;
const SENDS_PER_HOUR = 3;

/**
 * PV1–PV3: a 6-digit code by SMS, stored as a keyed digest, valid 10 minutes, at most 5 guesses,
 * at most 3 codes per hour per account. The verified number becomes the account's number.
 */
@Injectable()
export class PhoneVerificationService {
  constructor(
    private readonly caregivers: CaregiverService,
    private readonly credentials: CredentialRepository,
    private readonly digest: SecretDigest,
    private readonly clock: Clock,
    private readonly throttle: ThrottleService,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
  ) {}

  async send(actor: AuthActor, phoneNumber: string | undefined, resend: boolean): Promise<PhoneCodeSentResponse> {
    const caregiver = await this.caregivers.get(actor.id);
    const pending = resend ? await this.credentials.findPhoneVerification(caregiver.id) : undefined;
    const requested = phoneNumber ?? pending?.phone ?? caregiver.phone ?? undefined;
    const current = caregiver.phone ? toE164(caregiver.phone) : undefined;
    if (caregiver.isPhoneVerified && (!requested || toE164(requested) === current)) {
      throw new ValidationError('Phone number is already verified', 'PhoneAlreadyVerified');
    }
    if (!requested) throw new ValidationError('Phone number is required', 'PhoneRequired');
    const e164 = toE164(requested);
    if (!e164) throw new ValidationError(INVALID_PHONE_MESSAGE, 'InvalidPhone');
    await this.throttle.consume(
      'sms-send',
      caregiver.id,
      SENDS_PER_HOUR,
      3600_000,
      'Too many verification codes requested. Please try again later.',
    );
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = new Date(this.clock.now().getTime() + CODE_TTL_MS);
    await this.credentials.upsertPhoneVerification({
      caregiverId: caregiver.id,
      phone: e164,
      codeHash: this.digest.digest('phone-code', `${caregiver.id}:${code}`),
      expiresAt,
    });
    await this.notifications.sendVerificationCode(e164, code, caregiver.preferredLanguage);
    return {
      success: true,
      message: resend ? 'Verification code resent' : 'Verification code sent',
      expiresAt: expiresAt.toISOString(),
      phoneNumber: maskPhone(e164),
    };
  }

  async verify(actor: AuthActor, code: string): Promise<SuccessMessageResponse> {
    const caregiver = await this.caregivers.get(actor.id);
    const pending = await this.credentials.findPhoneVerification(caregiver.id);
    if (!pending) {
      if (caregiver.isPhoneVerified) return { success: true, message: 'Phone number verified successfully' };
      throw new ValidationError('No verification code found. Please request a new code.', 'NoVerificationCode');
    }
    // An expired code stays on record (unusable) so `resend` knows which number to text.
    if (pending.expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new ValidationError('Verification code expired. Please request a new code.', 'VerificationCodeExpired');
    }
    if (pending.attempts >= MAX_ATTEMPTS) {
      await this.credentials.deletePhoneVerification(caregiver.id);
      throw new ValidationError('Too many incorrect attempts. Please request a new code.', 'TooManyAttempts');
    }
    if (!this.digest.matches('phone-code', `${caregiver.id}:${code}`, pending.codeHash)) {
      const attempts = await this.credentials.incrementPhoneAttempts(caregiver.id);
      if (attempts >= MAX_ATTEMPTS) await this.credentials.deletePhoneVerification(caregiver.id);
      throw new ValidationError('Invalid verification code', 'InvalidVerificationCode');
    }
    await this.credentials.deletePhoneVerification(caregiver.id);
    const keepAsSent = caregiver.phone && toE164(caregiver.phone) === pending.phone;
    await this.caregivers.update(caregiver.id, {
      isPhoneVerified: true,
      phoneVerifiedAt: this.clock.now(),
      ...(keepAsSent ? {} : { phone: pending.phone }),
    });
    await this.audit.record({ action: 'auth.phone.verify', resourceType: 'user', resourceIds: [caregiver.id], outcome: 'success' });
    return { success: true, message: 'Phone number verified successfully' };
  }
}
