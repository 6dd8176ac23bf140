import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { scopeOf, type AuthActor } from '@app/auth';
import { AuditService } from '@app/audit';
import { ConversationService } from '@app/conversations';
import { OrgService } from '@app/orgs';
import { PatientService } from '@app/patients';
import { Clock, DatabaseService, NotFoundError, QueueService, ValidationError, serializeError, type DbOrTx, type Tx } from '@app/platform';
import { BillingRepository, type InvoiceFilter } from './billing.repository';
import type { InvoiceRow, LineItemRow, UsageRecordRow } from './billing.table';
import { StripeGateway } from './stripe.gateway';
import { UsageService, amountCentsOf, billableSecondsOf, usageReportOfConversation } from './usage.service';

export const INVOICE_DUE_DAYS = 30;
export const NO_UNCHARGED = 'No uncharged conversations found';
export const ORG_NOT_FOUND = 'Organization not found';
/** Stripe Billing Meter event name the usage is reported under (value = billable seconds, customer by id). */
export const METER_EVENT_NAME = 'bianca_call_seconds';
/**
 * An ended conversation the pipeline has not reported within this time is billed from its own row
 * (usually $0.00); younger ones wait for the pipeline's report (next invoice).
 */
export const UNREPORTED_GRACE_MS = 10 * 60_000;

const DAY_MS = 86_400_000;
const PAGE = 500;

export function formatInvoiceNumber(n: number): string {
  return `INV-${String(n).padStart(6, '0')}`;
}

/** A valid IANA zone or UTC. */
export function zoneOrUtc(timezone: string | null | undefined): string {
  return timezone && DateTime.local().setZone(timezone).isValid ? timezone : 'UTC';
}

/**
 * The org-local day to close: `day` (YYYY-MM-DD) if given, else the local day before `now`.
 * Returns its label and its end (local midnight after it) as an instant; DST-safe (23/25-h days).
 */
export function localDayToClose(now: Date, timezone: string, day?: string): { label: string; start: Date; end: Date } {
  const zone = zoneOrUtc(timezone);
  if (day !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(day) && DateTime.fromISO(day, { zone }).isValid)) {
    throw new ValidationError('day must be a calendar date (YYYY-MM-DD)');
  }
  const start = day
    ? DateTime.fromISO(day, { zone }).startOf('day')
    : DateTime.fromJSDate(now, { zone }).startOf('day').minus({ days: 1 }).startOf('day');
  const end = start.plus({ days: 1 }).startOf('day');
  return { label: start.toISODate() ?? '', start: start.toJSDate(), end: end.toJSDate() };
}

export interface InvoiceWithLines {
  invoice: InvoiceRow;
  lines: LineItemRow[];
}

export interface StripeUsage {
  totalUsage: number;
  currentPeriodStart: string;
  currentPeriodEnd: string;
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
  stripeUsage?: StripeUsage;
}

export interface CloseDayResult {
  /** The org-local days closed (one per org with usage), `orgId → YYYY-MM-DD`. */
  days: Record<string, string>;
  invoices: string[];
}

/** What an invoice bills: usage rows (money) — one per conversation. */
type Billable = Pick<
  UsageRecordRow,
  'conversationId' | 'patientId' | 'answeredAt' | 'startedAt' | 'endedAt' | 'billableSeconds' | 'amountCents' | 'outcome'
>;

/**
 * Invoices bill conversations through their usage records (one per conversation, money in
 * integer cents): the pipeline reports each finished call (UsageService.recordCall); an ended
 * conversation never reported is billed from its own row (0 s unless the carrier confirmed an
 * answer). Invoicing links both sides: usage.invoice_id/line_item_id and
 * conversations.line_item_id. $1 takes every not-yet-invoiced conversation of the patient; the
 * nightly close takes, per org, everything that ended before the org's local midnight into one
 * invoice keyed `daily:<org>:<local day>` (running it twice bills once). Numbers come from one
 * counter row updated inside the invoice transaction: gap-free and race-free.
 */
@Injectable()
export class InvoiceService {
  private readonly logger = new Logger('InvoiceService');
  private meterId: string | undefined;

