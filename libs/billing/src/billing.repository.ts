import { Injectable } from '@nestjs/common';
import { DatabaseService, type DbOrTx } from '@app/platform';
import type { TenantScope } from '@app/orgs';
import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import {
  billingSettings,
  invoiceCounters,
  invoiceLineItems,
  invoices,
  paymentMethods,
  stripeEvents,
  usageRecords,
  type BillingSettingsRow,
  type InvoiceRow,
  type InvoiceStatus,
  type LineItemRow,
  type PaymentMethodRow,
  type UsageRecordRow,
} from './billing.table';

export type UsageInsert = Omit<typeof usageRecords.$inferInsert, 'id' | 'createdAt' | 'invoiceId' | 'lineItemId' | 'stripeReportedAt'>;
export type InvoiceInsert = Omit<typeof invoices.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;
export type LineItemInsert = Omit<typeof invoiceLineItems.$inferInsert, 'id' | 'createdAt'>;
export type PaymentMethodInsert = Omit<typeof paymentMethods.$inferInsert, 'id' | 'createdAt'>;
export type InvoicePatch = Partial<
  Pick<
    InvoiceRow,
    'status' | 'stripeInvoiceId' | 'stripePaymentIntentId' | 'stripeSynced' | 'stripeSyncedAt' | 'paidAt' | 'totalCents' | 'paymentMethodId'
  >
>;

export interface InvoiceFilter {
  status?: string;
  dueOnOrBefore?: Date;
}

function orgFilter(scope: TenantScope, column: typeof invoices.orgId | typeof paymentMethods.orgId): SQL | undefined {
  return scope.kind === 'platform' ? undefined : eq(column, scope.orgId);
}

/** Every billing table: usage, invoices and lines, the number counter, payment methods, webhook events. */
@Injectable()
export class BillingRepository {
  constructor(private readonly database: DatabaseService) {}

  // ---- settings ----

  async settingsOf(orgId: string, tx: DbOrTx = this.database.db): Promise<BillingSettingsRow | undefined> {
    const [row] = await tx.select().from(billingSettings).where(eq(billingSettings.orgId, orgId)).limit(1);
    return row;
  }

  async upsertSettings(values: typeof billingSettings.$inferInsert, tx: DbOrTx = this.database.db): Promise<BillingSettingsRow> {
    const [row] = await tx
      .insert(billingSettings)
      .values(values)
      .onConflictDoUpdate({
        target: billingSettings.orgId,
        set: {
          rateCentsPerMinute: values.rateCentsPerMinute,
          minimumSeconds: values.minimumSeconds,
          rounding: values.rounding,
          updatedAt: sql`now()`,
        },
      })
      .returning();
    if (!row) throw new Error('upsert returned no row');
    return row;
  }

  // ---- usage ----

  /** Inserts the call's usage once; a repeat for the same conversation returns the existing row. */
  async insertUsage(values: UsageInsert, tx: DbOrTx = this.database.db): Promise<{ row: UsageRecordRow; created: boolean }> {
    const [row] = await tx.insert(usageRecords).values(values).onConflictDoNothing({ target: usageRecords.conversationId }).returning();
    if (row) return { row, created: true };
    const [existing] = await tx.select().from(usageRecords).where(eq(usageRecords.conversationId, values.conversationId)).limit(1);
    if (!existing) throw new Error('usage record vanished');
    return { row: existing, created: false };
  }

  /** Not-yet-invoiced usage of a patient, locked for invoicing (a concurrent invoice waits, then sees none). */
  async lockUnbilledOfPatient(orgId: string, patientId: string, tx: DbOrTx): Promise<UsageRecordRow[]> {
    return tx
      .select()
      .from(usageRecords)
      .where(and(eq(usageRecords.orgId, orgId), eq(usageRecords.patientId, patientId), isNull(usageRecords.invoiceId)))
      .orderBy(asc(usageRecords.endedAt))
      .for('update');
  }

  async lockUnbilledOfOrgBefore(orgId: string, before: Date, tx: DbOrTx): Promise<UsageRecordRow[]> {
    return tx
      .select()
      .from(usageRecords)
      .where(and(eq(usageRecords.orgId, orgId), isNull(usageRecords.invoiceId), lt(usageRecords.endedAt, before)))
      .orderBy(asc(usageRecords.endedAt))
      .for('update');
  }

  async unbilledOfOrgSince(orgId: string, since: Date, tx: DbOrTx = this.database.db): Promise<UsageRecordRow[]> {
    return tx
      .select()
      .from(usageRecords)
      .where(and(eq(usageRecords.orgId, orgId), isNull(usageRecords.invoiceId), gte(usageRecords.endedAt, since)))
      .orderBy(asc(usageRecords.endedAt));
  }

  async orgsWithUnbilledBefore(before: Date, tx: DbOrTx = this.database.db): Promise<string[]> {
    const rows = await tx
      .selectDistinct({ orgId: usageRecords.orgId })
      .from(usageRecords)
      .where(and(isNull(usageRecords.invoiceId), lt(usageRecords.endedAt, before)));
    return rows.map((r) => r.orgId);
  }

