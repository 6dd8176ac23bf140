import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const INVOICE_STATUSES = ['draft', 'pending', 'paid', 'void', 'overdue'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** How billable seconds become money: per started second (rounded to the cent) or per started minute. */
export const ROUNDING_RULES = ['second', 'minute'] as const;
export type RoundingRule = (typeof ROUNDING_RULES)[number];

/** Provider cost of a call (not PHI): what the call cost us, for margin per call. */
export interface ProviderCost {
  /** AI realtime audio: total, caller→AI (in) and AI→caller (out) seconds. */
  aiAudioSeconds?: number;
  aiAudioInSeconds?: number;
  aiAudioOutSeconds?: number;
  aiInputTokens?: number;
  aiOutputTokens?: number;
  /** Carrier (Twilio) billed seconds of the leg. */
  carrierSeconds?: number;
  /** Total provider cost in integer cents (or fractions thereof in `costMicroCents`). */
  costCents?: number;
  [key: string]: number | undefined;
}

export const USAGE_SOURCES = ['pipeline', 'conversation'] as const;
export type UsageSource = (typeof USAGE_SOURCES)[number];

/** Per-org price: rate in cents per minute, minimum billable seconds of an answered call, rounding. */
export const billingSettings = pgTable('billing_settings', {
  orgId: uuid('org_id').primaryKey(),
  rateCentsPerMinute: integer('rate_cents_per_minute').notNull().default(10),
  minimumSeconds: integer('minimum_seconds').notNull().default(0),
  rounding: text('rounding').$type<RoundingRule>().notNull().default('second'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One row per call (conversation), written once by the voice pipeline (UsageService.recordCall);
 * `conversation_id` unique makes recording idempotent. `invoice_id` null = not yet invoiced.
 */
export const usageRecords = pgTable(
  'usage_records',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    orgId: uuid('org_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    conversationId: uuid('conversation_id').notNull(),
    callId: text('call_id'),
    outcome: text('outcome').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }).notNull(),
    billableSeconds: integer('billable_seconds').notNull(),
    rateCentsPerMinute: integer('rate_cents_per_minute').notNull(),
    amountCents: integer('amount_cents').notNull(),
    providerCost: jsonb('provider_cost').$type<ProviderCost>().notNull().default({}),
    providerCostCents: integer('provider_cost_cents').notNull().default(0),
    /** `pipeline` (reported by the voice pipeline) or `conversation` (derived from an ended conversation never reported). */
    source: text('source').$type<UsageSource>().notNull().default('pipeline'),
    invoiceId: uuid('invoice_id'),
    lineItemId: uuid('line_item_id'),
    stripeReportedAt: timestamp('stripe_reported_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('usage_records_conversation_unique').on(t.conversationId),
    index('usage_records_org_unbilled_idx').on(t.orgId, t.invoiceId, t.endedAt),
    index('usage_records_org_patient_idx').on(t.orgId, t.patientId),
  ],
);

/** Gap-free invoice numbers: one counter row, incremented inside the invoice's transaction. */
export const invoiceCounters = pgTable('invoice_counters', {
  scope: text('scope').primaryKey(),
  lastValue: bigint('last_value', { mode: 'number' }).notNull(),
});

export const invoices = pgTable(
  'invoices',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    orgId: uuid('org_id').notNull(),
    invoiceNumber: text('invoice_number').notNull(),
    issueDate: timestamp('issue_date', { withTimezone: true }).notNull().defaultNow(),
    dueDate: timestamp('due_date', { withTimezone: true }).notNull(),
    status: text('status').$type<InvoiceStatus>().notNull().default('pending'),
    totalCents: integer('total_cents').notNull(),
    notes: text('notes'),
    periodStart: timestamp('period_start', { withTimezone: true }),
    periodEnd: timestamp('period_end', { withTimezone: true }),
    /** Business key of the nightly job (`daily:<orgId>:<day>`): running it twice bills once. */
    billingKey: text('billing_key'),
    paymentMethodId: uuid('payment_method_id'),
    stripeInvoiceId: text('stripe_invoice_id'),
    stripePaymentIntentId: text('stripe_payment_intent_id'),
    stripeSynced: boolean('stripe_synced').notNull().default(false),
    stripeSyncedAt: timestamp('stripe_synced_at', { withTimezone: true }),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('invoices_number_unique').on(t.invoiceNumber),
    uniqueIndex('invoices_billing_key_unique').on(t.billingKey),
    uniqueIndex('invoices_stripe_invoice_unique').on(t.stripeInvoiceId),
    index('invoices_org_created_idx').on(t.orgId, t.createdAt),
  ],
);

export const invoiceLineItems = pgTable(
  'invoice_line_items',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    invoiceId: uuid('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    description: text('description').notNull(),
    /** Billable seconds of the line. */
    quantitySeconds: integer('quantity_seconds').notNull(),
    conversationCount: integer('conversation_count').notNull(),
    unitPriceCentsPerMinute: integer('unit_price_cents_per_minute').notNull(),
    amountCents: integer('amount_cents').notNull(),
    periodStart: timestamp('period_start', { withTimezone: true }),
    periodEnd: timestamp('period_end', { withTimezone: true }),
    stripeInvoiceItemId: text('stripe_invoice_item_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('invoice_line_items_invoice_idx').on(t.invoiceId), index('invoice_line_items_patient_idx').on(t.orgId, t.patientId)],
);

export const paymentMethods = pgTable(
  'payment_methods',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    orgId: uuid('org_id').notNull(),
    stripePaymentMethodId: text('stripe_payment_method_id').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    type: text('type').notNull(),
    brand: text('brand'),
    last4: text('last4'),
    expMonth: integer('exp_month'),
    expYear: integer('exp_year'),
    bankName: text('bank_name'),
    accountType: text('account_type'),
    billingDetails: jsonb('billing_details').$type<Record<string, unknown>>().notNull().default({}),
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('payment_methods_stripe_unique').on(t.stripePaymentMethodId),
    index('payment_methods_org_idx').on(t.orgId, t.isDefault, t.createdAt),
  ],
);

/** Stripe webhook events already handled: the primary key deduplicates deliveries. */
export const stripeEvents = pgTable(
  'stripe_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('stripe_events_received_idx').on(t.receivedAt)],
);

export type UsageRecordRow = typeof usageRecords.$inferSelect;
export type InvoiceRow = typeof invoices.$inferSelect;
export type LineItemRow = typeof invoiceLineItems.$inferSelect;
export type PaymentMethodRow = typeof paymentMethods.$inferSelect;
export type BillingSettingsRow = typeof billingSettings.$inferSelect;
