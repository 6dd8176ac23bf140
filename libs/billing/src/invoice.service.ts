import { Injectable, Logger } from '@nestjs/common';
import { scopeOf, type AuthActor } from '@app/auth';
import { AuditService } from '@app/audit';
import { OrgService } from '@app/orgs';
import { PatientService } from '@app/patients';
import { DatabaseService, NotFoundError, serializeError, type Tx } from '@app/platform';
import { BillingRepository, type InvoiceFilter } from './billing.repository';
import type { InvoiceRow, LineItemRow, UsageRecordRow } from './billing.table';
import { StripeGateway } from './stripe.gateway';

export const INVOICE_DUE_DAYS = 30;
export const NO_UNCHARGED = 'No uncharged conversations found';
export const ORG_NOT_FOUND = 'Organization not found';
/** Stripe Billing Meter event name the usage is reported under (value = billable seconds). */
export const METER_EVENT_NAME = 'bianca_call_seconds';

const DAY_MS = 86_400_000;

export function formatInvoiceNumber(n: number): string {
  return `INV-${String(n).padStart(6, '0')}`;
}

/** Start of the UTC day containing `at`. */
export function utcDayStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

export interface InvoiceWithLines {
  invoice: InvoiceRow;
  lines: LineItemRow[];
}

export interface UnbilledCosts {
  orgId: string;
  orgName: string;
  totalUnbilledCost: number;
  patientCosts: Array<{
    patientId: string;
    patientName: string;
    conversationCount: number;
    totalCost: number;
    conversations: Array<{ conversationId: string; startTime: string; duration: number; cost: number; status: string }>;
  }>;
  period: { days: number; startDate: string; endDate: string };
}

export interface CloseDayResult {
  day: string;
  invoices: string[];
}

/**
 * Invoices bill usage records (one per call, see UsageService): a patient's invoice takes every
 * not-yet-invoiced record of that patient (calls without billable seconds appear at $0.00); the
 * nightly job closes each org's usage up to the end of the previous UTC day into one invoice (a
 * line per patient). Numbers come from one counter row updated inside the invoice transaction:
 * gap-free and race-free. Money is integer cents; the wire shows dollars (`totalAmount`).
 */
@Injectable()
export class InvoiceService {
  private readonly logger = new Logger('InvoiceService');

  constructor(
    private readonly database: DatabaseService,
    private readonly repo: BillingRepository,
    private readonly orgs: OrgService,
    private readonly patients: PatientService,
    private readonly audit: AuditService,
    private readonly stripe: StripeGateway,
  ) {}

  /** $1: invoices every not-yet-invoiced call of the patient. */
  async createForPatient(actor: AuthActor, patientId: string, now = new Date()): Promise<InvoiceWithLines> {
    const patient = await this.patients.access(actor, patientId, 'read');
    const created = await this.database.transaction(async (tx) => {
      const usage = await this.repo.lockUnbilledOfPatient(patient.orgId, patient.id, tx);
      if (usage.length === 0) throw new NotFoundError(NO_UNCHARGED, 'NoUnchargedConversations');
      const invoice = await this.insertInvoice(patient.orgId, usage, now, null, tx);
      await this.audit.record(
        {
          action: 'billing.invoice.create',
          resourceType: 'invoice',
          resourceIds: [invoice.invoice.id],
          orgId: patient.orgId,
          outcome: 'success',
        },
        tx,
      );
      return invoice;
    });
    await this.syncToStripeQuietly(created.invoice.id);
    return { invoice: (await this.repo.invoiceById(created.invoice.id)) ?? created.invoice, lines: created.lines };
  }

  /** $2: invoices with a line for the patient. */
  async listForPatient(actor: AuthActor, patientId: string, filter: InvoiceFilter): Promise<InvoiceWithLines[]> {
    const patient = await this.patients.access(actor, patientId, 'read');
    return this.withLines(await this.repo.invoicesOfPatient(patient.orgId, patient.id, filter));
  }

  /** $3: an org's invoices. */
  async listForOrg(actor: AuthActor, orgId: string, filter: InvoiceFilter): Promise<InvoiceWithLines[]> {
    const org = await this.orgInScope(actor, orgId);
    return this.withLines(await this.repo.invoicesOfOrg(scopeOf(actor), org.id, filter));
  }

