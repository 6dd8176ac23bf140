import { Body, Controller, Delete, Get, Headers, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrors, Authenticated, CurrentActor, Public, RequirePermission, type AuthActor } from '@app/auth';
import { ApiIdParam, IdParam } from '@app/platform';
import {
  AttachPaymentMethodDto,
  InvoiceResponse,
  OrgInvoiceQueryDto,
  PatientInvoiceQueryDto,
  PaymentMethodResponse,
  PublishableKeyResponse,
  SetupIntentResponse,
  UnbilledCostsQueryDto,
  UnbilledCostsResponse,
  WebhookAckResponse,
  endOfDay,
  invoiceResponse,
  paymentMethodResponse,
} from './billing.dto';
import { InvoiceService, type UnbilledCosts } from './invoice.service';
import { PaymentMethodService } from './payment-method.service';
import { StripeWebhookService } from './stripe-webhook.service';

/** §2.12 invoices: orgAdmin (verified e-mail) of the org; superAdmin for org-level reads. */
@ApiTags('payments')
@Controller('payments')
@Authenticated()
@ApiErrors(400)
export class InvoiceController {
  constructor(private readonly invoices: InvoiceService) {}

  @Post('patients/:patientId/invoices')
  @RequirePermission('create', 'Invoice')
  @ApiIdParam('patientId')
  @ApiOperation({
    summary: 'Invoice every ended, not-yet-invoiced conversation of the patient (body ignored)',
    description:
      'Unanswered/failed calls appear at $0.00. One line item; conversations are linked to it. 404 when there is nothing to bill.',
  })
  @ApiCreatedResponse({ type: InvoiceResponse })
  @ApiErrors(403, 404)
  async createForPatient(@CurrentActor() actor: AuthActor, @IdParam('patientId') patientId: string): Promise<InvoiceResponse> {
    const { invoice, lines } = await this.invoices.createForPatient(actor, patientId);
    return invoiceResponse(invoice, lines);
  }

  @Get('patients/:patientId/invoices')
  @RequirePermission('read', 'Invoice')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Invoices with a line for the patient' })
  @ApiOkResponse({ type: [InvoiceResponse] })
  @ApiErrors(403, 404)
  async listForPatient(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') patientId: string,
    @Query() query: PatientInvoiceQueryDto,
  ): Promise<InvoiceResponse[]> {
    const rows = await this.invoices.listForPatient(actor, patientId, { status: query.status, dueOnOrBefore: endOfDay(query.dueDate) });
    return rows.map((r) => invoiceResponse(r.invoice, r.lines));
  }

  @Get('orgs/:orgId/invoices')
  @RequirePermission('read', 'Invoice')
  @ApiIdParam('orgId')
  @ApiOperation({ summary: 'Invoices of an organisation (newest first)' })
  @ApiOkResponse({ type: [InvoiceResponse] })
  @ApiErrors(403, 404)
  async listForOrg(
    @CurrentActor() actor: AuthActor,
    @IdParam('orgId') orgId: string,
    @Query() query: OrgInvoiceQueryDto,
  ): Promise<InvoiceResponse[]> {
    const rows = await this.invoices.listForOrg(actor, orgId, { status: query.status, dueOnOrBefore: endOfDay(query.dueDate) });
    return rows.map((r) => invoiceResponse(r.invoice, r.lines));
  }

  @Get('orgs/:orgId/unbilled-costs')
  @RequirePermission('read', 'Invoice')
  @ApiIdParam('orgId')
  @ApiOperation({
    summary: 'Not-yet-invoiced conversation costs of the last `days` days, by patient',
    description: '`stripeUsage`: seconds metered by Stripe this month, for an org with a Stripe customer.',
  })
  @ApiOkResponse({ type: UnbilledCostsResponse })
  @ApiErrors(403, 404)
  unbilled(
    @CurrentActor() actor: AuthActor,
    @IdParam('orgId') orgId: string,
    @Query() query: UnbilledCostsQueryDto,
  ): Promise<UnbilledCosts> {
    return this.invoices.unbilledCosts(actor, orgId, query.days ?? 7);
  }
}

/** §2.13 payment methods (Stripe-backed): 503 `Billing is not configured` without Stripe keys. */
@ApiTags('payment-methods')
@Controller('payment-methods')
@Authenticated()
@ApiErrors(400)
export class PaymentMethodController {
  constructor(private readonly methods: PaymentMethodService) {}

  @Post('orgs/:orgId/setup-intent')
  @RequirePermission('create', 'PaymentMethod')
  @ApiIdParam('orgId')
  @ApiOperation({ summary: 'A Stripe SetupIntent (card, off-session) for the mobile client' })
  @ApiCreatedResponse({ type: SetupIntentResponse })
  @ApiErrors(403, 404, 503)
  setupIntent(@CurrentActor() actor: AuthActor, @IdParam('orgId') orgId: string): Promise<SetupIntentResponse> {
    return this.methods.setupIntent(actor, orgId);
  }