  constructor(
    private readonly database: DatabaseService,
    private readonly repo: BillingRepository,
    private readonly orgs: OrgService,
    private readonly patients: PatientService,
    private readonly conversations: ConversationService,
    private readonly usage: UsageService,
    private readonly audit: AuditService,
    private readonly stripe: StripeGateway,
    private readonly queues: QueueService,
    private readonly clock: Clock,
  ) {}

  /** $1: invoices every not-yet-invoiced conversation of the patient ($0.00 ones included). */
  async createForPatient(actor: AuthActor, patientId: string, now = this.clock.now()): Promise<InvoiceWithLines> {
    const patient = await this.patients.access(actor, patientId, 'read');
    const created = await this.database.transaction(async (tx) => {
      await this.recordUnreported(
        { orgId: patient.orgId, patientId: patient.id, endedBefore: new Date(now.getTime() - UNREPORTED_GRACE_MS) },
        tx,
      );
      const usage = await this.repo.lockUnbilledOfPatient(patient.orgId, patient.id, tx);
      if (usage.length === 0) throw new NotFoundError(NO_UNCHARGED, 'NoUnchargedConversations');
      const invoice = await this.insertInvoice(patient.orgId, usage, now, null, null, tx);
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
    // The list names the patient's calls and charges: a PHI read, audited in its transaction (L1).
    return this.database.transaction(async (tx) => {
      const invoices = await this.withLines(await this.repo.invoicesOfPatient(patient.orgId, patient.id, filter, tx), tx);
      await this.audit.record(
        {
          action: 'billing.invoice.list',
          resourceType: 'invoice',
          resourceIds: invoices.map((i) => i.invoice.id).slice(0, 1000),
          patientIds: [patient.id],
          orgId: patient.orgId,
          outcome: 'success',
        },
        tx,
      );
      return invoices;
    });
  }

  /** $3: an org's invoices. */
  async listForOrg(actor: AuthActor, orgId: string, filter: InvoiceFilter): Promise<InvoiceWithLines[]> {
    const org = await this.orgInScope(actor, orgId);
    return this.withLines(await this.repo.invoicesOfOrg(scopeOf(actor), org.id, filter));
  }

  /**
   * $4: not-yet-invoiced conversations that ended in the last `days` days, by patient: the usage
   * records, plus ended conversations not reported yet, priced as an invoice would price them.
   * `stripeUsage`: the org's metered seconds this month as Stripe counts them (org with a Stripe customer).
   */
  async unbilledCosts(actor: AuthActor, orgId: string, days: number, now = this.clock.now()): Promise<UnbilledCosts> {
    const org = await this.orgInScope(actor, orgId);
    const since = new Date(now.getTime() - days * DAY_MS);
    const recorded: Billable[] = await this.repo.unbilledOfOrgSince(org.id, since);
    const pending = await this.unreportedPreview(org.id, since, now);
    const rows = [...recorded, ...pending].sort(
      (a, b) => a.endedAt.getTime() - b.endedAt.getTime() || a.conversationId.localeCompare(b.conversationId),
    );
    const byPatient = new Map<string, Billable[]>();
    for (const u of rows) byPatient.set(u.patientId, [...(byPatient.get(u.patientId) ?? []), u]);
    // Patient names are PHI: only members of the org see them (a superAdmin gets ids only).
    const showNames = actor.orgId === org.id;
    const patientCosts: UnbilledCosts['patientCosts'] = [];
    for (const [patientId, list] of byPatient) {
      const name = showNames ? ((await this.patients.find(org.id, patientId))?.name ?? '') : '';
      const totalCents = list.reduce((s, r) => s + r.amountCents, 0);
      patientCosts.push({
        patientId,
        patientName: name,
        conversationCount: list.length,
        totalCost: totalCents / 100,
        conversations: list.map((r) => ({
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
    const stripeUsage = org.stripeCustomerId ? await this.stripeUsageQuietly(org.stripeCustomerId, now) : undefined;
    return {
      orgId: org.id,
      orgName: org.name,
      totalUnbilledCost: rows.reduce((s, r) => s + r.amountCents, 0) / 100,
      patientCosts,
      period: { days, startDate: since.toISOString(), endDate: now.toISOString() },
      ...(stripeUsage ? { stripeUsage } : {}),
    };
  }

  /**
   * The nightly close (hourly job; each org is closed once per local day). For every org with
   * not-yet-invoiced usage: the previous day in the org's IANA timezone (or `opts.day`), its end =
   * the local midnight after it (DST-safe); everything that ended before it becomes one invoice
   * keyed `daily:<org>:<day>`, so a second (or concurrent) run bills nothing twice. Then pushes
   * invoices to Stripe (orgs with a default payment method) and queues meter reporting.
   */
  async closeDue(now = this.clock.now(), opts: { day?: string; orgId?: string } = {}): Promise<CloseDayResult> {
    if (opts.day !== undefined) localDayToClose(now, 'UTC', opts.day); // 400 (not retried) before any work
    await this.recordUnreported({ orgId: opts.orgId, endedBefore: new Date(now.getTime() - UNREPORTED_GRACE_MS) });
    const result: CloseDayResult = { days: {}, invoices: [] };
    const orgIds = (await this.repo.orgsWithUnbilledBefore(now)).filter((id) => !opts.orgId || id === opts.orgId);
    for (const orgId of orgIds) {
      const org = await this.orgs.find(orgId);
      const window = localDayToClose(now, zoneOrUtc(org?.timezone), opts.day);
      if (window.end.getTime() > now.getTime()) continue; // that local day has not ended yet
      result.days[orgId] = window.label;
      const key = `daily:${orgId}:${window.label}`;
      const invoice = await this.database.transaction(async (tx) => {
        if (await this.repo.invoiceByBillingKey(key, tx)) return undefined;
        const usage = await this.repo.lockUnbilledOfOrgBefore(orgId, window.end, tx);
        if (usage.length === 0) return undefined;
        const patientCount = new Set(usage.map((u) => u.patientId)).size;
        const made = await this.insertInvoice(
          orgId,
          usage,
          now,
          key,
          `Daily billing for ${patientCount} patient${patientCount === 1 ? '' : 's'} (${window.label})`,
          tx,
        );
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
      if (invoice) result.invoices.push(invoice.id);
    }
    if (this.stripe.configured) {
      await this.queues.enqueue('billing.report-usage', {});
      await this.syncPendingInvoices();
    }
    return result;
  }

  /** Pushes every unsynced invoice of orgs with a default payment method; throws after trying all if any failed. */
  async syncPendingInvoices(): Promise<number> {
    if (!this.stripe.configured) return 0;
    let failed: unknown;
    let synced = 0;
    for (const invoice of await this.repo.unsyncedInvoices(PAGE)) {
      try {
        if (await this.syncToStripe(invoice.id)) synced++;
      } catch (err) {
        failed ??= err;
        this.logger.warn({ msg: 'stripe invoice sync failed; will retry', invoiceId: invoice.id, err: serializeError(err) });
      }
    }
    if (failed) throw failed instanceof Error ? failed : new Error('stripe invoice sync failed');
    return synced;
  }

  /**
   * Creates the Stripe invoice of a local invoice once (org with a Stripe customer and a default
   * payment method; amount > 0): create → items → finalize, each with an idempotency key derived
   * from our ids, and the Stripe id stored as soon as it exists, so a retry after any failure
   * (even past Stripe's 24-h key window) continues instead of duplicating. Stripe then charges
   * the default method (`charge_automatically`); webhooks mirror the outcome. Returns whether it synced.
   */
  async syncToStripe(invoiceId: string): Promise<boolean> {
    if (!this.stripe.configured) return false;
    const invoice = await this.repo.invoiceById(invoiceId);
    if (!invoice || invoice.stripeSynced || invoice.totalCents === 0) return false;
    const org = await this.orgs.find(invoice.orgId);
    const method = await this.repo.defaultPaymentMethod(invoice.orgId);
    if (!org?.stripeCustomerId || !method) return false;
    const customer = org.stripeCustomerId;
    const lines = await this.repo.lineItemsOf([invoice.id]);
    await this.stripe.call(async (stripe) => {
      let stripeInvoiceId = invoice.stripeInvoiceId;
      if (stripeInvoiceId) {
        // A retry: if it got finalized meanwhile (our finalize answered but we did not record it), only record it.
        const remote = await stripe.invoices.retrieve(stripeInvoiceId);
        if (remote.status !== 'draft') {
          await this.repo.updateInvoice(invoice.id, { stripeSynced: true, stripeSyncedAt: new Date() });
          return;
        }
      } else {
        const remote = await stripe.invoices.create(
          {
            customer,
            collection_method: 'charge_automatically',
            // Not auto-finalized while we add the items; finalize (below) turns automatic collection on.
            auto_advance: false,
            pending_invoice_items_behavior: 'exclude',
            metadata: { invoiceId: invoice.id, orgId: invoice.orgId, invoiceNumber: invoice.invoiceNumber },
          },
          { idempotencyKey: `invoice:${invoice.id}` },
        );
        stripeInvoiceId = remote.id;
        await this.repo.updateInvoice(invoice.id, { stripeInvoiceId, paymentMethodId: method.id });
      }
      for (const line of lines) {
        if (line.amountCents === 0 || line.stripeInvoiceItemId) continue;
        const item = await stripe.invoiceItems.create(
          {
            customer,
            invoice: stripeInvoiceId,
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
        stripeInvoiceId,
        { auto_advance: true },
        { idempotencyKey: `invoice-finalize:${invoice.id}` },
      );
      await this.repo.updateInvoice(invoice.id, {
        stripeSynced: true,
        stripeSyncedAt: new Date(),
        ...(finalized.status === 'paid' ? { status: 'paid' as const, paidAt: new Date() } : {}),
      });
    });
    return true;
  }

  /**
   * Reports billable seconds of orgs with a Stripe customer as Billing Meter events, once per
   * usage record: `identifier` = usage id (Stripe dedupes on it) and Idempotency-Key
   * `meter:<usage id>`; marked reported only after Stripe answered. Throws on a Stripe failure
   * (the job retries; records already reported stay reported). Returns how many were reported.
   */
  async reportUsage(limit = PAGE): Promise<number> {
    if (!this.stripe.configured) return 0;
    let reported = 0;
    for (const orgId of await this.repo.orgsWithUnreportedUsage()) {
      const customer = (await this.orgs.find(orgId))?.stripeCustomerId;
      if (!customer) continue;
      await this.ensureMeter(); // real Stripe rejects events of an unknown meter
      for (const usage of await this.repo.unreportedUsageOfOrg(orgId, limit)) {
        await this.stripe.call(async (stripe) => {
          try {
            await stripe.billing.meterEvents.create(
              {
                event_name: METER_EVENT_NAME,
                identifier: usage.id,
                timestamp: Math.floor(usage.endedAt.getTime() / 1000),
                payload: { stripe_customer_id: customer, value: String(usage.billableSeconds) },
              },
              { idempotencyKey: `meter:${usage.id}` },
            );
          } catch (err) {
            // Reported before (our key expired, or the mark was lost): Stripe already has the event.
            if (!(err instanceof Error && /already exists with identifier/i.test(err.message))) throw err;
          }
        });
        await this.repo.markReported(usage.id);
        reported++;
      }
    }
    return reported;
  }

  /** The org's metered seconds in the current (UTC calendar month) period, as Stripe aggregates them. */
  async stripeUsageOf(customer: string, now = this.clock.now()): Promise<StripeUsage> {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const meter = await this.ensureMeter();
    const summaries = await this.stripe.call((stripe) =>
      stripe.billing.meters
        .listEventSummaries(meter, { customer, start_time: start.getTime() / 1000, end_time: end.getTime() / 1000 })
        .autoPagingToArray({ limit: 100 }),
    );
    return {
      totalUsage: summaries.reduce((s, x) => s + x.aggregated_value, 0),
      currentPeriodStart: start.toISOString(),
      currentPeriodEnd: end.toISOString(),
    };
  }

  /** The Billing Meter the usage is sent to, created once (idempotency key per event name). */
  private async ensureMeter(): Promise<string> {
    if (this.meterId) return this.meterId;
    const id = await this.stripe.call(async (stripe) => {
      const existing = await stripe.billing.meters.list({ status: 'active', limit: 100 }).autoPagingToArray({ limit: 1000 });
      const found = existing.find((m) => m.event_name === METER_EVENT_NAME);
      if (found) return found.id;
      const created = await stripe.billing.meters.create(
        {
          display_name: 'Bianca call seconds',
          event_name: METER_EVENT_NAME,
          default_aggregation: { formula: 'sum' },
          customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
          value_settings: { event_payload_key: 'value' },
        },
        { idempotencyKey: `meter-definition:${METER_EVENT_NAME}` },
      );
      return created.id;
    });
    this.meterId = id;
    return id;
  }

  private async stripeUsageQuietly(customer: string, now: Date): Promise<StripeUsage | undefined> {
    if (!this.stripe.configured) return undefined;
    try {
      return await this.stripeUsageOf(customer, now);
    } catch (err) {
      this.logger.warn({ msg: 'stripe usage unavailable; answering without it', err: serializeError(err) });
      return undefined;
    }
  }

  /**
   * Records usage for ended conversations the pipeline never reported (older than the grace),
   * from the conversation row (recordCall is idempotent by conversation id, so a late pipeline
   * report finds it and changes nothing).
   */
  private async recordUnreported(filter: { orgId?: string; patientId?: string; endedBefore: Date }, tx?: Tx): Promise<number> {
    let recorded = 0;
    let after: { endTime: Date; id: string } | undefined;
    for (;;) {
      const page = await this.conversations.unbilledEnded({ ...filter, after, limit: PAGE }, tx);
      if (page.length === 0) return recorded;
      const known = new Set(
        (
          await this.repo.usageOfConversations(
            page.map((c) => c.id),
            tx,
          )
        ).map((u) => u.conversationId),
      );
      for (const c of page) {
        if (known.has(c.id)) continue;
        const write = (t: DbOrTx) => this.usage.recordCall(usageReportOfConversation(c), t, 'conversation');
        await (tx ? write(tx) : this.database.transaction(write));
        recorded++;
      }
      const last = page[page.length - 1];
      after = { endTime: last.endTime as Date, id: last.id };
      if (page.length < PAGE) return recorded;
    }
  }

  /** Unreported ended conversations of an org since `since`, priced as recordUnreported would record them. */
  private async unreportedPreview(orgId: string, since: Date, now: Date): Promise<Billable[]> {
    const ended = await this.conversations.unbilledEnded({ orgId, endedBefore: now, endedSince: since, limit: 5 * PAGE });
    const known = new Set((await this.repo.usageOfConversations(ended.map((c) => c.id))).map((u) => u.conversationId));
    const missing = ended.filter((c) => !known.has(c.id));
    if (missing.length === 0) return [];
    const price = await this.usage.settings(orgId);
    return missing.map((c) => {
      const report = usageReportOfConversation(c);
      const billableSeconds = billableSecondsOf(report, price.minimumSeconds);
      return {
        conversationId: c.id,
        patientId: c.patientId,
        answeredAt: report.answeredAt ?? null,
        startedAt: report.startedAt ?? null,
        endedAt: report.endedAt,
        billableSeconds,
        amountCents: amountCentsOf(billableSeconds, price.rateCentsPerMinute, price.rounding),
        outcome: report.outcome,
      };
    });
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
    notes: string | null,
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
        notes,
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
      await this.conversations.markBilled(
        orgId,
        rows.map((r) => r.conversationId),
        line.id,
        tx,
      );
      lines.push(line);
    }
    return { invoice, lines };
  }

  private async withLines(rows: InvoiceRow[], tx?: DbOrTx): Promise<InvoiceWithLines[]> {
    const lines = await this.repo.lineItemsOf(
      rows.map((r) => r.id),
      tx,
    );
    return rows.map((invoice) => ({ invoice, lines: lines.filter((l) => l.invoiceId === invoice.id) }));
  }

  private async orgInScope(actor: AuthActor, orgId: string) {
    const org = await this.orgs.find(orgId);
    if (!org || (actor.role !== 'superAdmin' && actor.orgId !== org.id)) throw new NotFoundError(ORG_NOT_FOUND, 'OrgNotFound');
    return org;
  }
}
