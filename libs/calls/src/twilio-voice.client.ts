import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TwilioVoiceSettings {
  accountSid: string;
  authToken: string;
  fromNumber: string;
  apiBaseUrl: string;
  /** PUBLIC_URL: Twilio reaches our webhooks and the media WebSocket there. */
  publicUrl: string;
}

/** Escapes text for XML attributes and content (TwiML). */
export function xmlEscape(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

/** The Media Streams URL for PUBLIC_URL (`http` → `ws`, `https` → `wss`). */
export function mediaStreamUrl(publicUrl: string): string {
  const url = new URL('/v1/twilio/media', publicUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** TwiML that connects the call to our Media Streams socket, naming our call id. */
export function connectStreamTwiml(publicUrl: string, callId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Connect>' +
    `<Stream url="${xmlEscape(mediaStreamUrl(publicUrl))}"><Parameter name="callId" value="${xmlEscape(callId)}"/></Stream>` +
    '</Connect></Response>'
  );
}

/** TwiML that says something politely and hangs up. */
export function sayAndHangupTwiml(text: string, language: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Say language="${xmlEscape(language)}">${xmlEscape(text)}</Say><Hangup/></Response>`;
}

/**
 * Twilio's request signature: base64 HMAC-SHA1 (auth token) of the full URL followed by every POST
 * parameter name and value, sorted by name. Compared in constant time.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  signature: string | undefined,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export class TwilioApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: number,
  ) {
    super(message);
  }
}

/** The two REST calls the voice pipeline makes: create a call, and end one. */
export class TwilioVoiceClient {
  constructor(private readonly settings: TwilioVoiceSettings) {}

  private url(resource: string): string {
    const base = this.settings.apiBaseUrl.replace(/\/+$/, '');
    return `${base}/2010-04-01/Accounts/${encodeURIComponent(this.settings.accountSid)}/${resource}`;
  }

  private async post(resource: string, form: URLSearchParams): Promise<Record<string, unknown>> {
    const auth = Buffer.from(`${this.settings.accountSid}:${this.settings.authToken}`).toString('base64');
    const res = await fetch(this.url(resource), {
      method: 'POST',
      headers: { authorization: `Basic ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) {
      throw new TwilioApiError(
        `Twilio answered ${res.status}${typeof body.code === 'number' ? ` (code ${body.code})` : ''}`,
        res.status,
        body.code as number | undefined,
      );
    }
    return body;
  }

  /** Places a call whose audio streams to `/v1/twilio/media`; resolves with the CallSid. */
  async createCall(callId: string, to: string, ringTimeoutSec = 45): Promise<string> {
    const statusUrl = new URL('/v1/twilio/status', this.settings.publicUrl);
    statusUrl.searchParams.set('callId', callId);
    const form = new URLSearchParams({
      To: to,
      From: this.settings.fromNumber,
      Twiml: connectStreamTwiml(this.settings.publicUrl, callId),
      StatusCallback: statusUrl.toString(),
      StatusCallbackMethod: 'POST',
      Timeout: String(ringTimeoutSec),
      // Answering-machine detection in the background: the AI greets at once, and a machine
      // result (AnsweredBy=machine_*/fax) hangs up before it leaves anything on a voicemail box.
      MachineDetection: 'Enable',
      AsyncAmd: 'true',
      AsyncAmdStatusCallback: statusUrl.toString(),
      AsyncAmdStatusCallbackMethod: 'POST',
    });
    for (const event of ['initiated', 'ringing', 'answered', 'completed']) form.append('StatusCallbackEvent', event);
    const body = await this.post('Calls.json', form);
    if (typeof body.sid !== 'string') throw new TwilioApiError('Twilio answered without a call sid', 502);
    return body.sid;
  }

  /** Ends a call (ringing or in progress). */
  async endCall(callSid: string): Promise<void> {
    await this.post(`Calls/${encodeURIComponent(callSid)}.json`, new URLSearchParams({ Status: 'completed' }));
  }
}