  @Post('orgs/:orgId')
  @RequirePermission('create', 'PaymentMethod')
  @ApiIdParam('orgId')
  @ApiOperation({ summary: 'Attach a Stripe payment method to the org (the first becomes default)' })
  @ApiCreatedResponse({ type: PaymentMethodResponse })
  @ApiErrors(403, 404, 409, 503)
  async attach(
    @CurrentActor() actor: AuthActor,
    @IdParam('orgId') orgId: string,
    @Body() dto: AttachPaymentMethodDto,
  ): Promise<PaymentMethodResponse> {
    return paymentMethodResponse(await this.methods.attach(actor, orgId, dto.paymentMethodId));
  }

  @Get('orgs/:orgId')
  @RequirePermission('read', 'PaymentMethod')
  @ApiIdParam('orgId')
  @ApiOperation({ summary: 'Payment methods, default first, then newest' })
  @ApiOkResponse({ type: [PaymentMethodResponse] })
  @ApiErrors(403, 404, 503)
  async list(@CurrentActor() actor: AuthActor, @IdParam('orgId') orgId: string): Promise<PaymentMethodResponse[]> {
    return (await this.methods.list(actor, orgId)).map(paymentMethodResponse);
  }

  @Get('orgs/:orgId/:paymentMethodId')
  @RequirePermission('read', 'PaymentMethod')
  @ApiIdParam('orgId')
  @ApiIdParam('paymentMethodId')
  @ApiOperation({ summary: 'One payment method' })
  @ApiOkResponse({ type: PaymentMethodResponse })
  @ApiErrors(403, 404, 503)
  async get(
    @CurrentActor() actor: AuthActor,
    @IdParam('orgId') orgId: string,
    @IdParam('paymentMethodId') id: string,
  ): Promise<PaymentMethodResponse> {
    return paymentMethodResponse(await this.methods.get(actor, orgId, id));
  }

  @Patch('orgs/:orgId/:paymentMethodId')
  @RequirePermission('update', 'PaymentMethod')
  @ApiIdParam('orgId')
  @ApiIdParam('paymentMethodId')
  @ApiOperation({ summary: 'Make it the org default (Stripe and local); no body' })
  @ApiOkResponse({ type: PaymentMethodResponse })
  @ApiErrors(403, 404, 503)
  async setDefault(
    @CurrentActor() actor: AuthActor,
    @IdParam('orgId') orgId: string,
    @IdParam('paymentMethodId') id: string,
  ): Promise<PaymentMethodResponse> {
    return paymentMethodResponse(await this.methods.setDefault(actor, orgId, id));
  }

  @Delete('orgs/:orgId/:paymentMethodId')
  @HttpCode(204)
  @RequirePermission('delete', 'PaymentMethod')
  @ApiIdParam('orgId')
  @ApiIdParam('paymentMethodId')
  @ApiOperation({ summary: 'Detach (the default is replaced first; the only default cannot be removed → 400)' })
  @ApiNoContentResponse()
  @ApiErrors(403, 404, 503)
  async detach(@CurrentActor() actor: AuthActor, @IdParam('orgId') orgId: string, @IdParam('paymentMethodId') id: string): Promise<void> {
    await this.methods.detach(actor, orgId, id);
  }
}

/** ST1 and the Stripe webhook (public; the webhook is authenticated by its signature). */
@ApiTags('stripe')
@Controller('stripe')
@Public()
export class StripeController {
  constructor(
    private readonly methods: PaymentMethodService,
    private readonly webhooks: StripeWebhookService,
  ) {}

  @Get('publishable-key')
  @ApiOperation({ summary: 'Stripe publishable key and mode' })
  @ApiOkResponse({ type: PublishableKeyResponse })
  @ApiErrors(503)
  publishableKey(): PublishableKeyResponse {
    return this.methods.publishableKey();
  }

  @Post('webhook')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stripe webhook (raw body, Stripe-Signature verified, events deduplicated by id)' })
  @ApiHeader({ name: 'Stripe-Signature', required: true })
  @ApiBody({ description: 'Stripe Event (raw JSON bytes as Stripe sent them)', schema: { type: 'object' } })
  @ApiOkResponse({ type: WebhookAckResponse })
  @ApiErrors(400, 503)
  async webhook(@Req() req: Request, @Headers('stripe-signature') signature: string | undefined): Promise<WebhookAckResponse> {
    const event = this.webhooks.verify(req.body as Buffer | undefined, signature);
    const { received } = await this.webhooks.handle(event);
    return { received };
  }
}
