import { Logger } from '@nestjs/common';
import { ServiceUnavailableError, TooManyRequestsError, ValidationError } from '@app/platform';
import { SmsTransport, type SmsMessage } from './mail.types';
import { writeOutboxEntry } from './outbox';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  fromNumber: string;
  /** Overridable so tests can point the driver at a local fake speaking Twilio's REST protocol. */
  apiBaseUrl?: string;
}

/**
 * Twilio error codes that mean "this recipient cannot get an SMS" (the caller can fix the number):
 * 21211 invalid 'To', 21612 not routable, 21408 region not enabled, 21610 unsubscribed (STOP),
 * 21614 not a mobile number, 21265 'To' is a short code.
 */
const RECIPIENT_ERRORS = new Set([21211, 21265, 21408, 21610, 21612, 21614]);
export const SMS_RECIPIENT_REJECTED = 'This phone number cannot receive text messages. Please check the number.';

/** Twilio's error body: `{code, message, more_info, status}`. */
async function twilioErrorCode(res: Response): Promise<number | undefined> {
  try {
    const body = (await res.json()) as { code?: unknown };
    return typeof body.code === 'number' ? body.code : undefined;
  } catch {
    return undefined;
  }
}

/** Production driver: Twilio's Messages REST API. */
export class TwilioSmsTransport extends SmsTransport {
  readonly kind = 'twilio' as const;
  private readonly logger = new Logger('TwilioSms');

  constructor(private readonly settings: TwilioSettings) {
    super();
  }

  async send(message: SmsMessage): Promise<void> {
    const base = (this.settings.apiBaseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
    const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(this.settings.accountSid)}/Messages.json`;
    const auth = Buffer.from(`${this.settings.accountSid}:${this.settings.authToken}`).toString('base64');
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: message.to, From: this.settings.fromNumber, Body: message.body }).toString(),
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      throw new ServiceUnavailableError('SMS service unavailable', 'SmsUnavailable');
    }
    if (res.ok) return;
    // Only the status and Twilio's numeric code are logged: Twilio's message text repeats the number.
    const code = await twilioErrorCode(res);
    this.logger.warn({ msg: 'twilio rejected an SMS', status: res.status, twilioCode: code, template: message.template });
    if (res.status === 429 || code === 20429)
      throw new TooManyRequestsError('Too many SMS requests, please try again later.', 'SmsRateLimited');
    if (res.status === 400 && code !== undefined && RECIPIENT_ERRORS.has(code))
      throw new ValidationError(SMS_RECIPIENT_REJECTED, 'SmsRecipientRejected');
    // Anything else (our credentials, Twilio down) is not the caller's to fix.
    throw new ServiceUnavailableError('SMS could not be sent', 'SmsFailed');
  }
}

/** Development driver: the SMS is written to DATA_DIR/outbox; the log line carries no number and no code. */
export class OutboxSmsTransport extends SmsTransport {
  readonly kind = 'outbox' as const;
  private readonly logger = new Logger('OutboxSms');

  constructor(private readonly dataDir: string) {
    super();
  }

  async send(message: SmsMessage): Promise<void> {
    const entry = await writeOutboxEntry(
      this.dataDir,
      {
        channel: 'sms',
        to: message.to,
        subject: message.template,
        text: message.body,
        html: '',
        template: message.template,
        date: new Date().toISOString(),
      },
      `To: ${message.to}\n\n${message.body}\n`,
    );
    this.logger.log({ msg: 'SMS written to the outbox', template: message.template, outboxId: entry.id });
  }
}
