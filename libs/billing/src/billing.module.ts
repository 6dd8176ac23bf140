import { Module } from '@nestjs/common';
import { ConversationsModule } from '@app/conversations';
import { OrgsModule } from '@app/orgs';
import { PatientsModule } from '@app/patients';
import { QueueModule } from '@app/platform';
import { BillingJobs, closeBillingDayJob, pruneStripeEventsJob, reportUsageJob } from './billing-jobs.service';
import { InvoiceController, PaymentMethodController, StripeController } from './billing.controller';
import { BillingRepository } from './billing.repository';
import { InvoiceService } from './invoice.service';
import { PaymentMethodService } from './payment-method.service';
import { StripeGateway } from './stripe.gateway';
import { StripeWebhookService } from './stripe-webhook.service';
import { UsageService } from './usage.service';

/** Usage metering, invoices, Stripe payment methods and webhooks, the nightly billing job. */
@Module({
  imports: [
    OrgsModule,
    PatientsModule,
    ConversationsModule,
    QueueModule.forFeature([closeBillingDayJob, reportUsageJob, pruneStripeEventsJob]),
  ],
  controllers: [InvoiceController, PaymentMethodController, StripeController],
  providers: [BillingRepository, StripeGateway, UsageService, InvoiceService, PaymentMethodService, StripeWebhookService, BillingJobs],
  exports: [UsageService, InvoiceService, BillingJobs],
})
export class BillingModule {}
