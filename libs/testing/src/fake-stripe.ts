import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import Stripe from 'stripe';

/**
 * A local Stripe API for tests, speaking Stripe's protocol: form-encoded bodies with bracketed keys
 * (`metadata[orgId]=…`), Bearer secret key, JSON objects with `object`/`id`, Stripe's error JSON
 * `{error: {type, code, message}}`, and Idempotency-Key semantics (same key + same params → the
 * stored response, with `Idempotent-Replayed: true`; same key + different params → 400
 * `idempotency_error`).
 *
 * Resources: customers (create, update, retrieve), payment_methods (retrieve, list, attach,
 * detach; any `pm_…` id exists, `pm_card_chargeDeclined` fails to attach with a card error),
 * setup_intents, invoiceitems, invoices (create, retrieve, finalize, pay), billing/meters (create,
 * list, event_summaries: the sum of the meter's events per customer in [start_time, end_time)),
 * billing/meter_events (refused without an active meter of that `event_name`, or for an
 * `identifier` already used: Stripe's dedupe).
 * `failing = true` answers every request 500 (api_error); `requests` records every call.
 *
 * Point the app at it with STRIPE_API_BASE_URL=<fake.url>; sign webhook payloads with
 * `fake.signedWebhook(event, secret)` (the SDK's generateTestHeaderString).
 */

export interface StripeRecordedRequest {
  method: string;
  path: string;
  params: Record<string, unknown>;
  idempotencyKey: string | undefined;
  status: number;
  replayed: boolean;
}

type Obj = Record<string, unknown> & { id: string };

interface StoredIdempotency {
  fingerprint: string;
  status: number;
  body: unknown;
}

