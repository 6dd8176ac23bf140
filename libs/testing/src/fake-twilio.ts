import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A local Twilio REST API for tests: speaks Twilio's real protocol (`/2010-04-01/Accounts/{AccountSid}/…`,
 * form-encoded bodies, HTTP Basic auth with AccountSid:AuthToken, JSON resources, Twilio's error
 * JSON `{code, message, more_info, status}`) and records every request.
 *
 * Built in: `POST Messages.json` (send an SMS) and `GET Messages/{Sid}.json`. Other resources are
 * added with `route()`, e.g. for calls:
 *
 *   twilio.route('POST', 'Calls.json', (req) => ({ status: 201, body: {...} }));
 *   twilio.route('GET', 'Calls/{Sid}.json', (req) => ...req.params.Sid...);
 *
 * Like Twilio's test credentials, some magic `To` numbers fail with their real error codes
 * (`TWILIO_MAGIC_NUMBERS`), and `failNext()` queues an answer (429, 500, any Twilio error) for the
 * next matching request.
 */

/** What a route handler sees. `path` is relative to `/2010-04-01/Accounts/{AccountSid}/`. */
export interface TwilioApiRequest {
  method: string;
  path: string;
  /** Values of `{Name}` placeholders in the route pattern. */
  params: Record<string, string>;
  /** The form-encoded body (first value of each key) and the query string, merged as Twilio reads them. */
  form: Record<string, string>;
  /** Every value of repeated keys (e.g. `MediaUrl`, `StatusCallbackEvent`). */
  formAll: URLSearchParams;
  accountSid: string;
}

export interface TwilioApiResponse {
  status: number;
  body: unknown;
}

export type TwilioRouteHandler = (req: TwilioApiRequest, twilio: FakeTwilio) => TwilioApiResponse | Promise<TwilioApiResponse>;

/** Every request that reached the fake, authenticated or not. */
export interface TwilioRecordedRequest {
  method: string;
  /** The full URL path, e.g. `/2010-04-01/Accounts/AC…/Messages.json`. */
  url: string;
  /** Path relative to the account (`Messages.json`), or undefined outside `/2010-04-01/Accounts/…`. */
  resource: string | undefined;
  authorized: boolean;
  contentType: string | undefined;
  form: Record<string, string>;
  status: number;
}

/** A Message resource as Twilio returns it (snake_case, RFC 2822 dates). */
export interface TwilioMessageResource {
  sid: string;
  account_sid: string;
  api_version: '2010-04-01';
  to: string;
  from: string;
  body: string;
  status: string;
  direction: 'outbound-api';
  num_segments: string;
  num_media: string;
  messaging_service_sid: string | null;
  error_code: number | null;
  error_message: string | null;
  price: string | null;
  price_unit: string;
  date_created: string;
  date_updated: string;
  date_sent: string | null;
  uri: string;
  subresource_uris: Record<string, string>;
}

