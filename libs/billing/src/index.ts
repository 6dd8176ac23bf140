// Public door of @app/billing: usage metering, invoices, Stripe.
//
// For the voice pipeline: UsageService.recordCall(report, tx?) once per finished call (answered or
// not), report = {conversationId (the idempotency key; pass the conversation id), callId? (carrier
// CallSid), orgId, patientId, startedAt?, answeredAt (null if never answered), endedAt, outcome
// ('answered'|'completed' bill; no_answer/busy/failed/voicemail bill 0 s), durationSeconds?
// (carrier's answered duration, replaces endedAt − answeredAt), providerCost? {aiAudioSeconds,
// aiAudioInSeconds, aiAudioOutSeconds, aiInputTokens, aiOutputTokens, carrierSeconds, costCents}}.
// Billable seconds run from the carrier's answer to hang-up (rounded up; the org's minimum applies
// to answered calls only); unanswered and failed attempts bill 0 s and appear at $0.00.
//
// Conversations ↔ billing: each conversation has at most one usage record (unique conversation
// id); invoicing sets usage.invoice_id/line_item_id and conversations.line_item_id. An ended
// conversation never reported (pipeline crash, manual conversation) is billed from its own row
// after UNREPORTED_GRACE_MS (0 s unless call_outcome = answered).
export * from './billing.module';
export {
  UsageService,
  billableSecondsOf,
  amountCentsOf,
  BILLABLE_OUTCOMES,
  DEFAULT_RATE_CENTS_PER_MINUTE,
  DEFAULT_MINIMUM_SECONDS,
  usageReportOfConversation,
  type CallUsageReport,
  type OrgBillingSettings,
} from './usage.service';
export {
  InvoiceService,
  formatInvoiceNumber,
  localDayToClose,
  METER_EVENT_NAME,
  UNREPORTED_GRACE_MS,
  type CloseDayResult,
} from './invoice.service';
export { BillingJobs, closeBillingDayJob, BILLING_CRON, STRIPE_EVENT_RETENTION_DAYS } from './billing-jobs.service';
export { BILLING_NOT_CONFIGURED } from './stripe.gateway';
export { WEBHOOK_TOLERANCE_SECONDS } from './stripe-webhook.service';
export {
  INVOICE_STATUSES,
  ROUNDING_RULES,
  USAGE_SOURCES,
  type UsageSource,
  type ProviderCost,
  type UsageRecordRow,
  type InvoiceStatus,
  type RoundingRule,
} from './billing.table';
export { InvoiceResponse, PaymentMethodResponse } from './billing.dto';
