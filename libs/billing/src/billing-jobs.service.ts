import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock, JobHandler, QueueService, defineJob } from '@app/platform';
import { BillingRepository } from './billing.repository';
import { InvoiceService, type CloseDayResult } from './invoice.service';

declare module '@app/platform' {
  interface JobPayloads {
    /** `day`: YYYY-MM-DD (org-local) to close instead of each org's previous local day; `orgId`: one org only. */
    'billing.close-day': { day?: string; orgId?: string };
    /** Sends not-yet-reported usage to the Stripe meter (idempotent per usage record). */
    'billing.report-usage': Record<string, never>;
    /** Forgets handled Stripe webhook event ids older than the retention. */
    'billing.prune-stripe-events': Record<string, never>;
  }
}

export const closeBillingDayJob = defineJob({
  name: 'billing.close-day',
  queue: 'billing',
  options: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 } },
  concurrency: 1,
});

export const reportUsageJob = defineJob({
  name: 'billing.report-usage',
  queue: 'billing',
  options: { attempts: 8, backoff: { type: 'exponential', delay: 30_000 } },
  concurrency: 1,
});

export const pruneStripeEventsJob = defineJob({
  name: 'billing.prune-stripe-events',
  queue: 'billing',
  options: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } },
  concurrency: 1,
});

/** Hourly (worker role): each org is closed shortly after its own local midnight, once per local day. */
export const BILLING_CRON = '5 * * * *';
/** Meter sweep: whatever the per-record job missed (Redis hiccup, Stripe outage beyond retries). */
export const REPORT_USAGE_CRON = '*/15 * * * *';
export const PRUNE_STRIPE_EVENTS_CRON = '30 3 * * *';
/**
 * Handled webhook event ids are kept this long (security.md W1: ≥ 30 days; Stripe retries a
 * delivery for up to 3 days, so dedup stays effective well beyond its retry window).
 */
export const STRIPE_EVENT_RETENTION_DAYS = 30;

@Injectable()
export class BillingJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger('BillingJobs');

  constructor(
    private readonly queues: QueueService,
    private readonly invoices: InvoiceService,
    private readonly repo: BillingRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.queues.declareWallClockSchedule('billing-close-day', 'billing.close-day', { pattern: BILLING_CRON, tz: 'UTC' }, {});
    this.queues.declareWallClockSchedule('billing-report-usage', 'billing.report-usage', { pattern: REPORT_USAGE_CRON, tz: 'UTC' }, {});
    this.queues.declareWallClockSchedule(
      'billing-prune-stripe-events',
      'billing.prune-stripe-events',
      { pattern: PRUNE_STRIPE_EVENTS_CRON, tz: 'UTC' },
      {},
    );
  }

  @JobHandler('billing.close-day')
  async handleCloseDay(data: { day?: string; orgId?: string }): Promise<CloseDayResult> {
    return this.closeDay(data.day, undefined, data.orgId);
  }

  @JobHandler('billing.report-usage')
  async handleReportUsage(): Promise<{ reported: number }> {
    return { reported: await this.invoices.reportUsage() };
  }

  @JobHandler('billing.prune-stripe-events')
  async handlePrune(): Promise<{ deleted: number }> {
    return { deleted: await this.pruneStripeEvents() };
  }

  /** Closes each org's previous local day (or `day`); safe to run any number of times, concurrently too. */
  closeDay(day?: string, now = this.clock.now(), orgId?: string): Promise<CloseDayResult> {
    return this.invoices.closeDue(now, { day, orgId });
  }

  async pruneStripeEvents(now = this.clock.now()): Promise<number> {
    const deleted = await this.repo.pruneEvents(new Date(now.getTime() - STRIPE_EVENT_RETENTION_DAYS * 86_400_000));
    if (deleted > 0) this.logger.log({ msg: 'pruned stripe webhook event ids', deleted });
    return deleted;
  }
}
