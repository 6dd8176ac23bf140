import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { BillingJobs, InvoiceService, UsageService, type CallUsageReport } from '@app/billing';
import type { Patient } from '@app/patients';
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

const WEBHOOK_SECRET = 'whsec_test_billing';

/** Waits for a condition the worker makes true (bounded by the jest timeout; no timing assertion). */
interface Team {
  orgId: string;
  admin: string;
  staff: string;
  patient: Patient;
}

describe('billing: usage, invoices, Stripe payment methods and webhooks', () => {
  let t: TestApp;
  let stripe: FakeStripe;

  beforeAll(async () => {
    stripe = await FakeStripe.start();
    t = await createTestApp({
      env: {
        STRIPE_SECRET_KEY: 'sk_test_bianca',
        STRIPE_PUBLISHABLE_KEY: 'pk_test_bianca',
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_BASE_URL: stripe.url,
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await stripe.close();
  });

  async function team(): Promise<Team> {
    const org = await createOrg(t);
    const adminRow = await createCaregiver(t, { org, role: 'orgAdmin' });
    const staffRow = await createCaregiver(t, { org, role: 'staff' });
    const patient = await createPatient(t, adminRow);
    return { orgId: org.id, admin: `Bearer ${await loginAs(t, adminRow)}`, staff: `Bearer ${await loginAs(t, staffRow)}`, patient };
  }

  function call(p: Patient, seconds: number, overrides: Partial<CallUsageReport> = {}): CallUsageReport {
    const answeredAt = new Date(Date.now() - 3_600_000);
    return {
      conversationId: randomUUID(),
      orgId: p.orgId,
      patientId: p.id,
      answeredAt,
      endedAt: new Date(answeredAt.getTime() + seconds * 1000),
      outcome: 'answered',
      providerCost: { aiAudioSeconds: seconds, carrierSeconds: seconds + 5, costCents: 3 },
      ...overrides,
    };
  }

  describe('usage', () => {
    it('records one usage per call (idempotent by conversation id); unanswered calls bill 0 s; provider cost kept', async () => {
      const { patient } = await team();
      const usage = t.get(UsageService);
      const conversation = await createConversation(t, patient);
      const report = call(patient, 90, { conversationId: conversation.id });
      const first = await usage.recordCall(report);
      const again = await usage.recordCall({ ...report, endedAt: new Date(report.endedAt.getTime() + 600_000) });
      expect(again.id).toBe(first.id);
      expect(first).toMatchObject({ billableSeconds: 90, amountCents: 15, rateCentsPerMinute: 10, providerCostCents: 3 });
      expect(first.providerCost).toMatchObject({ aiAudioSeconds: 90, carrierSeconds: 95 });

      const missed = await usage.recordCall(call(patient, 40, { outcome: 'no_answer' }));
      expect(missed).toMatchObject({ billableSeconds: 0, amountCents: 0 });
      const neverAnswered = await usage.recordCall(call(patient, 40, { answeredAt: null }));
      expect(neverAnswered.billableSeconds).toBe(0);
    });

    it('applies the org rate, minimum (answered calls only) and rounding rule', async () => {
      const { patient } = await team();
      const usage = t.get(UsageService);
      await usage.setSettings(patient.orgId, { rateCentsPerMinute: 12, minimumSeconds: 30, rounding: 'minute' });
      expect(await usage.recordCall(call(patient, 5))).toMatchObject({ billableSeconds: 30, amountCents: 12 });
      expect(await usage.recordCall(call(patient, 61))).toMatchObject({ billableSeconds: 61, amountCents: 24 });
      expect(await usage.recordCall(call(patient, 5, { outcome: 'busy' }))).toMatchObject({ billableSeconds: 0, amountCents: 0 });
    });

    it("bills the carrier's answered duration when reported, never for failed attempts; rejects bad input", async () => {
      const { patient } = await team();
      const usage = t.get(UsageService);
      expect(await usage.recordCall(call(patient, 100, { durationSeconds: 42.2 }))).toMatchObject({ billableSeconds: 43, amountCents: 7 });
      expect(await usage.recordCall(call(patient, 100, { outcome: 'failed', durationSeconds: 42 }))).toMatchObject({
        billableSeconds: 0,
        amountCents: 0,
      });
      await expect(usage.recordCall(call(patient, 10, { durationSeconds: -1 }))).rejects.toThrow('durationSeconds');
      const late = call(patient, 10);
      await expect(usage.recordCall({ ...late, answeredAt: new Date(late.endedAt.getTime() + 1) })).rejects.toThrow('answeredAt');
    });
  });

  describe('invoices (§2.12)', () => {
    it('invoices every not-yet-invoiced call of a patient, $0 calls included, and answers the client shape', async () => {
      const tm = await team();
      const usage = t.get(UsageService);
      await t.http().post(`/v1/payments/patients/${tm.patient.id}/invoices`).set('Authorization', tm.admin).expect(404);
      await usage.recordCall(call(tm.patient, 120));
      await usage.recordCall(call(tm.patient, 30));
      await usage.recordCall(call(tm.patient, 50, { outcome: 'failed' }));

      const res = await t
        .http()
        .post(`/v1/payments/patients/${tm.patient.id}/invoices`)
        .set('Authorization', tm.admin)
        .send({ ignored: true })
        .expect(201);
      expect(res.body).toMatchObject({ org: tm.orgId, status: 'pending', totalAmount: 0.25, totalAmountCents: 25, stripeSynced: false });
      expect(res.body.invoiceNumber).toMatch(/^INV-\d{6}$/);
      expect(new Date(res.body.dueDate).getTime() - new Date(res.body.issueDate).getTime()).toBe(30 * 86_400_000);
      expect(res.body.lineItems).toHaveLength(1);
      expect(res.body.lineItems[0]).toMatchObject({ patientId: tm.patient.id, conversationCount: 3, seconds: 150, amount: 0.25 });

      const again = await t.http().post(`/v1/payments/patients/${tm.patient.id}/invoices`).set('Authorization', tm.admin).expect(404);
      expect(again.body).toMatchObject({ code: 404, message: 'No uncharged conversations found' });

      const byPatient = await t.http().get(`/v1/payments/patients/${tm.patient.id}/invoices`).set('Authorization', tm.admin).expect(200);
      expect(byPatient.body.map((i: { id: string }) => i.id)).toEqual([res.body.id]);
      const paidOnly = await t
        .http()
        .get(`/v1/payments/patients/${tm.patient.id}/invoices?status=paid`)
        .set('Authorization', tm.admin)
        .expect(200);
      expect(paidOnly.body).toEqual([]);
      const byOrg = await t.http().get(`/v1/payments/orgs/${tm.orgId}/invoices?status=pending`).set('Authorization', tm.admin).expect(200);
      expect(byOrg.body.map((i: { id: string }) => i.id)).toEqual([res.body.id]);
      const dueSoon = await t
        .http()
        .get(`/v1/payments/orgs/${tm.orgId}/invoices?dueDate=2000-01-01`)
        .set('Authorization', tm.admin)
        .expect(200);
      expect(dueSoon.body).toEqual([]);
      await t.http().get(`/v1/payments/orgs/${tm.orgId}/invoices?status=bogus`).set('Authorization', tm.admin).expect(400);
      await t.http().get(`/v1/payments/orgs/${tm.orgId}/invoices?dueDate=tomorrow`).set('Authorization', tm.admin).expect(400);
    });

    it('reports unbilled costs by patient in the client shape', async () => {
      const tm = await team();
      await t.get(UsageService).recordCall(call(tm.patient, 600));
      const res = await t.http().get(`/v1/payments/orgs/${tm.orgId}/unbilled-costs?days=3`).set('Authorization', tm.admin).expect(200);
      expect(res.body).toMatchObject({
        orgId: tm.orgId,
        totalUnbilledCost: 1,
        patientCosts: [{ patientId: tm.patient.id, patientName: tm.patient.name, conversationCount: 1, totalCost: 1 }],
        period: { days: 3 },
      });
      expect(res.body.patientCosts[0].conversations[0]).toMatchObject({ duration: 600, cost: 1, status: 'answered' });
      await t.http().get(`/v1/payments/orgs/${tm.orgId}/unbilled-costs?days=0`).set('Authorization', tm.admin).expect(400);
    });

    it('denies staff, unverified admins and other orgs (404 like a missing id)', async () => {
      const tm = await team();
      const other = await team();
      await t.http().get(`/v1/payments/orgs/${tm.orgId}/invoices`).set('Authorization', tm.staff).expect(403);
      await t.http().post(`/v1/payments/patients/${tm.patient.id}/invoices`).set('Authorization', tm.staff).expect(403);
      const unverified = await createCaregiver(t, { org: await createOrg(t), role: 'orgAdmin', emailVerified: false });
      await t
        .http()
        .get(`/v1/payments/orgs/${unverified.orgId}/invoices`)
        .set('Authorization', `Bearer ${await loginAs(t, unverified)}`)
        .expect(403);
      const cross = await t.http().get(`/v1/payments/orgs/${other.orgId}/invoices`).set('Authorization', tm.admin).expect(404);
      const missing = await t.http().get(`/v1/payments/orgs/${randomUUID()}/invoices`).set('Authorization', tm.admin).expect(404);
      expect(cross.body).toEqual(missing.body);
      await t.http().post(`/v1/payments/patients/${other.patient.id}/invoices`).set('Authorization', tm.admin).expect(404);
    });

    it('hands out gap-free, unique invoice numbers under concurrent creation (20 at once)', async () => {
      const tm = await team();
      const admin = await createCaregiver(t, { org: { id: tm.orgId } as never, role: 'orgAdmin' });
      const patients = await Promise.all(Array.from({ length: 20 }, () => createPatient(t, admin)));
      for (const p of patients) await t.get(UsageService).recordCall(call(p, 60));
      const token = `Bearer ${await loginAs(t, admin)}`;
      const results = await Promise.all(
        patients.map((p) => t.http().post(`/v1/payments/patients/${p.id}/invoices`).set('Authorization', token)),
      );
      expect(results.map((r) => r.status)).toEqual(patients.map(() => 201));
      const numbers = results.map((r) => Number((r.body as { invoiceNumber: string }).invoiceNumber.slice(4))).sort((a, b) => a - b);
      expect(new Set(numbers).size).toBe(numbers.length);
      expect(numbers[numbers.length - 1] - numbers[0]).toBe(numbers.length - 1);
      // Concurrent invoicing of the same patient bills its usage once.
      const p = patients[0];
      await t.get(UsageService).recordCall(call(p, 60));
      const twice = await Promise.all(
        [0, 1, 2].map(() => t.http().post(`/v1/payments/patients/${p.id}/invoices`).set('Authorization', token)),
      );
      expect(twice.map((r) => r.status).sort()).toEqual([201, 404, 404]);
    });

    it('a nightly job that runs twice bills once (and pushes to Stripe once)', async () => {
      const tm = await team();
      const methods = await t
        .http()
        .post(`/v1/payment-methods/orgs/${tm.orgId}`)
        .set('Authorization', tm.admin)
        .send({ paymentMethodId: `pm_${randomUUID().slice(0, 8)}` });
      expect(methods.status).toBe(201);
      const now = new Date();
      const yesterday = new Date(now.getTime() - 86_400_000);
      const p2 = await createPatient(t, await createCaregiver(t, { org: { id: tm.orgId } as never, role: 'orgAdmin' }));
      await t
        .get(UsageService)
        .recordCall(
          call(tm.patient, 120, { answeredAt: new Date(yesterday.getTime() - 200_000), endedAt: new Date(yesterday.getTime() - 80_000) }),
        );
      await t
        .get(UsageService)
        .recordCall(
          call(p2, 60, { answeredAt: new Date(yesterday.getTime() - 200_000), endedAt: new Date(yesterday.getTime() - 140_000) }),
        );
      const jobs = t.get(BillingJobs);
      const [a, b] = await Promise.all([jobs.closeDay(undefined, now), jobs.closeDay(undefined, now)]);
      const c = await jobs.closeDay(undefined, now);
      const mine = async () =>
        (await t.http().get(`/v1/payments/orgs/${tm.orgId}/invoices`).set('Authorization', tm.admin).expect(200)).body as Array<{
          id: string;
          totalAmountCents: number;
          stripeInvoiceId?: string;
          lineItems: unknown[];
        }>;
      const invoices = await mine();
      expect(invoices).toHaveLength(1);
      expect(invoices[0]).toMatchObject({ totalAmountCents: 30 });
      expect(invoices[0].lineItems).toHaveLength(2);
      expect([...a.invoices, ...b.invoices, ...c.invoices].filter((id) => id === invoices[0].id)).toHaveLength(1);
      expect(invoices[0].stripeInvoiceId).toMatch(/^in_/);
      const creates = stripe
        .calls('POST', '/v1/invoices')
        .filter((r) => (r.params.metadata as Record<string, string> | undefined)?.invoiceId === invoices[0].id);
      expect(creates.filter((r) => !r.replayed)).toHaveLength(1);
      expect(stripe.requests.every((r) => r.method !== 'POST' || r.idempotencyKey)).toBe(true);
      const customer = stripe.paymentMethods.get(methods.body.stripePaymentMethodId)!.customer;
      const meterOf = () =>
        [...stripe.meterEvents.values()].filter((e) => (e.payload as Record<string, string>).stripe_customer_id === customer);
      // Metering runs in the worker (billing.report-usage job).
      await until(() => meterOf().length >= 2);
      const meter = meterOf();
      expect(meter.map((e) => (e.payload as Record<string, string>).value).sort()).toEqual(['120', '60']);
    });
  });

  describe('payment methods (§2.13)', () => {
    it('attaches (first is default), lists default-first, gets, sets default, detaches with the default rule, setup intent', async () => {
      const tm = await team();
      const base = `/v1/payment-methods/orgs/${tm.orgId}`;
      const first = await t.http().post(base).set('Authorization', tm.admin).send({ paymentMethodId: 'pm_first_card' }).expect(201);
      expect(first.body).toMatchObject({
        stripePaymentMethodId: 'pm_first_card',
        org: tm.orgId,
        isDefault: true,
        type: 'card',
        brand: 'visa',
        last4: '4242',
        expMonth: 12,
      });
      const second = await t.http().post(base).set('Authorization', tm.admin).send({ paymentMethodId: 'pm_second_card' }).expect(201);
      expect(second.body.isDefault).toBe(false);

      let list = await t.http().get(base).set('Authorization', tm.admin).expect(200);
      expect(list.body.map((m: { id: string }) => m.id)).toEqual([first.body.id, second.body.id]);
      await t.http().get(`${base}/${second.body.id}`).set('Authorization', tm.admin).expect(200);
      await t.http().get(`${base}/${randomUUID()}`).set('Authorization', tm.admin).expect(404);

      const patched = await t.http().patch(`${base}/${second.body.id}`).set('Authorization', tm.admin).expect(200);
      expect(patched.body.isDefault).toBe(true);
      list = await t.http().get(base).set('Authorization', tm.admin).expect(200);
      expect(list.body.map((m: { id: string; isDefault: boolean }) => [m.id, m.isDefault])).toEqual([
        [second.body.id, true],
        [first.body.id, false],
      ]);
      const customer = [...stripe.customers.values()].find((c) => (c.metadata as Record<string, string>).orgId === tm.orgId)!;
      expect((customer.invoice_settings as Record<string, string>).default_payment_method).toBe('pm_second_card');

      // Deleting the default promotes the other; the only remaining default cannot go.
      await t.http().delete(`${base}/${second.body.id}`).set('Authorization', tm.admin).expect(204, '');
      list = await t.http().get(base).set('Authorization', tm.admin).expect(200);
      expect(list.body).toMatchObject([{ id: first.body.id, isDefault: true }]);
      const refused = await t.http().delete(`${base}/${first.body.id}`).set('Authorization', tm.admin).expect(400);
      expect(refused.body.message).toBe('Cannot detach the default payment method. Set another payment method as default first.');

      const declined = await t
        .http()
        .post(base)
        .set('Authorization', tm.admin)
        .send({ paymentMethodId: 'pm_card_chargeDeclined' })
        .expect(400);
      expect(declined.body.message).toMatch(/^Card error: /);
      await t.http().post(base).set('Authorization', tm.admin).send({ paymentMethodId: 'not-a-pm' }).expect(400);

      const intent = await t.http().post(`${base}/setup-intent`).set('Authorization', tm.admin).expect(201);
      expect(intent.body).toMatchObject({ id: expect.stringMatching(/^seti_/), clientSecret: expect.stringContaining('_secret_') });
      // One Stripe customer per org, however many calls.
      expect([...stripe.customers.values()].filter((c) => (c.metadata as Record<string, string>).orgId === tm.orgId)).toHaveLength(1);
    });

    it('denies staff and other orgs; serves the publishable key publicly', async () => {
      const tm = await team();
      const other = await team();
      await t.http().get(`/v1/payment-methods/orgs/${tm.orgId}`).set('Authorization', tm.staff).expect(403);
      await t
        .http()
        .post(`/v1/payment-methods/orgs/${other.orgId}`)
        .set('Authorization', tm.admin)
        .send({ paymentMethodId: 'pm_x' })
        .expect(404);
      await t.http().get(`/v1/payment-methods/orgs/${tm.orgId}`).expect(401);
      const key = await t.http().get('/v1/stripe/publishable-key').expect(200);
      expect(key.body).toEqual({ publishableKey: 'pk_test_bianca', mode: 'test' });
    });
  });

  describe('fake Stripe idempotency', () => {
    it('replays the same key + params and refuses the same key with other params', async () => {
      const sdk = new Stripe('sk_test_direct', {
        host: '127.0.0.1',
        port: Number(new URL(stripe.url).port),
        protocol: 'http',
        maxNetworkRetries: 0,
      });
      const a = await sdk.customers.create({ name: 'A' }, { idempotencyKey: 'idem-1' });
      const b = await sdk.customers.create({ name: 'A' }, { idempotencyKey: 'idem-1' });
      expect(b.id).toBe(a.id);
      await expect(sdk.customers.create({ name: 'B' }, { idempotencyKey: 'idem-1' })).rejects.toBeInstanceOf(
        Stripe.errors.StripeIdempotencyError,
      );
    });
  });

  describe('webhook (security.md W1)', () => {
    async function stripeInvoice(): Promise<{ tm: Team; invoiceId: string; stripeInvoiceId: string }> {
      const tm = await team();
      await t
        .http()
        .post(`/v1/payment-methods/orgs/${tm.orgId}`)
        .set('Authorization', tm.admin)
        .send({ paymentMethodId: `pm_${randomUUID().slice(0, 8)}` })
        .expect(201);
      await t.get(UsageService).recordCall(call(tm.patient, 300));
      const inv = await t.http().post(`/v1/payments/patients/${tm.patient.id}/invoices`).set('Authorization', tm.admin).expect(201);
      expect(inv.body.stripeInvoiceId).toMatch(/^in_/);
      return { tm, invoiceId: inv.body.id, stripeInvoiceId: inv.body.stripeInvoiceId };
    }

    function event(type: string, stripeInvoiceId: string, id = `evt_${randomUUID()}`): Record<string, unknown> {
      return {
        id,
        object: 'event',
        type,
        api_version: Stripe.API_VERSION,
        created: Math.floor(Date.now() / 1000),
        data: { object: { id: stripeInvoiceId, object: 'invoice' } },
      };
    }

    function post(payload: string, header: string | undefined) {
      const req = t.http().post('/v1/stripe/webhook').set('Content-Type', 'application/json');
      return (header ? req.set('Stripe-Signature', header) : req).send(payload);
    }

    async function statusOf(tm: Team, invoiceId: string): Promise<string> {
      const list = await t.http().get(`/v1/payments/orgs/${tm.orgId}/invoices`).set('Authorization', tm.admin).expect(200);
      return (list.body as Array<{ id: string; status: string }>).find((i) => i.id === invoiceId)!.status;
    }

    it('verifies the signature on the raw bytes (changed body, old or future timestamp, missing header → 400)', async () => {
      const { stripeInvoiceId } = await stripeInvoice();
      const { payload, header } = stripe.signedWebhook(event('invoice.finalized', stripeInvoiceId), WEBHOOK_SECRET);
      await post(`${payload} `, header).expect(400);
      await post(payload.replace('invoice.finalized', 'invoice.finalizeD'), header).expect(400);
      await post(payload, undefined).expect(400);
      await post(payload, 't=abc,v1=zz').expect(400);
      const old = stripe.signedWebhook(event('invoice.finalized', stripeInvoiceId), WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 301);
      await post(old.payload, old.header).expect(400);
      const future = stripe.signedWebhook(event('invoice.finalized', stripeInvoiceId), WEBHOOK_SECRET, Math.floor(Date.now() / 1000) + 600);
      await post(future.payload, future.header).expect(400);
      const wrongSecret = stripe.signedWebhook(event('invoice.finalized', stripeInvoiceId), 'whsec_other');
      await post(wrongSecret.payload, wrongSecret.header).expect(400);
      const ok = await post(payload, header).expect(200);
      expect(ok.body).toEqual({ received: true });
    });

    it('marks the invoice paid; duplicates (also concurrent) have one effect; out-of-order events keep the final state', async () => {
      const { tm, invoiceId, stripeInvoiceId } = await stripeInvoice();
      expect(await statusOf(tm, invoiceId)).toBe('pending');
      stripe.setInvoiceStatus(stripeInvoiceId, 'paid');
      const paid = stripe.signedWebhook(event('invoice.paid', stripeInvoiceId), WEBHOOK_SECRET);
      const before = stripe.calls('GET', `/v1/invoices/${stripeInvoiceId}`).length;
      const answers = await Promise.all(Array.from({ length: 5 }, () => post(paid.payload, paid.header)));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      expect(await statusOf(tm, invoiceId)).toBe('paid');
      expect(stripe.calls('GET', `/v1/invoices/${stripeInvoiceId}`).length - before).toBe(1);

      // A late `invoice.finalized` (sent before `paid`, delivered after) re-reads Stripe: still paid.
      const late = stripe.signedWebhook(event('invoice.finalized', stripeInvoiceId), WEBHOOK_SECRET);
      await post(late.payload, late.header).expect(200);
      expect(await statusOf(tm, invoiceId)).toBe('paid');
    });

    it('a failing handler answers 5xx (Stripe retries) and the retry is applied', async () => {
      const { tm, invoiceId, stripeInvoiceId } = await stripeInvoice();
      stripe.setInvoiceStatus(stripeInvoiceId, 'uncollectible');
      const failed = stripe.signedWebhook(event('invoice.payment_failed', stripeInvoiceId), WEBHOOK_SECRET);
      stripe.failing = true;
      try {
        const res = await post(failed.payload, failed.header);
        expect(res.status).toBeGreaterThanOrEqual(500);
      } finally {
        stripe.failing = false;
      }
      expect(await statusOf(tm, invoiceId)).toBe('pending');
      await post(failed.payload, failed.header).expect(200);
      expect(await statusOf(tm, invoiceId)).toBe('overdue');
    });
  });

  describe('without Stripe keys', () => {
    let plain: TestApp;
    beforeAll(async () => {
      plain = await createTestApp();
    });
    afterAll(async () => {
      await plain.close();
    });

    it('usage and invoices work; Stripe routes answer 503 "Billing is not configured"', async () => {
      const org = await createOrg(plain);
      const admin = await createCaregiver(plain, { org, role: 'orgAdmin' });
      const token = `Bearer ${await loginAs(plain, admin)}`;
      const patient = await createPatient(plain, admin);
      await plain.get(UsageService).recordCall(call(patient, 60));
      const inv = await plain.http().post(`/v1/payments/patients/${patient.id}/invoices`).set('Authorization', token).expect(201);
      expect(inv.body).toMatchObject({ totalAmount: 0.1, stripeSynced: false });
      expect((await plain.get(InvoiceService).closeDue(new Date(), { orgId: org.id })).invoices).toEqual([]);

      const key = await plain.http().get('/v1/stripe/publishable-key').expect(503);
      expect(key.body).toMatchObject({ code: 503, message: 'Billing is not configured' });
      await plain.http().get(`/v1/payment-methods/orgs/${org.id}`).set('Authorization', token).expect(503);
      await plain
        .http()
        .post(`/v1/payment-methods/orgs/${org.id}`)
        .set('Authorization', token)
        .send({ paymentMethodId: 'pm_x' })
        .expect(503);
      await plain.http().post(`/v1/payment-methods/orgs/${org.id}/setup-intent`).set('Authorization', token).expect(503);
      await plain.http().post('/v1/stripe/webhook').set('Stripe-Signature', 't=1,v1=00').send('{}').expect(503);
    });
  });
});
