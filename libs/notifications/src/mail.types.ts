/** An outgoing e-mail, already rendered. Never logged with its body (it may carry names and links). */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Template name, for logs and the outbox index (no PHI). */
  template: string;
}

/** The mail port: SMTP in production, `.eml` files in DATA_DIR/outbox in development and tests. */
export abstract class MailTransport {
  abstract readonly kind: 'smtp' | 'outbox';
  abstract send(message: MailMessage, from: string): Promise<void>;
}

/** An outgoing SMS. The body may hold a one-time code: never logged. */
export interface SmsMessage {
  to: string;
  body: string;
  template: string;
}

/** The SMS port: Twilio in production, the outbox (file + log line) in development and tests. */
export abstract class SmsTransport {
  abstract readonly kind: 'twilio' | 'outbox';
  abstract send(message: SmsMessage): Promise<void>;
}
