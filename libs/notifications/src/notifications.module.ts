import { Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/platform';
import { OutboxMailTransport, SmtpMailTransport } from './mail.drivers';
import { MailTransport, SmsTransport } from './mail.types';
import { NotificationService } from './notification.service';
import { OutboxSmsTransport, TwilioSmsTransport } from './sms.drivers';

/** Drivers chosen from config: SMTP_URL → SMTP, else the outbox; TWILIO_* → Twilio, else the outbox. */
@Global()
@Module({
  providers: [
    {
      provide: MailTransport,
      inject: [AppConfig],
      useFactory: (config: AppConfig): MailTransport =>
        config.smtpUrl ? new SmtpMailTransport(config.smtpUrl) : new OutboxMailTransport(config.dataDir),
    },
    {
      provide: SmsTransport,
      inject: [AppConfig],
      useFactory: (config: AppConfig): SmsTransport => {
        const { accountSid, authToken, fromNumber, apiBaseUrl } = config.twilio;
        return accountSid && authToken && fromNumber
          ? new TwilioSmsTransport({ accountSid, authToken, fromNumber, apiBaseUrl })
          : new OutboxSmsTransport(config.dataDir);
      },
    },
    NotificationService,
  ],
  exports: [NotificationService, MailTransport, SmsTransport],
})
export class NotificationsModule implements OnApplicationShutdown {
  constructor(private readonly mail: MailTransport) {}

  onApplicationShutdown(): void {
    if (this.mail instanceof SmtpMailTransport) this.mail.close();
  }
}
