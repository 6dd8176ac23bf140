import { randomUUID } from 'node:crypto';
import { Job } from 'bullmq';
import Stripe from 'stripe';
import { BillingJobs, InvoiceService, UNREPORTED_GRACE_MS, UsageService, localDayToClose, type CallUsageReport } from '@app/billing';
import { ConversationService } from '@app/conversations';
import type { Patient } from '@app/patients';
import { Clock, QueueService, type JobName } from '@app/platform';
import {
  FakeStripe,
  createCaregiver,
  createConversation,
  createOrg,
  createPatient,
  createTestApp,
  loginAs,
  type TestApp,
  until,
} from '@app/testing';

const WEBHOOK_SECRET = 'whsec_test_billing_jobs';
const MIN = 60_000;

/** Waits for a condition the worker makes true (bounded by the jest timeout; no timing assertion). */
interface Team {
  orgId: string;
  admin: string;
  patient: Patient;
  /** Stripe customer id (when a payment method was attached). */
  customer?: string;
  paymentMethodId?: string;
}

interface InvoiceBody {
  id: string;
  notes?: string;
  totalAmountCents: number;
  stripeInvoiceId?: string;
  paymentMethod?: string;
  status: string;
  lineItems: Array<{ id: string; seconds: number; conversationCount: number; amountCents: number }>;
}