/** Twilio's error body. */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** A Twilio error answer, e.g. `twilioError(400, 21211, "The 'To' number 123 is not a valid phone number.")`. */
export function twilioError(status: number, code: number, message: string): TwilioApiResponse {
  const body: TwilioErrorBody = { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
  return { status, body };
}

/** Twilio's own magic test numbers (https://www.twilio.com/docs/iam/test-credentials) and the errors they give as `To`. */
export const TWILIO_MAGIC_NUMBERS: Readonly<Record<string, { code: number; message: string }>> = {
  '+15005550001': { code: 21211, message: "The 'To' number +15005550001 is not a valid phone number." },
  '+15005550002': {
    code: 21612,
    message: "The 'To' phone number: +15005550002, is not currently reachable using the 'From' phone number.",
  },
  '+15005550003': {
    code: 21408,
    message: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number: +15005550003.",
  },
  '+15005550004': { code: 21610, message: 'Attempt to send to unsubscribed recipient' },
  '+15005550009': { code: 21614, message: "'To' number is not a valid mobile number" },
};

const API_PREFIX = '/2010-04-01/Accounts/';
const E164 = /^\+[1-9]\d{7,14}$/;

/** RFC 2822 as Twilio writes it: `Thu, 30 Jul 2015 20:12:31 +0000`. */
export function twilioDate(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function sid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: TwilioRouteHandler;
}

function compile(pattern: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = pattern
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name) {
        names.push(name);
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`), names };
}

function equalSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export interface FakeTwilioOptions {
  accountSid?: string;
  authToken?: string;
  /** The number the app sends from (TWILIO_FROM_NUMBER). */
  fromNumber?: string;
}

export class FakeTwilio {
  readonly requests: TwilioRecordedRequest[] = [];
  readonly messages: TwilioMessageResource[] = [];
  private readonly routes: Route[] = [];
  private readonly queued: Array<{ method: string; pattern: RegExp; response: TwilioApiResponse }> = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    readonly accountSid: string,
    readonly authToken: string,
    readonly fromNumber: string,
  ) {
    this.route('POST', 'Messages.json', (req) => this.createMessage(req));
    this.route('GET', 'Messages/{Sid}.json', (req) => {
      const message = this.messages.find((m) => m.sid === req.params.Sid);
      return message ? { status: 200, body: message } : FakeTwilio.notFound(req.path);
    });
  }

  static async start(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
    const ready: { fake?: FakeTwilio } = {};
    const server = createServer((req, res) => {
      void ready.fake?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeTwilio(
      server,
      `http://127.0.0.1:${port}`,
      options.accountSid ?? sid('AC'),
      options.authToken ?? randomBytes(16).toString('hex'),
      options.fromNumber ?? '+15005550006',
    );
    ready.fake = fake;
    return fake;
  }

  /** The app settings that point the Twilio drivers here. */
  env(): Record<string, string> {
    return {
      TWILIO_ACCOUNT_SID: this.accountSid,
      TWILIO_AUTH_TOKEN: this.authToken,
      TWILIO_FROM_NUMBER: this.fromNumber,
      TWILIO_API_BASE_URL: this.baseUrl,
    };
  }

  /** Adds (or overrides: later routes win) a resource, relative to `/2010-04-01/Accounts/{AccountSid}/`. */
  route(method: string, pattern: string, handler: TwilioRouteHandler): void {
    this.routes.unshift({ method: method.toUpperCase(), ...compile(pattern), handler });
  }

  /** The next request matching method and pattern gets this answer instead (once), e.g. `twilioError(429, 20429, 'Too Many Requests')`. */
  failNext(method: string, pattern: string, response: TwilioApiResponse): void {
    this.queued.push({ method: method.toUpperCase(), pattern: compile(pattern).pattern, response });
  }

  /** SMS sent to a number, oldest first. */
  messagesTo(to: string): TwilioMessageResource[] {
    return this.messages.filter((m) => m.to === to);
  }

  /** Forgets recorded requests and messages (queued failures and routes stay). */
  reset(): void {
    this.requests.length = 0;
    this.messages.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  static notFound(path: string): TwilioApiResponse {
    return twilioError(404, 20404, `The requested resource /2010-04-01/Accounts/${path} was not found`);
  }

  private createMessage(req: TwilioApiRequest): TwilioApiResponse {
    const { To: to, From: from, Body: body, MessagingServiceSid: service } = req.form;
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!from && !service) return twilioError(400, 21603, "A 'From' phone number is required.");
    if (!body && !req.formAll.has('MediaUrl')) return twilioError(400, 21602, 'Message body is required.');
    if ((body ?? '').length > 1600) return twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (!E164.test(to)) return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    const magic = TWILIO_MAGIC_NUMBERS[to];
    if (magic) return twilioError(400, magic.code, magic.message);
    const now = twilioDate(new Date());
    const messageSid = sid('SM');
    const uri = `${API_PREFIX}${req.accountSid}/Messages/${messageSid}.json`;
    const message: TwilioMessageResource = {
      sid: messageSid,
      account_sid: req.accountSid,
      api_version: '2010-04-01',
      to,
      from: from ?? '',
      body: body ?? '',
      status: service ? 'accepted' : 'queued',
      direction: 'outbound-api',
      num_segments: String(Math.max(1, Math.ceil((body ?? '').length / 153))),
      num_media: String(req.formAll.getAll('MediaUrl').length),
      messaging_service_sid: service ?? null,
      error_code: null,
      error_message: null,
      price: null,
      price_unit: 'USD',
      date_created: now,
      date_updated: now,
      date_sent: null,
      uri,
      subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
    };
    this.messages.push(message);
    return { status: 201, body: message };
  }

  private authorized(header: string | undefined): boolean {
    const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
    if (!match?.[1]) return false;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    return equalSecret(decoded.slice(0, colon), this.accountSid) && equalSecret(decoded.slice(colon + 1), this.authToken);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    const contentType = req.headers['content-type'];
    const formAll = new URLSearchParams(url.search);
    if (method !== 'GET' && (contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
      for (const [key, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) formAll.append(key, value);
    }
    const form: Record<string, string> = {};
    for (const [key, value] of formAll) if (!(key in form)) form[key] = value;

    const authorized = this.authorized(req.headers.authorization);
    const inApi = url.pathname.startsWith(API_PREFIX);
    const rest = inApi ? url.pathname.slice(API_PREFIX.length) : '';
    const slash = rest.indexOf('/');
    const accountSid = slash > 0 ? decodeURIComponent(rest.slice(0, slash)) : '';
    const resource = slash > 0 ? rest.slice(slash + 1) : undefined;

    const answer = await this.dispatch({ method, accountSid, resource, form, formAll, authorized });
    this.requests.push({ method, url: url.pathname, resource, authorized, contentType, form, status: answer.status });
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'twilio-request-id': sid('RQ') });
    res.end(JSON.stringify(answer.body));
  }

  private async dispatch(req: {
    method: string;
    accountSid: string;
    resource: string | undefined;
    form: Record<string, string>;
    formAll: URLSearchParams;
    authorized: boolean;
  }): Promise<TwilioApiResponse> {
    if (!req.authorized) {
      return {
        status: 401,
        body: {
          code: 20003,
          detail: 'Your AccountSid or AuthToken was incorrect.',
          message: 'Authenticate',
          more_info: 'https://www.twilio.com/docs/errors/20003',
          status: 401,
        },
      };
    }
    if (req.resource === undefined || req.accountSid !== this.accountSid)
      return FakeTwilio.notFound(`${req.accountSid}/${req.resource ?? ''}`);
    const queuedAt = this.queued.findIndex((q) => q.method === req.method && q.pattern.test(req.resource ?? ''));
    if (queuedAt >= 0) return this.queued.splice(queuedAt, 1)[0].response;
    for (const route of this.routes) {
      if (route.method !== req.method) continue;
      const match = route.pattern.exec(req.resource);
      if (!match) continue;
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
      return route.handler(
        { method: req.method, path: req.resource, params, form: req.form, formAll: req.formAll, accountSid: req.accountSid },
        this,
      );
    }
    return FakeTwilio.notFound(`${req.accountSid}/${req.resource}`);
  }
}
