import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { INVOICE_STATUSES, type InvoiceRow, type LineItemRow, type PaymentMethodRow } from './billing.table';

/** $2 (status: exact match, any string; dueDate: due on or before that day). */
export class PatientInvoiceQueryDto {
  @ApiPropertyOptional({ description: 'exact status filter' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  status?: string;

  @ApiPropertyOptional({ example: '2025-01-31', description: 'due on or before (YYYY-MM-DD)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: '"dueDate" must be in ISO 8601 date format' })
  dueDate?: string;
}

/** $3 (validated). */
export class OrgInvoiceQueryDto {
  @ApiPropertyOptional({ enum: INVOICE_STATUSES })
  @IsOptional()
  @IsIn(INVOICE_STATUSES, { message: `"status" must be one of [${INVOICE_STATUSES.join(', ')}]` })
  status?: string;

  @ApiPropertyOptional({ example: '2025-01-31', description: 'due on or before (YYYY-MM-DD)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: '"dueDate" must be in ISO 8601 date format' })
  dueDate?: string;
}

/** $4. */
export class UnbilledCostsQueryDto {
  @ApiPropertyOptional({ default: 7, minimum: 1, maximum: 366 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: '"days" must be an integer' })
  @Min(1, { message: '"days" must be greater than or equal to 1' })
  @Max(366, { message: '"days" must be less than or equal to 366' })
  days?: number;
}

/** PM1. */
export class AttachPaymentMethodDto {
  @ApiProperty({ example: 'pm_1Nxxxxxxxx', description: 'Stripe PaymentMethod id created by the client (Stripe.js)' })
  @IsDefined({ message: '"paymentMethodId" is required' })
  @IsString({ message: '"paymentMethodId" must be a string' })
  @Matches(/^pm_[A-Za-z0-9_]{1,200}$/, { message: '"paymentMethodId" must be a Stripe payment method id (pm_…)' })
  paymentMethodId!: string;
}

export class LineItemResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) invoiceId!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'billable minutes (seconds / 60)' }) quantity!: number;
  @ApiProperty({ description: 'billable seconds' }) seconds!: number;
  @ApiProperty() conversationCount!: number;
  @ApiProperty({ description: 'USD per minute', example: 0.1 }) unitPrice!: number;
  @ApiProperty({ description: 'USD', example: 1.25 }) amount!: number;
  @ApiProperty({ description: 'integer cents' }) amountCents!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) periodStart!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) periodEnd!: string | null;
}

/** Invoice as the client reads it (§2.12); `totalAmount` in USD, `totalAmountCents` exact. */
export class InvoiceResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) org!: string;
  @ApiProperty({ example: 'INV-000001' }) invoiceNumber!: string;
  @ApiProperty({ format: 'date-time' }) issueDate!: string;
  @ApiProperty({ format: 'date-time' }) dueDate!: string;
  @ApiProperty({ enum: INVOICE_STATUSES }) status!: string;
  @ApiProperty({ description: 'USD', example: 1.25 }) totalAmount!: number;
  @ApiProperty({ description: 'integer cents', example: 125 }) totalAmountCents!: number;
  @ApiProperty() stripeSynced!: boolean;
  @ApiPropertyOptional() notes?: string;
  @ApiPropertyOptional({ format: 'uuid' }) paymentMethod?: string;
  @ApiPropertyOptional() stripePaymentIntentId?: string;
  @ApiPropertyOptional() stripeInvoiceId?: string;
  @ApiPropertyOptional({ format: 'date-time' }) stripeSyncedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) paidAt?: string;
  @ApiProperty({ type: [LineItemResponse] }) lineItems!: LineItemResponse[];
}

class UnbilledConversation {
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ format: 'date-time' }) startTime!: string;
  @ApiProperty({ description: 'billable seconds' }) duration!: number;
  @ApiProperty({ description: 'USD' }) cost!: number;
  @ApiProperty({ description: 'call outcome' }) status!: string;
}

class PatientCost {
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ description: 'empty for callers outside the org (superAdmin: no PHI)' }) patientName!: string;
  @ApiProperty() conversationCount!: number;
  @ApiProperty({ description: 'USD' }) totalCost!: number;
  @ApiProperty({ type: [UnbilledConversation] }) conversations!: UnbilledConversation[];
}

class UnbilledPeriod {
  @ApiProperty() days!: number;
  @ApiProperty({ format: 'date-time' }) startDate!: string;
  @ApiProperty({ format: 'date-time' }) endDate!: string;
}

class StripeUsageResponse {
  @ApiProperty({ description: 'billable seconds metered by Stripe in the period (meter `bianca_call_seconds`)' }) totalUsage!: number;
  @ApiProperty({ format: 'date-time' }) currentPeriodStart!: string;
  @ApiProperty({ format: 'date-time' }) currentPeriodEnd!: string;
}