  async markInvoiced(ids: string[], invoiceId: string, lineItemId: string, tx: DbOrTx): Promise<void> {
    if (ids.length === 0) return;
    await tx.update(usageRecords).set({ invoiceId, lineItemId }).where(inArray(usageRecords.id, ids));
  }

  /** Usage already recorded for these conversations (the conversation ↔ usage link). */
  async usageOfConversations(conversationIds: string[], tx: DbOrTx = this.database.db): Promise<UsageRecordRow[]> {
    if (conversationIds.length === 0) return [];
    return tx.select().from(usageRecords).where(inArray(usageRecords.conversationId, conversationIds));
  }

  /** Orgs with billable usage not yet sent to the Stripe meter. */
  async orgsWithUnreportedUsage(tx: DbOrTx = this.database.db): Promise<string[]> {
    const rows = await tx
      .selectDistinct({ orgId: usageRecords.orgId })
      .from(usageRecords)
      .where(and(isNull(usageRecords.stripeReportedAt), sql`${usageRecords.billableSeconds} > 0`));
    return rows.map((r) => r.orgId);
  }

  async unreportedUsageOfOrg(orgId: string, limit: number, tx: DbOrTx = this.database.db): Promise<UsageRecordRow[]> {
    return tx
      .select()
      .from(usageRecords)
      .where(and(eq(usageRecords.orgId, orgId), isNull(usageRecords.stripeReportedAt), sql`${usageRecords.billableSeconds} > 0`))
      .orderBy(asc(usageRecords.createdAt), asc(usageRecords.id))
      .limit(limit);
  }

  async markReported(id: string, tx: DbOrTx = this.database.db): Promise<void> {
    await tx
      .update(usageRecords)
      .set({ stripeReportedAt: sql`now()` })
      .where(eq(usageRecords.id, id));
  }

  // ---- invoices ----

  /** Next number of the global sequence; the counter row stays locked until the caller's tx ends (no gaps, no races). */
  async nextInvoiceNumber(tx: DbOrTx): Promise<number> {
    const [row] = await tx
      .insert(invoiceCounters)
      .values({ scope: 'global', lastValue: 1 })
      .onConflictDoUpdate({ target: invoiceCounters.scope, set: { lastValue: sql`${invoiceCounters.lastValue} + 1` } })
      .returning({ value: invoiceCounters.lastValue });
    if (!row) throw new Error('counter returned no row');
    return row.value;
  }