  /** $4: not-yet-invoiced usage of the last `days` days, by patient. */
  async unbilledCosts(actor: AuthActor, orgId: string, days: number, now = new Date()): Promise<UnbilledCosts> {
    const org = await this.orgInScope(actor, orgId);
    const since = new Date(now.getTime() - days * DAY_MS);
    const usage = await this.repo.unbilledOfOrgSince(org.id, since);
    const byPatient = new Map<string, UsageRecordRow[]>();
    for (const u of usage) byPatient.set(u.patientId, [...(byPatient.get(u.patientId) ?? []), u]);
    // Patient names are PHI: only members of the org see them (a superAdmin gets ids only).
    const showNames = actor.orgId === org.id;
    const patientCosts: UnbilledCosts['patientCosts'] = [];
    for (const [patientId, rows] of byPatient) {
      const name = showNames ? ((await this.patients.find(org.id, patientId))?.name ?? '') : '';
      const totalCents = rows.reduce((s, r) => s + r.amountCents, 0);
      patientCosts.push({
        patientId,
        patientName: name,
        conversationCount: rows.length,
        totalCost: totalCents / 100,
        conversations: rows.map((r) => ({
          conversationId: r.conversationId,
          startTime: (r.answeredAt ?? r.startedAt ?? r.endedAt).toISOString(),
          duration: r.billableSeconds,
          cost: r.amountCents / 100,
          status: r.outcome,
        })),
      });
    }
    if (showNames && byPatient.size > 0) {
      await this.audit.record({
        action: 'billing.unbilled.read',
        resourceType: 'org',
        resourceIds: [org.id],
        patientIds: [...byPatient.keys()],
        orgId: org.id,
        outcome: 'success',
      });
    }
    return {
      orgId: org.id,
      orgName: org.name,
      totalUnbilledCost: usage.reduce((s, r) => s + r.amountCents, 0) / 100,
      patientCosts,
      period: { days, startDate: since.toISOString(), endDate: now.toISOString() },
    };
  }

  /**
   * The nightly close: every org's not-yet-invoiced usage that ended before the end of `day`
   * (UTC) becomes one invoice keyed `daily:<org>:<day>`. Running it again (or concurrently) finds
   * the key or no unbilled usage and bills nothing twice. Then pushes new invoices and unreported
   * usage to Stripe (idempotency keys derived from our ids).
   */
  async closeDay(day: Date, now = new Date()): Promise<CloseDayResult> {
    const dayStart = utcDayStart(day);
    const dayEnd = new Date(dayStart.getTime() + DAY_MS);
    const label = dayStart.toISOString().slice(0, 10);
    const created: string[] = [];
    for (const orgId of await this.repo.orgsWithUnbilledBefore(dayEnd)) {
      const key = `daily:${orgId}:${label}`;
      const invoice = await this.database.transaction(async (tx) => {
        if (await this.repo.invoiceByBillingKey(key, tx)) return undefined;
        const usage = await this.repo.lockUnbilledOfOrgBefore(orgId, dayEnd, tx);
        if (usage.length === 0) return undefined;
        const made = await this.insertInvoice(orgId, usage, now, key, tx);
        await this.audit.record(
          {
            action: 'billing.invoice.create',
            resourceType: 'invoice',
            resourceIds: [made.invoice.id],
            orgId,
            outcome: 'success',
            actor: null,
          },
          tx,
        );
        return made.invoice;
      });
      if (invoice) created.push(invoice.id);
    }
    if (this.stripe.configured) {
      for (const id of created) await this.syncToStripe(id);
      await this.reportUsage();
    }
    return { day: label, invoices: created };
  }

  /** Creates the Stripe invoice (items, finalize) of a local invoice once; a no-op without a customer or amount. */
  async syncToStripe(invoiceId: string): Promise<void> {
    if (!this.stripe.configured) return;
    const invoice = await this.repo.invoiceById(invoiceId);
    if (!invoice || invoice.stripeInvoiceId || invoice.totalCents === 0) return;
    const org = await this.orgs.find(invoice.orgId);
    if (!org?.stripeCustomerId) return;
    const customer = org.stripeCustomerId;
    const lines = await this.repo.lineItemsOf([invoice.id]);
    await this.stripe.call(async (stripe) => {
      const remote = await stripe.invoices.create(
        {
          customer,
          collection_method: 'charge_automatically',
          auto_advance: true,
          pending_invoice_items_behavior: 'exclude',
          metadata: { invoiceId: invoice.id, orgId: invoice.orgId, invoiceNumber: invoice.invoiceNumber },
        },
        { idempotencyKey: `invoice:${invoice.id}` },
      );
      for (const line of lines) {
        if (line.amountCents === 0) continue;
        const item = await stripe.invoiceItems.create(
          {
            customer,
            invoice: remote.id,
            amount: line.amountCents,
            currency: 'usd',
            description: line.description,
            metadata: { invoiceId: invoice.id, lineItemId: line.id, orgId: invoice.orgId, patientId: line.patientId },
          },
          { idempotencyKey: `invoice-item:${line.id}` },
        );
        await this.repo.setLineItemStripeId(line.id, item.id);
      }
      const finalized = await stripe.invoices.finalizeInvoice(
        remote.id,
        { auto_advance: true },
        { idempotencyKey: `invoice-finalize:${invoice.id}` },
      );
      await this.repo.updateInvoice(invoice.id, {
        stripeInvoiceId: finalized.id,
        stripeSynced: true,
        stripeSyncedAt: new Date(),
        ...(finalized.status === 'paid' ? { status: 'paid' as const, paidAt: new Date() } : {}),
      });
    });
  }

