import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { PatientService } from '@app/patients';
import { Clock, JobHandler, QueueService, defineJob } from '@app/platform';
import { ANALYSIS_PATIENT_JOB } from './analysis-jobs.service';

declare module '@app/platform' {
  interface JobPayloads {
    /**
     * Monthly medical + fraud/abuse analyses: one `analysis.patient` job per live patient of every
     * org. `month` (YYYY-MM, UTC) names the batch; default the current UTC month.
     */
    'analysis.monthly': { month?: string };
  }
}

export const ANALYSIS_MONTHLY_JOB = 'analysis.monthly' as const;

export const analyzeMonthlyJob = defineJob({
  name: ANALYSIS_MONTHLY_JOB,
  queue: 'analysis',
  options: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 } },
});

/** 1st of every month, 03:00 UTC (worker role). */
export const ANALYSIS_MONTHLY_CRON = '0 3 1 * *';
export const ANALYSIS_MONTHLY_SCHEDULER_ID = 'analysis-monthly';
/** Patients listed per page (keyset over the patients' primary key). */
export const ANALYSIS_MONTHLY_PAGE_SIZE = 500;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The run key of a month's batch: each patient's analyses of that month are stored once. */
export const monthlyRunKey = (month: string): string => `monthly-${month}`;

export interface MonthlyScheduleResult {
  runKey: string;
  /** Patients a job was enqueued (or already existed) for. */
  patients: number;
}

/**
 * The monthly analysis scheduler. Idempotent: the run key is the month, so a redelivered or
 * repeated run enqueues the same job ids (a no-op while they exist) and the analyses themselves are
 * stored once per patient and run key (unique index), whatever happens in Redis.
 */
@Injectable()
export class AnalysisScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('AnalysisScheduler');

  constructor(
    private readonly queues: QueueService,
    private readonly patients: PatientService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.queues.declareWallClockSchedule(
      ANALYSIS_MONTHLY_SCHEDULER_ID,
      ANALYSIS_MONTHLY_JOB,
      { pattern: ANALYSIS_MONTHLY_CRON, tz: 'UTC' },
      {},
    );
  }

  @JobHandler(ANALYSIS_MONTHLY_JOB)
  async handleMonthly(data: { month?: string }): Promise<MonthlyScheduleResult> {
    return this.scheduleMonth(data.month);
  }

  /** Enqueues one `analysis.patient` job per live patient (all orgs), a page at a time. */
  async scheduleMonth(month?: string, pageSize = ANALYSIS_MONTHLY_PAGE_SIZE): Promise<MonthlyScheduleResult> {
    const batch = month ?? this.clock.now().toISOString().slice(0, 7);
    if (!MONTH.test(batch)) throw new Error(`analysis.monthly: month must be YYYY-MM`);
    const runKey = monthlyRunKey(batch);
    let after: string | null = null;
    let count = 0;
    for (;;) {
      const page = await this.patients.liveIdsAfter(after, pageSize);
      for (const { id: patientId, orgId } of page) {
        await this.queues.enqueue(ANALYSIS_PATIENT_JOB, { orgId, patientId, runKey }, { idempotencyKey: `${patientId}:${runKey}` });
      }
      count += page.length;
      if (page.length < pageSize) break;
      after = page[page.length - 1]?.id ?? after;
    }
    await this.audit.record({
      action: 'analysis.monthly.schedule',
      resourceType: 'analysis_batch',
      resourceIds: [runKey],
      orgId: null,
      actor: null,
      outcome: 'success',
    });
    this.logger.log({ msg: 'monthly analyses scheduled', runKey, patients: count });
    return { runKey, patients: count };
  }
}