  async insertInvoice(values: InvoiceInsert, tx: DbOrTx): Promise<InvoiceRow> {
    const [row] = await tx.insert(invoices).values(values).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async insertLineItem(values: LineItemInsert, tx: DbOrTx): Promise<LineItemRow> {
    const [row] = await tx.insert(invoiceLineItems).values(values).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  /** Invoices with an amount not yet pushed to Stripe, of orgs that have a default payment method. */
  async unsyncedInvoices(limit: number, tx: DbOrTx = this.database.db): Promise<InvoiceRow[]> {
    return tx
      .select()
      .from(invoices)
      .where(
        and(
          eq(invoices.stripeSynced, false),
          sql`${invoices.totalCents} > 0`,
          sql`exists (select 1 from ${paymentMethods} where ${paymentMethods.orgId} = ${invoices.orgId} and ${paymentMethods.isDefault})`,
        ),
      )
      .orderBy(asc(invoices.createdAt))
      .limit(limit);
  }

  async invoiceByBillingKey(key: string, tx: DbOrTx = this.database.db): Promise<InvoiceRow | undefined> {
    const [row] = await tx.select().from(invoices).where(eq(invoices.billingKey, key)).limit(1);
    return row;
  }

  async invoiceById(id: string, tx: DbOrTx = this.database.db): Promise<InvoiceRow | undefined> {
    const [row] = await tx.select().from(invoices).where(eq(invoices.id, id)).limit(1);
    return row;
  }

  async invoiceByStripeId(stripeInvoiceId: string, tx: DbOrTx = this.database.db): Promise<InvoiceRow | undefined> {
    const [row] = await tx.select().from(invoices).where(eq(invoices.stripeInvoiceId, stripeInvoiceId)).limit(1);
    return row;
  }

  async updateInvoice(id: string, patch: InvoicePatch, tx: DbOrTx = this.database.db): Promise<InvoiceRow | undefined> {
    const [row] = await tx
      .update(invoices)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(eq(invoices.id, id))
      .returning();
    return row;
  }

  async invoicesOfOrg(scope: TenantScope, orgId: string, filter: InvoiceFilter, tx: DbOrTx = this.database.db): Promise<InvoiceRow[]> {
    return tx
      .select()
      .from(invoices)
      .where(and(eq(invoices.orgId, orgId), orgFilter(scope, invoices.orgId), ...this.filters(filter)))
      .orderBy(desc(invoices.createdAt), desc(invoices.invoiceNumber));
  }

  async invoicesOfPatient(orgId: string, patientId: string, filter: InvoiceFilter, tx: DbOrTx = this.database.db): Promise<InvoiceRow[]> {
    const ids = tx
      .select({ id: invoiceLineItems.invoiceId })
      .from(invoiceLineItems)
      .where(and(eq(invoiceLineItems.orgId, orgId), eq(invoiceLineItems.patientId, patientId)));
    return tx
      .select()
      .from(invoices)
      .where(and(eq(invoices.orgId, orgId), inArray(invoices.id, ids), ...this.filters(filter)))
      .orderBy(desc(invoices.createdAt), desc(invoices.invoiceNumber));
  }

  async lineItemsOf(invoiceIds: string[], tx: DbOrTx = this.database.db): Promise<LineItemRow[]> {
    if (invoiceIds.length === 0) return [];
    return tx
      .select()
      .from(invoiceLineItems)
      .where(inArray(invoiceLineItems.invoiceId, invoiceIds))
      .orderBy(asc(invoiceLineItems.createdAt));
  }

  async setLineItemStripeId(id: string, stripeInvoiceItemId: string, tx: DbOrTx = this.database.db): Promise<void> {
    await tx.update(invoiceLineItems).set({ stripeInvoiceItemId }).where(eq(invoiceLineItems.id, id));
  }

  private filters(filter: InvoiceFilter): SQL[] {
    const out: SQL[] = [];
    if (filter.status) out.push(eq(invoices.status, filter.status as InvoiceStatus));
    if (filter.dueOnOrBefore) out.push(lte(invoices.dueDate, filter.dueOnOrBefore));
    return out;
  }

  // ---- payment methods ----

  async paymentMethodsOf(orgId: string, tx: DbOrTx = this.database.db): Promise<PaymentMethodRow[]> {
    return tx
      .select()
      .from(paymentMethods)
      .where(eq(paymentMethods.orgId, orgId))
      .orderBy(desc(paymentMethods.isDefault), desc(paymentMethods.createdAt), desc(paymentMethods.id));
  }

  async defaultPaymentMethod(orgId: string, tx: DbOrTx = this.database.db): Promise<PaymentMethodRow | undefined> {
    const [row] = await tx
      .select()
      .from(paymentMethods)
      .where(and(eq(paymentMethods.orgId, orgId), eq(paymentMethods.isDefault, true)))
      .limit(1);
    return row;
  }

  async paymentMethodInOrg(orgId: string, id: string, tx: DbOrTx = this.database.db): Promise<PaymentMethodRow | undefined> {
    const [row] = await tx
      .select()
      .from(paymentMethods)
      .where(and(eq(paymentMethods.orgId, orgId), eq(paymentMethods.id, id)))
      .limit(1);
    return row;
  }

  async paymentMethodByStripeId(stripeId: string, tx: DbOrTx = this.database.db): Promise<PaymentMethodRow | undefined> {
    const [row] = await tx.select().from(paymentMethods).where(eq(paymentMethods.stripePaymentMethodId, stripeId)).limit(1);
    return row;
  }

  /** Inserts (or refreshes) a payment method by its Stripe id. */
  async upsertPaymentMethod(values: PaymentMethodInsert, tx: DbOrTx = this.database.db): Promise<PaymentMethodRow> {
    const [row] = await tx
      .insert(paymentMethods)
      .values(values)
      .onConflictDoUpdate({
        target: paymentMethods.stripePaymentMethodId,
        set: {
          brand: values.brand,
          last4: values.last4,
          expMonth: values.expMonth,
          expYear: values.expYear,
          billingDetails: values.billingDetails,
        },
      })
      .returning();
    if (!row) throw new Error('upsert returned no row');
    return row;
  }

  async setDefault(orgId: string, id: string, tx: DbOrTx): Promise<void> {
    await tx
      .update(paymentMethods)
      .set({ isDefault: sql`${paymentMethods.id} = ${id}` })
      .where(eq(paymentMethods.orgId, orgId));
  }

  async deletePaymentMethod(orgId: string, id: string, tx: DbOrTx = this.database.db): Promise<void> {
    await tx.delete(paymentMethods).where(and(eq(paymentMethods.orgId, orgId), eq(paymentMethods.id, id)));
  }

  async deletePaymentMethodByStripeId(stripeId: string, tx: DbOrTx = this.database.db): Promise<void> {
    await tx.delete(paymentMethods).where(eq(paymentMethods.stripePaymentMethodId, stripeId));
  }

  // ---- webhook events ----

  /** Claims an event id; false when it was already handled (or is being handled in another tx). */
  async claimEvent(id: string, type: string, tx: DbOrTx): Promise<boolean> {
    const rows = await tx.insert(stripeEvents).values({ id, type }).onConflictDoNothing().returning({ id: stripeEvents.id });
    return rows.length === 1;
  }

  /** Forgets handled event ids received before `before`; returns how many. */
  async pruneEvents(before: Date, tx: DbOrTx = this.database.db): Promise<number> {
    const rows = await tx.delete(stripeEvents).where(lt(stripeEvents.receivedAt, before)).returning({ id: stripeEvents.id });
    return rows.length;
  }
}