  /** Reports billable seconds of calls of orgs with a Stripe customer as Billing Meter events (once per record). */
  async reportUsage(limit = 500): Promise<number> {
    if (!this.stripe.configured) return 0;
    let reported = 0;
    const customers = new Map<string, string | null>();
    for (const usage of await this.repo.unreportedUsage(limit)) {
      if (!customers.has(usage.orgId)) customers.set(usage.orgId, (await this.orgs.find(usage.orgId))?.stripeCustomerId ?? null);
      const customer = customers.get(usage.orgId);
      if (!customer) continue;
      await this.stripe.call((stripe) =>
        stripe.billing.meterEvents.create(
          {
            event_name: METER_EVENT_NAME,
            identifier: usage.id,
            timestamp: Math.floor(usage.endedAt.getTime() / 1000),
            payload: { stripe_customer_id: customer, value: String(usage.billableSeconds) },
          },
          { idempotencyKey: `meter:${usage.id}` },
        ),
      );
      await this.repo.markReported(usage.id);
      reported++;
    }
    return reported;
  }

  private async syncToStripeQuietly(invoiceId: string): Promise<void> {
    try {
      await this.syncToStripe(invoiceId);
    } catch (err) {
      // The invoice exists locally; the nightly job retries the push (idempotent keys).
      this.logger.warn({ msg: 'stripe invoice sync failed; will retry', invoiceId, err: serializeError(err) });
    }
  }

  private async insertInvoice(
    orgId: string,
    usage: UsageRecordRow[],
    now: Date,
    billingKey: string | null,
    tx: Tx,
  ): Promise<InvoiceWithLines> {
    const number = await this.repo.nextInvoiceNumber(tx);
    const total = usage.reduce((s, u) => s + u.amountCents, 0);
    const periodStart = usage.reduce((m, u) => (u.endedAt < m ? u.endedAt : m), usage[0].endedAt);
    const periodEnd = usage.reduce((m, u) => (u.endedAt > m ? u.endedAt : m), usage[0].endedAt);
    const invoice = await this.repo.insertInvoice(
      {
        orgId,
        invoiceNumber: formatInvoiceNumber(number),
        issueDate: now,
        dueDate: new Date(now.getTime() + INVOICE_DUE_DAYS * DAY_MS),
        status: 'pending',
        totalCents: total,
        periodStart,
        periodEnd,
        billingKey,
      },
      tx,
    );
    const byPatient = new Map<string, UsageRecordRow[]>();
    for (const u of usage) byPatient.set(u.patientId, [...(byPatient.get(u.patientId) ?? []), u]);
    const lines: LineItemRow[] = [];
    for (const [patientId, rows] of byPatient) {
      const seconds = rows.reduce((s, r) => s + r.billableSeconds, 0);
      const line = await this.repo.insertLineItem(
        {
          invoiceId: invoice.id,
          orgId,
          patientId,
          description: `Billing for ${seconds} seconds of conversation (${rows.length} call${rows.length === 1 ? '' : 's'})`,
          quantitySeconds: seconds,
          conversationCount: rows.length,
          unitPriceCentsPerMinute: rows[0].rateCentsPerMinute,
          amountCents: rows.reduce((s, r) => s + r.amountCents, 0),
          periodStart: rows[0].endedAt,
          periodEnd: rows[rows.length - 1].endedAt,
        },
        tx,
      );
      await this.repo.markInvoiced(
        rows.map((r) => r.id),
        invoice.id,
        line.id,
        tx,
      );
      lines.push(line);
    }
    return { invoice, lines };
  }

  private async withLines(rows: InvoiceRow[]): Promise<InvoiceWithLines[]> {
    const lines = await this.repo.lineItemsOf(rows.map((r) => r.id));
    return rows.map((invoice) => ({ invoice, lines: lines.filter((l) => l.invoiceId === invoice.id) }));
  }

  private async orgInScope(actor: AuthActor, orgId: string) {
    const org = await this.orgs.find(orgId);
    if (!org || (actor.role !== 'superAdmin' && actor.orgId !== org.id)) throw new NotFoundError(ORG_NOT_FOUND, 'OrgNotFound');
    return org;
  }
}
