import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, ServiceUnavailableError } from '@app/platform';
import { resolveLocale, translate, type Locale, type Strings } from './locales';
import { MailTransport, SmsTransport } from './mail.types';
import { careAlertMessage, inviteMessage, resetPasswordMessage, tokenLink, verifyEmailMessage } from './templates';

export interface Recipient {
  email: string;
  name?: string | null;
  preferredLanguage?: string | null;
}

/** A caregiver to alert: e-mail always, SMS when a phone number is known. */
export interface AlertRecipient extends Recipient {
  phone?: string | null;
}

export interface CareAlert {
  kind: 'emergency' | 'missed';
  /** How the patient is named to their caregivers (preferred or first name; no other PHI). */
  patient: string;
  severity: string;
  alertId: string;
}

/** A severity code (CRITICAL, HIGH, MEDIUM) as the caregiver reads it; other values pass through. */
function severityLabel(locale: Locale, severity: string): string {
  const key = { CRITICAL: 'severityCritical', HIGH: 'severityHigh', MEDIUM: 'severityMedium' }[severity] as keyof Strings | undefined;
  return key ? translate(locale, key) : severity;
}

export interface CareAlertDelivery {
  emails: number;
  sms: number;
  failures: number;
}

/**
 * What other domains call to reach a person. Renders the localised template and hands it to the
 * configured transport. Failures surface as a 503 domain error; the log names the template only.
 */
@Injectable()
export class NotificationService {
  private readonly logger = new Logger('NotificationService');

  constructor(
    private readonly config: AppConfig,
    private readonly mail: MailTransport,
    private readonly sms: SmsTransport,
  ) {}

  get mailKind(): 'smtp' | 'outbox' {
    return this.mail.kind;
  }

  verifyEmailLink(token: string): string {
    return tokenLink(this.config.frontendUrl, '/auth/verify-email', token);
  }

  resetPasswordLink(token: string): string {
    return tokenLink(this.config.frontendUrl, '/reset-password', token);
  }

  inviteLink(token: string): string {
    return tokenLink(this.config.frontendUrl, '/signup', token);
  }

  async sendVerifyEmail(to: Recipient, token: string): Promise<void> {
    const locale = resolveLocale(to.preferredLanguage);
    await this.deliver(verifyEmailMessage({ to: to.email, name: to.name ?? undefined, locale, link: this.verifyEmailLink(token) }));
  }

  async sendResetPassword(to: Recipient, token: string): Promise<void> {
    const locale = resolveLocale(to.preferredLanguage);
    await this.deliver(resetPasswordMessage({ to: to.email, name: to.name ?? undefined, locale, link: this.resetPasswordLink(token) }));
  }

  /** The invite goes out in the inviter's language (as before), the invitee's name in the greeting. */
  async sendInvite(to: Recipient, token: string, orgName: string, inviterLanguage?: string | null): Promise<void> {
    const locale = resolveLocale(inviterLanguage, to.preferredLanguage);
    await this.deliver(inviteMessage({ to: to.email, name: to.name ?? undefined, locale, link: this.inviteLink(token), orgName }));
  }

  async sendVerificationCode(phone: string, code: string, language?: string | null): Promise<void> {
    const locale = resolveLocale(language);
    await this.sms.send({ to: phone, body: translate(locale, 'smsCode', { code }), template: 'sms-verification-code' });
  }

  /** Link to an alert in the caregiver app. */
  alertLink(alertId: string): string {
    return `${this.config.frontendUrl.replace(/\/+$/, '')}/alerts/${encodeURIComponent(alertId)}`;
  }

  /**
   * Alerts caregivers by e-mail and SMS, each in their language. Every recipient is attempted;
   * failures are counted (and logged without addresses), never thrown: one bad address must not
   * keep the others from hearing about an emergency.
   */
  async sendCareAlert(recipients: readonly AlertRecipient[], alert: CareAlert): Promise<CareAlertDelivery> {
    const link = this.alertLink(alert.alertId);
    const result: CareAlertDelivery = { emails: 0, sms: 0, failures: 0 };
    await Promise.all(
      recipients.map(async (to) => {
        const locale = resolveLocale(to.preferredLanguage);
        const severity = severityLabel(locale, alert.severity);
        try {
          await this.mail.send(
            careAlertMessage({ to: to.email, name: to.name ?? undefined, locale, link, ...alert, severity }),
            this.config.emailFrom,
          );
          result.emails++;
        } catch (err) {
          result.failures++;
          this.logger.warn({ msg: 'care alert e-mail failed', alertId: alert.alertId, err: (err as Error).message });
        }
        if (!to.phone) return;
        try {
          const key = alert.kind === 'emergency' ? 'alertSms' : 'missedSms';
          await this.sms.send({
            to: to.phone,
            body: translate(locale, key, { patient: alert.patient, severity, link }),
            template: `sms-care-alert-${alert.kind}`,
          });
          result.sms++;
        } catch (err) {
          result.failures++;
          this.logger.warn({ msg: 'care alert SMS failed', alertId: alert.alertId, err: (err as Error).message });
        }
      }),
    );
    return result;
  }

  private async deliver(message: Parameters<MailTransport['send']>[0]): Promise<void> {
    try {
      await this.mail.send(message, this.config.emailFrom);
    } catch (err) {
      this.logger.warn({ msg: 'e-mail delivery failed', template: message.template, err: (err as Error).message });
      throw new ServiceUnavailableError('Email could not be sent', 'EmailUnavailable');
    }
  }
}