describe('billing jobs: conversations, org-local nightly close, Stripe metering and invoices, event pruning', () => {
  let t: TestApp;
  let stripe: FakeStripe;

  beforeAll(async () => {
    stripe = await FakeStripe.start();
    t = await createTestApp({
      env: {
        STRIPE_SECRET_KEY: 'sk_test_bianca_jobs',
        STRIPE_PUBLISHABLE_KEY: 'pk_test_bianca_jobs',
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_BASE_URL: stripe.url,
      },
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t.close();
    await stripe.close();
  });

  async function team(options: { timezone?: string; paymentMethod?: boolean } = {}): Promise<Team> {
    const org = await createOrg(t, { timezone: options.timezone });
    const admin = await createCaregiver(t, { org, role: 'orgAdmin' });
    const patient = await createPatient(t, admin);
    const tm: Team = { orgId: org.id, admin: `Bearer ${await loginAs(t, admin)}`, patient };
    if (options.paymentMethod) {
      const pm = `pm_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      const res = await t.http().post(`/v1/payment-methods/orgs/${org.id}`).set('Authorization', tm.admin).send({ paymentMethodId: pm });
      expect(res.status).toBe(201);
      tm.customer = stripe.paymentMethods.get(pm)!.customer as string;
      tm.paymentMethodId = res.body.id;
    }
    return tm;
  }

  function call(p: Patient, seconds: number, endedAt: Date, overrides: Partial<CallUsageReport> = {}): CallUsageReport {
    return {
      conversationId: randomUUID(),
      orgId: p.orgId,
      patientId: p.id,
      answeredAt: new Date(endedAt.getTime() - seconds * 1000),
      endedAt,
      outcome: 'answered',
      ...overrides,
    };
  }

  async function invoicesOf(tm: Team): Promise<InvoiceBody[]> {
    return (await t.http().get(`/v1/payments/orgs/${tm.orgId}/invoices`).set('Authorization', tm.admin).expect(200)).body as InvoiceBody[];
  }

  /** Enqueues a billing job and waits until the worker completed it. */
  async function runJob(name: JobName, data: Record<string, unknown> = {}): Promise<void> {
    const queues = t.get(QueueService);
    const id = await queues.enqueue(name, data);
    await until(async () => {
      const job = await Job.fromId(queues.queue('billing'), id);
      const state = await job?.getState();
      if (state === 'failed') throw new Error(`job ${name} failed: ${job?.failedReason}`);
      return state === 'completed';
    });
  }

  function webhookEvent(type: string, stripeInvoiceId: string, id = `evt_${randomUUID()}`): Record<string, unknown> {
    return {
      id,
      object: 'event',
      type,
      api_version: Stripe.API_VERSION,
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: stripeInvoiceId, object: 'invoice' } },
    };
  }

  async function deliver(event: Record<string, unknown>): Promise<void> {
    const { payload, header } = stripe.signedWebhook(event, WEBHOOK_SECRET);
    await t
      .http()
      .post('/v1/stripe/webhook')
      .set('Content-Type', 'application/json')
      .set('Stripe-Signature', header)
      .send(payload)
      .expect(200);
  }

  function meterEventsOf(customer: string) {
    return [...stripe.meterEvents.values()].filter((e) => (e.payload as Record<string, string>).stripe_customer_id === customer);
  }

  describe('conversations ↔ usage', () => {
    it('invoices every ended, not-yet-invoiced conversation ($0 when unanswered), links them, and unbilled-costs agrees', async () => {
      const tm = await team();
      const conversations = t.get(ConversationService);
      const now = Date.now();
      // A: answered, reported by the pipeline (120 s → 20 c).
      const a = await createConversation(t, tm.patient);
      await conversations.updateCall(tm.orgId, a.id, {
        status: 'completed',
        callOutcome: 'answered',
        callStartTime: new Date(now - 30 * MIN),
        callEndTime: new Date(now - 28 * MIN),
        endTime: new Date(now - 28 * MIN),
        callDuration: 120,
      });
      await t.get(UsageService).recordCall(call(tm.patient, 120, new Date(now - 28 * MIN), { conversationId: a.id }));
      // B: no answer, never reported (pipeline crash) → billed from the row at $0.00.
      const b = await createConversation(t, tm.patient);
      await conversations.updateCall(tm.orgId, b.id, { status: 'failed', callOutcome: 'no_answer', endTime: new Date(now - 20 * MIN) });
      // E: answered per the carrier, never reported → billed from the row (300 s → 50 c).
      const e = await createConversation(t, tm.patient);
      await conversations.updateCall(tm.orgId, e.id, {
        status: 'completed',
        callOutcome: 'answered',
        callStartTime: new Date(now - 24 * MIN),
        callEndTime: new Date(now - 19 * MIN),
        endTime: new Date(now - 19 * MIN),
        callDuration: 300,
      });
      // C: just ended, not reported yet (inside the grace) → waits for the pipeline; D: still in progress.
      const c = await createConversation(t, tm.patient);
      await conversations.updateCall(tm.orgId, c.id, { status: 'failed', callOutcome: 'busy', endTime: new Date(now - MIN) });
      const d = await createConversation(t, tm.patient);
      await conversations.updateCall(tm.orgId, d.id, { status: 'in-progress', callStatus: 'connected' });
      expect(UNREPORTED_GRACE_MS).toBeGreaterThan(MIN);

      const before = await t.http().get(`/v1/payments/orgs/${tm.orgId}/unbilled-costs`).set('Authorization', tm.admin).expect(200);
      expect(before.body.totalUnbilledCost).toBe(0.7);
      expect(before.body).not.toHaveProperty('stripeUsage');
      const listed = before.body.patientCosts[0].conversations as Array<{
        conversationId: string;
        duration: number;
        cost: number;
        status: string;
      }>;
      expect(listed.map((x) => [x.conversationId, x.duration, x.cost, x.status])).toEqual([
        [a.id, 120, 0.2, 'answered'],
        [b.id, 0, 0, 'no_answer'],
        [e.id, 300, 0.5, 'answered'],
        [c.id, 0, 0, 'busy'],
      ]);

      const inv = await t.http().post(`/v1/payments/patients/${tm.patient.id}/invoices`).set('Authorization', tm.admin).expect(201);
      expect(inv.body).toMatchObject({ totalAmountCents: 70, totalAmount: 0.7 });
      expect(inv.body.lineItems).toMatchObject([{ conversationCount: 3, seconds: 420, amountCents: 70 }]);
      const lineId = inv.body.lineItems[0].id as string;
      const linked = await Promise.all([a, b, e, c, d].map(async (x) => (await conversations.find(tm.orgId, x.id))!.lineItemId));
      expect(linked).toEqual([lineId, lineId, lineId, null, null]);

      // The pipeline reports C late; a late report for an already-billed conversation changes nothing.
      await t
        .get(UsageService)
        .recordCall(call(tm.patient, 0, new Date(now - MIN), { conversationId: c.id, answeredAt: null, outcome: 'busy' }));
      const lateB = await t.get(UsageService).recordCall(call(tm.patient, 60, new Date(now - 20 * MIN), { conversationId: b.id }));
      expect(lateB).toMatchObject({ billableSeconds: 0, amountCents: 0, source: 'conversation' });
      const after = await t.http().get(`/v1/payments/orgs/${tm.orgId}/unbilled-costs`).set('Authorization', tm.admin).expect(200);
      expect(
        after.body.patientCosts.flatMap((p: { conversations: Array<{ conversationId: string }> }) =>
          p.conversations.map((x) => x.conversationId),
        ),
      ).toEqual([c.id]);
      const second = await t.http().post(`/v1/payments/patients/${tm.patient.id}/invoices`).set('Authorization', tm.admin).expect(201);
      expect(second.body).toMatchObject({ totalAmountCents: 0, lineItems: [{ conversationCount: 1, amountCents: 0 }] });
      expect((await conversations.find(tm.orgId, c.id))!.lineItemId).toBe(second.body.lineItems[0].id);
    });
  });

  describe('nightly close in the org timezone', () => {
    it('closes the org-local previous day across the DST change (America/New_York, injected clock), once', async () => {
      const tm = await team({ timezone: 'America/New_York' });
      const usage = t.get(UsageService);
      // DST ends 2026-11-01 02:00 EDT → 01:00 EST: Nov 1 (local) is 25 h, 04:00Z → 05:00Z next day.
      const r0 = await usage.recordCall(call(tm.patient, 60, new Date('2026-11-01T03:30:00Z'))); // Oct 31, 23:30 EDT
      const r1 = await usage.recordCall(call(tm.patient, 120, new Date('2026-11-02T04:30:00Z'))); // Nov 1, 23:30 EST
      const r2 = await usage.recordCall(call(tm.patient, 30, new Date('2026-11-02T05:30:00Z'))); // Nov 2, 00:30 EST
      expect(localDayToClose(new Date('2026-11-02T06:30:00Z'), 'America/New_York')).toEqual({
        label: '2026-11-01',
        start: new Date('2026-11-01T04:00:00Z'),
        end: new Date('2026-11-02T05:00:00Z'),
      });
      // Spring forward (2026-03-08 is 23 h in New York); a bad `day` is refused before any work.
      expect(localDayToClose(new Date('2026-03-09T05:30:00Z'), 'America/New_York')).toEqual({
        label: '2026-03-08',
        start: new Date('2026-03-08T05:00:00Z'),
        end: new Date('2026-03-09T04:00:00Z'),
      });
      await expect(t.get(InvoiceService).closeDue(new Date(), { orgId: tm.orgId, day: '2026-02-30' })).rejects.toThrow('YYYY-MM-DD');
      // The clock is injected only while the job runs (tokens are checked against the same clock).
      const at = async <T>(iso: string, work: () => Promise<T>): Promise<T> => {
        const clock = jest.spyOn(t.get(Clock), 'now').mockReturnValue(new Date(iso));
        try {
          return await work();
        } finally {
          clock.mockRestore();
        }
      };
      const jobs = t.get(BillingJobs);
      // 00:30 EDT on Nov 1: closes Oct 31 (through the queue and the worker).
      await at('2026-11-01T04:30:00Z', () => runJob('billing.close-day', { orgId: tm.orgId }));
      let invoices = await invoicesOf(tm);
      expect(invoices.map((i) => [i.notes, i.totalAmountCents])).toEqual([['Daily billing for 1 patient (2026-10-31)', 10]]);

      // 23:59 EST on Nov 1 is 24 h 59 min after local midnight: a fixed 24-h day would close Nov 1 here.
      const early = await at('2026-11-02T04:59:00Z', () => jobs.closeDay(undefined, undefined, tm.orgId));
      expect(early).toEqual({ days: { [tm.orgId]: '2026-10-31' }, invoices: [] });

      // 01:30 EST on Nov 2: closes Nov 1 (r1), not r2; twice (also concurrently) → one invoice.
      const runs = await at('2026-11-02T06:30:00Z', () =>
        Promise.all([jobs.closeDay(undefined, undefined, tm.orgId), jobs.closeDay(undefined, undefined, tm.orgId)]),
      );
      const again = await at('2026-11-02T06:45:00Z', () => jobs.closeDay(undefined, undefined, tm.orgId));
      expect([...runs, again].flatMap((r) => r.invoices)).toHaveLength(1);
      expect(runs[0].days[tm.orgId]).toBe('2026-11-01');
      invoices = await invoicesOf(tm);
      expect(invoices.map((i) => [i.notes, i.totalAmountCents, i.lineItems[0].seconds])).toEqual([
        ['Daily billing for 1 patient (2026-11-01)', 20, 120],
        ['Daily billing for 1 patient (2026-10-31)', 10, 60],
      ]);
      expect(new Set([r0.id, r1.id, r2.id]).size).toBe(3);
      const unbilled = await t
        .http()
        .get(`/v1/payments/orgs/${tm.orgId}/unbilled-costs?days=366`)
        .set('Authorization', tm.admin)
        .expect(200);
      expect(unbilled.body.patientCosts[0].conversations.map((x: { conversationId: string }) => x.conversationId)).toEqual([
        r2.conversationId,
      ]);
    });

    it('uses each org its own zone: Asia/Tokyo closes its previous local day', async () => {
      const tm = await team({ timezone: 'Asia/Tokyo' });
      await t.get(UsageService).recordCall(call(tm.patient, 60, new Date('2026-11-01T14:30:00Z'))); // Nov 1, 23:30 JST
      await t.get(UsageService).recordCall(call(tm.patient, 60, new Date('2026-11-01T15:30:00Z'))); // Nov 2, 00:30 JST
      const result = await t.get(InvoiceService).closeDue(new Date('2026-11-01T16:00:00Z'), { orgId: tm.orgId });
      expect(result.days[tm.orgId]).toBe('2026-11-01');
      expect((await invoicesOf(tm)).map((i) => i.totalAmountCents)).toEqual([10]);
    });
  });

  describe('Stripe invoices from the close', () => {
    it('creates the Stripe invoice once for an org with a default payment method, resuming after a partial outage', async () => {
      const tm = await team({ paymentMethod: true });
      const plain = await team();
      const yesterday = new Date(Date.now() - 30 * 3_600_000);
      await t.get(UsageService).recordCall(call(tm.patient, 300, yesterday));
      await t.get(UsageService).recordCall(call(plain.patient, 300, yesterday));
      const service = t.get(InvoiceService);

      stripe.failWhen = (method, path) => method === 'POST' && /^\/v1\/invoices\/[^/]+\/finalize$/.test(path);
      try {
        await expect(service.closeDue(new Date(), { orgId: tm.orgId })).rejects.toThrow();
      } finally {
        stripe.failWhen = undefined;
      }
      let [invoice] = await invoicesOf(tm);
      expect(invoice).toMatchObject({
        totalAmountCents: 50,
        status: 'pending',
        stripeSynced: false,
        stripeInvoiceId: expect.stringMatching(/^in_/),
      });

      // Stripe's `invoice.created` for the draft arrives meanwhile: our push is not done, nothing changes.
      await deliver(webhookEvent('invoice.created', invoice.stripeInvoiceId!));
      expect((await invoicesOf(tm))[0]).toMatchObject({ stripeSynced: false, status: 'pending' });
      expect(stripe.invoices.get(invoice.stripeInvoiceId!)).toMatchObject({ status: 'draft' });

      const second = await service.closeDue(new Date(), { orgId: tm.orgId });
      expect(second.invoices).toEqual([]);
      [invoice] = await invoicesOf(tm);
      expect(invoice).toMatchObject({ stripeSynced: true, status: 'pending', paymentMethod: tm.paymentMethodId });
      const remote = stripe.invoices.get(invoice.stripeInvoiceId!)!;
      expect(remote).toMatchObject({ status: 'open', customer: tm.customer, total: 50 });
      const mine = (r: { params: Record<string, unknown> }) =>
        (r.params.metadata as Record<string, string> | undefined)?.invoiceId === invoice.id;
      expect(stripe.calls('POST', '/v1/invoices').filter((r) => r.path === '/v1/invoices' && mine(r) && !r.replayed)).toHaveLength(1);
      expect(stripe.calls('POST', '/v1/invoiceitems').filter((r) => mine(r) && !r.replayed && r.status === 200)).toHaveLength(1);
      expect(stripe.requests.filter((r) => r.method === 'POST').every((r) => r.idempotencyKey)).toBe(true);

      // No payment method: the invoice stays local (no Stripe call for it).
      await service.closeDue(new Date(), { orgId: plain.orgId });
      const [local] = await invoicesOf(plain);
      expect(local).toMatchObject({ totalAmountCents: 50, stripeSynced: false });
      expect(local.stripeInvoiceId).toBeUndefined();
      expect(stripe.requests.some((r) => (r.params.metadata as Record<string, string> | undefined)?.invoiceId === local.id)).toBe(false);
    });
  });

  describe('Stripe metering', () => {
    it('reports each usage record once as a meter event (job run twice, concurrent runs, an outage and retry)', async () => {
      const tm = await team({ paymentMethod: true });
      const usage = t.get(UsageService);
      const at = new Date(Date.now() - 3_600_000);
      const a = await usage.recordCall(call(tm.patient, 90, at));
      const b = await usage.recordCall(call(tm.patient, 30, at));
      const missed = await usage.recordCall(call(tm.patient, 0, at, { answeredAt: null, outcome: 'no_answer' }));
      await runJob('billing.report-usage');
      await runJob('billing.report-usage');
      await Promise.all([t.get(InvoiceService).reportUsage(), t.get(InvoiceService).reportUsage()]);

      stripe.failing = true;
      const c = await usage.recordCall(call(tm.patient, 60, at));
      try {
        await expect(t.get(InvoiceService).reportUsage()).rejects.toThrow();
      } finally {
        stripe.failing = false;
      }
      await runJob('billing.report-usage');
      await until(() => meterEventsOf(tm.customer!).length >= 3);

      const events = meterEventsOf(tm.customer!);
      expect(events.map((e) => e.identifier).sort()).toEqual([a.id, b.id, c.id].sort());
      expect(events.find((e) => e.identifier === a.id)).toMatchObject({
        event_name: 'bianca_call_seconds',
        payload: { stripe_customer_id: tm.customer, value: '90' },
        timestamp: Math.floor(at.getTime() / 1000),
      });
      expect(events.some((e) => e.identifier === missed.id)).toBe(false);
      const executed = stripe.executedByKey('/v1/billing/meter_events');
      for (const id of [a.id, b.id, c.id]) expect(executed.get(`meter:${id}`)).toBe(1);
      const sent = stripe
        .calls('POST', '/v1/billing/meter_events')
        .filter((r) => [a.id, b.id, c.id].includes(r.params.identifier as string));
      expect(sent.every((r) => r.idempotencyKey === `meter:${r.params.identifier as string}`)).toBe(true);
      // The meter exists once, whatever the number of runs.
      expect([...stripe.meters.values()].filter((m) => m.event_name === 'bianca_call_seconds')).toHaveLength(1);

      // unbilled-costs shows what Stripe metered this month for the org's customer.
      const res = await t.http().get(`/v1/payments/orgs/${tm.orgId}/unbilled-costs`).set('Authorization', tm.admin).expect(200);
      const monthStart = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
      expect(res.body.stripeUsage).toMatchObject({ totalUsage: 180, currentPeriodStart: monthStart.toISOString() });
      expect(res.body.totalUnbilledCost).toBe(0.3);
    });
  });

  describe('webhook event ids', () => {
    it('prunes handled event ids after the retention (30 days), not before; a pruned id is handled again', async () => {
      const tm = await team({ paymentMethod: true });
      await t.get(UsageService).recordCall(call(tm.patient, 300, new Date(Date.now() - 3_600_000)));
      const inv = await t.http().post(`/v1/payments/patients/${tm.patient.id}/invoices`).set('Authorization', tm.admin).expect(201);
      const stripeInvoiceId = inv.body.stripeInvoiceId as string;
      const event = webhookEvent('invoice.paid', stripeInvoiceId);
      const reads = () => stripe.calls('GET', `/v1/invoices/${stripeInvoiceId}`).length;
      stripe.setInvoiceStatus(stripeInvoiceId, 'paid');
      await deliver(event);
      expect(reads()).toBe(1);
      const jobs = t.get(BillingJobs);
      await jobs.pruneStripeEvents(new Date(Date.now() + 29 * 86_400_000));
      await deliver(event);
      expect(reads()).toBe(1); // still deduplicated
      expect(await jobs.pruneStripeEvents(new Date(Date.now() + 31 * 86_400_000))).toBeGreaterThanOrEqual(1);
      await deliver(event);
      expect(reads()).toBe(2); // forgotten → handled again (idempotent effect: still paid)
      expect((await invoicesOf(tm)).map((i) => i.status)).toEqual(['paid']);
      await runJob('billing.prune-stripe-events');
    });
  });
});
