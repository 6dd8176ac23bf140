// Public door of @app/billing: usage metering, invoices, Stripe.
//
// For the voice pipeline: UsageService.recordCall({conversationId, callId?, orgId, patientId,
// startedAt?, answeredAt, endedAt, outcome, providerCost?}) once per finished call (answered or
// not); idempotent by conversation id. Billable seconds run from the carrier's answer to hang-up
// (rounded up to whole seconds; the org's minimum applies to answered calls only); unanswered and
// failed attempts bill 0 s and appear at $0.00 on the next invoice.
//
// Design note: invoices bill usage records (one per call), not conversations directly, so billing
// needs nothing from @app/conversations beyond the conversation id the pipeline passes in.
export * from './billing.module';
export {
  UsageService,
  billableSecondsOf,
  amountCentsOf,
  BILLABLE_OUTCOMES,
  DEFAULT_RATE_CENTS_PER_MINUTE,
  DEFAULT_MINIMUM_SECONDS,
  type CallUsageReport,
  type OrgBillingSettings,
} from './usage.service';
export { InvoiceService, formatInvoiceNumber, METER_EVENT_NAME, type CloseDayResult } from './invoice.service';
export { BillingJobs, closeBillingDayJob, BILLING_CRON } from './billing-jobs.service';
export { BILLING_NOT_CONFIGURED } from './stripe.gateway';
export { WEBHOOK_TOLERANCE_SECONDS } from './stripe-webhook.service';
export {
  INVOICE_STATUSES,
  ROUNDING_RULES,
  type ProviderCost,
  type UsageRecordRow,
  type InvoiceStatus,
  type RoundingRule,
} from './billing.table';
export { InvoiceResponse, PaymentMethodResponse } from './billing.dto';
