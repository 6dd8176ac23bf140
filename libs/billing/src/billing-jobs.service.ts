import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, JobHandler, QueueService, defineJob } from '@app/platform';
import { InvoiceService, utcDayStart, type CloseDayResult } from './invoice.service';

declare module '@app/platform' {
  interface JobPayloads {
    /** `day`: YYYY-MM-DD (UTC) to close; default: the day before the run. */
    'billing.close-day': { day?: string };
  }
}

export const closeBillingDayJob = defineJob({
  name: 'billing.close-day',
  queue: 'billing',
  options: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 } },
  concurrency: 1,
});

/** Nightly at 02:00 UTC (worker role): closes the previous day's usage into invoices per org. */
export const BILLING_CRON = '0 2 * * *';

@Injectable()
export class BillingJobs implements OnApplicationBootstrap {
  constructor(
    private readonly config: AppConfig,
    private readonly queues: QueueService,
    private readonly invoices: InvoiceService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.hasRole('worker')) return;
    this.queues.declareSchedule('billing-close-day', 'billing.close-day', { pattern: BILLING_CRON, tz: 'UTC' }, {});
  }

  @JobHandler('billing.close-day')
  async handleCloseDay(data: { day?: string }): Promise<CloseDayResult> {
    return this.closeDay(data.day);
  }

  /** Closes `day` (YYYY-MM-DD, default yesterday UTC); safe to run any number of times. */
  closeDay(day?: string, now = new Date()): Promise<CloseDayResult> {
    const target = day ? new Date(`${day}T00:00:00.000Z`) : new Date(utcDayStart(now).getTime() - 86_400_000);
    return this.invoices.closeDay(target, now);
  }
}