/** `a[b][0]=x&a[b][1]=y&c=1` → `{a: {b: ['x', 'y']}, c: '1'}`, as Stripe reads its bodies. */
export function parseStripeForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> = out;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const name = part === '' ? String(Object.keys(node).length) : part;
      if (last) node[name] = value;
      else node = (node[name] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

function id(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

export class FakeStripe {
  readonly customers = new Map<string, Obj>();
  readonly paymentMethods = new Map<string, Obj>();
  readonly setupIntents = new Map<string, Obj>();
  readonly invoices = new Map<string, Obj>();
  readonly invoiceItems = new Map<string, Obj>();
  readonly meterEvents = new Map<string, Obj>();
  readonly meters = new Map<string, Obj>();
  readonly requests: StripeRecordedRequest[] = [];
  /** When true, every request answers 500 `api_error` (a Stripe outage). */
  failing = false;
  /** Requests for which this returns true answer 500 `api_error` (a partial outage). */
  failWhen: ((method: string, path: string) => boolean) | undefined;
  private readonly idempotency = new Map<string, StoredIdempotency>();
  private readonly sdk = new Stripe('sk_test_fake');

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeStripe> {
    const holder: { fake?: FakeStripe } = {};
    const server = createServer((req, res) => void holder.fake?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.fake = new FakeStripe(server, `http://127.0.0.1:${port}`);
    return holder.fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Requests to `path` (exact or prefix match) and method. */
  calls(method: string, pathPrefix: string): StripeRecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix));
  }

  /**
   * POSTs per Idempotency-Key to `pathPrefix` that Stripe actually executed (not replays): a
   * well-behaved client never makes one key execute twice nor one business effect under two keys.
   */
  executedByKey(pathPrefix: string): Map<string | undefined, number> {
    const out = new Map<string | undefined, number>();
    for (const r of this.calls('POST', pathPrefix).filter((x) => !x.replayed && x.status < 400)) {
      out.set(r.idempotencyKey, (out.get(r.idempotencyKey) ?? 0) + 1);
    }
    return out;
  }

  /** Sets an invoice's state as Stripe would after a payment attempt (for webhook tests). */
  setInvoiceStatus(invoiceId: string, status: 'draft' | 'open' | 'paid' | 'void' | 'uncollectible'): void {
    const inv = this.invoices.get(invoiceId);
    if (!inv) throw new Error(`no invoice ${invoiceId}`);
    inv.status = status;
    if (status === 'paid') inv.status_transitions = { ...(inv.status_transitions as object), paid_at: Math.floor(Date.now() / 1000) };
  }

  /** `{payload, header}` for POST /v1/stripe/webhook: the event JSON and a valid Stripe-Signature. */
  signedWebhook(event: Record<string, unknown>, secret: string, timestamp?: number): { payload: string; header: string } {
    const payload = JSON.stringify(event);
    return { payload, header: this.sdk.webhooks.generateTestHeaderString({ payload, secret, timestamp }) };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const params =
      method === 'GET' || method === 'DELETE'
        ? parseStripeForm(url.searchParams.toString())
        : parseStripeForm(Buffer.concat(chunks).toString('utf8'));
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    const record = (status: number, body: unknown, replayed = false): void => {
      this.requests.push({ method, path: url.pathname, params, idempotencyKey: key, status, replayed });
      res.writeHead(status, {
        'content-type': 'application/json',
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
        ...(key ? { 'idempotency-key': key } : {}),
      });
      res.end(JSON.stringify(body));
    };
    if (!(req.headers.authorization ?? '').startsWith('Bearer sk_')) {
      record(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
      return;
    }
    if (this.failing || this.failWhen?.(method, url.pathname)) {
      record(500, { error: { type: 'api_error', message: 'Fake Stripe outage' } });
      return;
    }
    const fingerprint = createHash('sha256')
      .update(`${method} ${url.pathname} ${JSON.stringify(params)}`)
      .digest('hex');
    if (key && method === 'POST') {
      const stored = this.idempotency.get(key);
      if (stored && stored.fingerprint !== fingerprint) {
        record(400, {
          error: {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          },
        });
        return;
      }
      if (stored) {
        record(stored.status, stored.body, true);
        return;
      }
    }
    const [status, body] = this.route(method, url.pathname, params);
    if (key && method === 'POST' && status < 500) this.idempotency.set(key, { fingerprint, status, body });
    record(status, body);
  }

  private route(method: string, path: string, p: Record<string, unknown>): [number, unknown] {
    if (method === 'POST' && path === '/v1/billing/meter_events') return this.meterEvent(p);
    if (path.startsWith('/v1/billing/meters')) return this.meterRoute(method, path, p);
    const seg = path.split('/').filter(Boolean); // ['v1', resource, id?, action?]
    const [, resource, rid, action] = seg;
    const now = Math.floor(Date.now() / 1000);
    const missing = (what: string, which: string): [number, unknown] => [
      404,
      { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${what}: '${which}'`, param: 'id' } },
    ];
    switch (`${method} ${resource}${rid ? '/:id' : ''}${action ? `/${action}` : ''}`) {
      case 'POST customers': {
        const c: Obj = {
          id: id('cus'),
          object: 'customer',
          created: now,
          name: p.name ?? null,
          metadata: p.metadata ?? {},
          invoice_settings: { default_payment_method: null },
        };
        this.customers.set(c.id, c);
        return [200, c];
      }
      case 'GET customers/:id': {
        const c = this.customers.get(rid);
        return c ? [200, c] : missing('customer', rid);
      }
      case 'POST customers/:id': {
        const c = this.customers.get(rid);
        if (!c) return missing('customer', rid);
        if (p.invoice_settings) c.invoice_settings = { ...(c.invoice_settings as object), ...p.invoice_settings };
        if (p.name) c.name = p.name;
        return [200, c];
      }
      case 'GET payment_methods/:id':
        return [200, this.paymentMethod(rid)];
      case 'GET payment_methods': {
        const data = [...this.paymentMethods.values()].filter((pm) => pm.customer === p.customer);
        return [200, { object: 'list', data, has_more: false, url: '/v1/payment_methods' }];
      }
      case 'POST payment_methods/:id/attach': {
        if (rid === 'pm_card_chargeDeclined') {
          return [
            402,
            { error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' } },
          ];
        }
        if (typeof p.customer !== 'string' || !this.customers.has(p.customer)) return missing('customer', String(p.customer));
        const pm = this.paymentMethod(rid);
        pm.customer = p.customer;
        return [200, pm];
      }
      case 'POST payment_methods/:id/detach': {
        const pm = this.paymentMethods.get(rid);
        if (!pm?.customer)
          return [
            400,
            {
              error: {
                type: 'invalid_request_error',
                message: 'The payment method you provided is not attached to a customer so detachment is impossible.',
              },
            },
          ];
        pm.customer = null;
        return [200, pm];
      }
      case 'POST setup_intents': {
        const si: Obj = {
          id: id('seti'),
          object: 'setup_intent',
          customer: p.customer ?? null,
          usage: p.usage ?? 'off_session',
          status: 'requires_payment_method',
          metadata: p.metadata ?? {},
        };
        si.client_secret = `${si.id}_secret_${randomBytes(8).toString('hex')}`;
        this.setupIntents.set(si.id, si);
        return [200, si];
      }
      case 'POST invoiceitems': {
        if (typeof p.customer !== 'string' || !this.customers.has(p.customer)) return missing('customer', String(p.customer));
        const item: Obj = {
          id: id('ii'),
          object: 'invoiceitem',
          customer: p.customer,
          invoice: p.invoice ?? null,
          amount: Number(p.amount),
          currency: p.currency,
          description: p.description ?? null,
          metadata: p.metadata ?? {},
        };
        this.invoiceItems.set(item.id, item);
        return [200, item];
      }
      case 'POST invoices': {
        if (typeof p.customer !== 'string' || !this.customers.has(p.customer)) return missing('customer', String(p.customer));
        const inv: Obj = {
          id: id('in'),
          object: 'invoice',
          customer: p.customer,
          status: 'draft',
          collection_method: p.collection_method ?? 'charge_automatically',
          metadata: p.metadata ?? {},
          number: null,
          created: now,
          status_transitions: { finalized_at: null, paid_at: null },
        };
        this.invoices.set(inv.id, inv);
        return [200, this.withTotals(inv)];
      }
      case 'GET invoices/:id': {
        const inv = this.invoices.get(rid);
        return inv ? [200, this.withTotals(inv)] : missing('invoice', rid);
      }
      case 'POST invoices/:id/finalize': {
        const inv = this.invoices.get(rid);
        if (!inv) return missing('invoice', rid);
        if (inv.status === 'draft') {
          inv.status = 'open';
          inv.number = `FAKE-${String(this.invoices.size).padStart(4, '0')}`;
          inv.status_transitions = { ...(inv.status_transitions as object), finalized_at: now };
        }
        return [200, this.withTotals(inv)];
      }
      case 'POST invoices/:id/pay': {
        const inv = this.invoices.get(rid);
        if (!inv) return missing('invoice', rid);
        this.setInvoiceStatus(inv.id, 'paid');
        return [200, this.withTotals(inv)];
      }
      default:
        return [404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` } }];
    }
  }

  private meterRoute(method: string, path: string, p: Record<string, unknown>): [number, unknown] {
    const [, , , meterId, action] = path.split('/').filter(Boolean); // ['v1', 'billing', 'meters', id?, action?]
    if (method === 'POST' && !meterId) {
      if ([...this.meters.values()].some((m) => m.event_name === p.event_name && m.status === 'active')) {
        return [
          400,
          { error: { type: 'invalid_request_error', message: `An active meter with event_name ${String(p.event_name)} already exists.` } },
        ];
      }
      const meter: Obj = {
        id: id('mtr'),
        object: 'billing.meter',
        status: 'active',
        display_name: p.display_name,
        event_name: p.event_name,
        default_aggregation: p.default_aggregation ?? { formula: 'sum' },
        customer_mapping: p.customer_mapping ?? { type: 'by_id', event_payload_key: 'stripe_customer_id' },
        value_settings: p.value_settings ?? { event_payload_key: 'value' },
        created: Math.floor(Date.now() / 1000),
      };
      this.meters.set(meter.id, meter);
      return [200, meter];
    }
    if (method === 'GET' && !meterId) {
      const data = [...this.meters.values()].filter((m) => !p.status || m.status === p.status);
      return [200, { object: 'list', data, has_more: false, url: '/v1/billing/meters' }];
    }
    const meter = this.meters.get(meterId);
    if (!meter)
      return [404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such meter: '${meterId}'` } }];
    if (method === 'GET' && action === 'event_summaries') {
      const start = Number(p.start_time);
      const end = Number(p.end_time);
      if (typeof p.customer !== 'string' || !Number.isFinite(start) || !Number.isFinite(end)) {
        return [400, { error: { type: 'invalid_request_error', message: 'customer, start_time and end_time are required' } }];
      }
      const customerKey = (meter.customer_mapping as { event_payload_key: string }).event_payload_key;
      const valueKey = (meter.value_settings as { event_payload_key: string }).event_payload_key;
      const total = [...this.meterEvents.values()]
        .filter((e) => e.event_name === meter.event_name)
        .filter((e) => (e.payload as Record<string, string>)[customerKey] === p.customer)
        .filter((e) => Number(e.timestamp) >= start && Number(e.timestamp) < end)
        .reduce((sum, e) => sum + Number((e.payload as Record<string, string>)[valueKey] ?? 0), 0);
      const summary = {
        id: id('mtrusg'),
        object: 'billing.meter_event_summary',
        aggregated_value: total,
        start_time: start,
        end_time: end,
        meter: meter.id,
        livemode: false,
      };
      return [200, { object: 'list', data: [summary], has_more: false, url: `/v1/billing/meters/${meter.id}/event_summaries` }];
    }
    if (method === 'GET' && !action) return [200, meter];
    return [404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` } }];
  }

  private meterEvent(p: Record<string, unknown>): [number, unknown] {
    const now = Math.floor(Date.now() / 1000);
    if (![...this.meters.values()].some((m) => m.event_name === p.event_name && m.status === 'active')) {
      return [
        400,
        { error: { type: 'invalid_request_error', message: `No active meter was found matching event_name ${String(p.event_name)}.` } },
      ];
    }
    const ev: Obj = {
      id: typeof p.identifier === 'string' ? p.identifier : id('mev'),
      object: 'billing.meter_event',
      event_name: p.event_name,
      payload: p.payload ?? {},
      timestamp: Number(p.timestamp ?? now),
      identifier: p.identifier,
    };
    if (this.meterEvents.has(ev.id)) {
      return [400, { error: { type: 'invalid_request_error', message: `An event already exists with identifier ${ev.id}.` } }];
    }
    this.meterEvents.set(ev.id, ev);
    return [200, ev];
  }

  private paymentMethod(pmId: string): Obj {
    let pm = this.paymentMethods.get(pmId);
    if (!pm) {
      pm = {
        id: pmId,
        object: 'payment_method',
        type: 'card',
        customer: null,
        card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2034 },
        billing_details: { name: null, email: null, phone: null, address: null },
        metadata: {},
        created: Math.floor(Date.now() / 1000),
      };
      this.paymentMethods.set(pmId, pm);
    }
    return pm;
  }

  private withTotals(inv: Obj): Obj {
    const items = [...this.invoiceItems.values()].filter((i) => i.invoice === inv.id);
    const total = items.reduce((s, i) => s + Number(i.amount), 0);
    return Object.assign(inv, {
      total,
      amount_due: total,
      amount_paid: inv.status === 'paid' ? total : 0,
      lines: { object: 'list', data: items, has_more: false },
    });
  }
}