export class UnbilledCostsResponse {
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty() orgName!: string;
  @ApiProperty({ description: 'USD' }) totalUnbilledCost!: number;
  @ApiProperty({ type: [PatientCost] }) patientCosts!: PatientCost[];
  @ApiProperty({ type: UnbilledPeriod }) period!: UnbilledPeriod;
  @ApiPropertyOptional({ type: StripeUsageResponse, description: 'only for an org with a Stripe customer (and Stripe reachable)' })
  stripeUsage?: StripeUsageResponse;
}

/** PaymentMethodDTO (§2.13). */
export class PaymentMethodResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'pm_1Nxxxxxxxx' }) stripePaymentMethodId!: string;
  @ApiProperty({ format: 'uuid' }) org!: string;
  @ApiProperty() isDefault!: boolean;
  @ApiProperty({ example: 'card' }) type!: string;
  @ApiPropertyOptional() brand?: string;
  @ApiPropertyOptional() last4?: string;
  @ApiPropertyOptional() expMonth?: number;
  @ApiPropertyOptional() expYear?: number;
  @ApiPropertyOptional() bankName?: string;
  @ApiPropertyOptional() accountType?: string;
  @ApiProperty({ type: Object }) billingDetails!: Record<string, unknown>;
  @ApiProperty({ type: Object }) metadata!: Record<string, string>;
}

export class SetupIntentResponse {
  @ApiProperty() clientSecret!: string;
  @ApiProperty({ example: 'seti_123' }) id!: string;
}

export class PublishableKeyResponse {
  @ApiProperty({ example: 'pk_test_123' }) publishableKey!: string;
  @ApiProperty({ enum: ['test', 'live'] }) mode!: string;
}

export class WebhookAckResponse {
  @ApiProperty({ example: true }) received!: boolean;
}

const dollars = (cents: number): number => Math.round(cents) / 100;

export function lineItemResponse(l: LineItemRow): LineItemResponse {
  return {
    id: l.id,
    invoiceId: l.invoiceId,
    patientId: l.patientId,
    description: l.description,
    quantity: Math.round((l.quantitySeconds / 60) * 100) / 100,
    seconds: l.quantitySeconds,
    conversationCount: l.conversationCount,
    unitPrice: dollars(l.unitPriceCentsPerMinute),
    amount: dollars(l.amountCents),
    amountCents: l.amountCents,
    periodStart: l.periodStart?.toISOString() ?? null,
    periodEnd: l.periodEnd?.toISOString() ?? null,
  };
}

export function invoiceResponse(i: InvoiceRow, lines: LineItemRow[]): InvoiceResponse {
  const out: InvoiceResponse = {
    id: i.id,
    org: i.orgId,
    invoiceNumber: i.invoiceNumber,
    issueDate: i.issueDate.toISOString(),
    dueDate: i.dueDate.toISOString(),
    status: i.status,
    totalAmount: dollars(i.totalCents),
    totalAmountCents: i.totalCents,
    stripeSynced: i.stripeSynced,
    lineItems: lines.map(lineItemResponse),
  };
  if (i.notes) out.notes = i.notes;
  if (i.paymentMethodId) out.paymentMethod = i.paymentMethodId;
  if (i.stripePaymentIntentId) out.stripePaymentIntentId = i.stripePaymentIntentId;
  if (i.stripeInvoiceId) out.stripeInvoiceId = i.stripeInvoiceId;
  if (i.stripeSyncedAt) out.stripeSyncedAt = i.stripeSyncedAt.toISOString();
  if (i.paidAt) out.paidAt = i.paidAt.toISOString();
  return out;
}

export function paymentMethodResponse(p: PaymentMethodRow): PaymentMethodResponse {
  const out: PaymentMethodResponse = {
    id: p.id,
    stripePaymentMethodId: p.stripePaymentMethodId,
    org: p.orgId,
    isDefault: p.isDefault,
    type: p.type,
    billingDetails: p.billingDetails,
    metadata: p.metadata,
  };
  if (p.brand) out.brand = p.brand;
  if (p.last4) out.last4 = p.last4;
  if (p.expMonth !== null) out.expMonth = p.expMonth;
  if (p.expYear !== null) out.expYear = p.expYear;
  if (p.bankName) out.bankName = p.bankName;
  if (p.accountType) out.accountType = p.accountType;
  return out;
}

/** `YYYY-MM-DD` (or a full ISO time) → the last instant of that UTC day ("due on or before"). */
export function endOfDay(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value.length === 10 ? `${value}T00:00:00.000Z` : value);
  if (value.length !== 10) return d;
  return new Date(d.getTime() + 86_400_000 - 1);
}
