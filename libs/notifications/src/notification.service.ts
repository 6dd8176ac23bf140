import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, ServiceUnavailableError } from '@app/platform';
import { resolveLocale, translate } from './locales';
import { MailTransport, SmsTransport } from './mail.types';
import { inviteMessage, resetPasswordMessage, tokenLink, verifyEmailMessage } from './templates';

export interface Recipient {
  email: string;
  name?: string | null;
  preferredLanguage?: string | null;
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

  private async deliver(message: Parameters<MailTransport['send']>[0]): Promise<void> {
    try {
      await this.mail.send(message, this.config.emailFrom);
    } catch (err) {
      this.logger.warn({ msg: 'e-mail delivery failed', template: message.template, err: (err as Error).message });
      throw new ServiceUnavailableError('Email could not be sent', 'EmailUnavailable');
    }
  }
}
