import { Logger } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { MailTransport, type MailMessage } from './mail.types';
import { writeOutboxEntry } from './outbox';

/** Production driver: any SMTP server from SMTP_URL (smtp:// or smtps://, credentials in the URL). */
export class SmtpMailTransport extends MailTransport {
  readonly kind = 'smtp' as const;
  private readonly transporter: Transporter;

  constructor(url: string) {
    super();
    this.transporter = createTransport(url);
  }

  async send(message: MailMessage, from: string): Promise<void> {
    await this.transporter.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
  }

  close(): void {
    this.transporter.close();
  }
}

/** Development driver: each message becomes an `.eml` file in DATA_DIR/outbox; the log names only the template. */
export class OutboxMailTransport extends MailTransport {
  readonly kind = 'outbox' as const;
  private readonly logger = new Logger('OutboxMail');
  private readonly builder = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(private readonly dataDir: string) {
    super();
  }

  async send(message: MailMessage, from: string): Promise<void> {
    const info = (await this.builder.sendMail({
      from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
    })) as { message: Buffer };
    const entry = await writeOutboxEntry(
      this.dataDir,
      {
        channel: 'email',
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        template: message.template,
        date: new Date().toISOString(),
      },
      info.message,
    );
    this.logger.log({ msg: 'e-mail written to the outbox', template: message.template, outboxId: entry.id });
  }
}
