import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, type JobSchedulerTemplateOptions, type RepeatOptions } from 'bullmq';
import { createHash } from 'node:crypto';
import { RequestContext } from '../context/request-context';
import { serializeError } from '../logging/redaction';
import { withDeadline } from '../shutdown';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { JobRegistry } from './job-registry';
import { DEFAULT_JOB_OPTIONS, type JobEnvelope, type JobName, type JobPayload } from './jobs';

export interface EnqueueOptions {
  /**
   * A business key (e.g. `schedule:<id>:<slot>`): enqueueing the same key again while the job
   * exists is a no-op. Jobs are still at-least-once; handlers guard side effects in Postgres.
   */
  idempotencyKey?: string;
  delay?: number;
  priority?: number;
}

/** BullMQ custom ids may not contain ':' and should stay short; long keys are hashed. */
export function jobIdFor(name: string, key: string): string {
  const safe = key.length <= 100 ? key.replace(/:/g, '_') : createHash('sha256').update(key).digest('hex');
  return `${name}__${safe}`;
}

/** Producer side of the queues: typed `enqueue` and job schedulers. Available in every role. */
@Injectable()
export class QueueService implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue>();
  private readonly logger = new Logger('QueueService');
  private readonly declared = new Map<string, () => Promise<void>>();
  private retryTimer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    private readonly redis: RedisService,
    private readonly registry: JobRegistry,
    private readonly config: AppConfig,
  ) {}

  get prefix(): string {
    return this.redis.key('bull');
  }

  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      // Producers fail fast while Redis is down (503 to the caller) instead of buffering.
      const connection = this.redis.connect({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      queue = new Queue(name, { connection, prefix: this.prefix });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  async enqueue<N extends JobName>(name: N, data: JobPayload<N>, options: EnqueueOptions = {}): Promise<string> {
    const definition = this.registry.get(name);
    const envelope: JobEnvelope<N> = { data, ctx: RequestContext.snapshot() };
    const job = await this.queue(definition.queue).add(name, envelope, {
      ...DEFAULT_JOB_OPTIONS,
      ...definition.options,
      jobId: options.idempotencyKey ? jobIdFor(name, options.idempotencyKey) : undefined,
      delay: options.delay,
      priority: options.priority,
    });
    return job.id as string;
  }

  /** Creates or updates a repeating job (cron pattern with timezone, or fixed interval). */
  async schedule<N extends JobName>(schedulerId: string, name: N, repeat: Omit<RepeatOptions, 'key'>, data: JobPayload<N>): Promise<void> {
    const definition = this.registry.get(name);
    const template: { name: N; data: JobEnvelope<N>; opts: JobSchedulerTemplateOptions } = {
      name,
      data: { data },
      opts: { ...DEFAULT_JOB_OPTIONS, ...definition.options },
    };
    await this.queue(definition.queue).upsertJobScheduler(schedulerId, repeat, template);
  }

  /**
   * Declares a repeating job that must exist (e.g. at bootstrap). Never blocks start-up: applied
   * now if Redis answers, otherwise retried in the background until it does, so a process whose
   * Redis is down still listens and reports 503 on /health/ready.
   */
  declareSchedule<N extends JobName>(schedulerId: string, name: N, repeat: Omit<RepeatOptions, 'key'>, data: JobPayload<N>): void {
    this.declared.set(schedulerId, () => this.schedule(schedulerId, name, repeat, data));
    void this.applyDeclared();
  }

  /**
   * A domain's periodic job on real time (cron or interval), declared by `worker` processes only.
   * Not declared when NODE_ENV=test: test apps run these jobs explicitly (with an injected Clock),
   * and a wall-clock firing mid-test would act on their data (bill it, purge it, seal it, call).
   */
  declareWallClockSchedule<N extends JobName>(schedulerId: string, name: N, repeat: Omit<RepeatOptions, 'key'>, data: JobPayload<N>): void {
    if (!this.config.hasRole('worker') || this.config.nodeEnv === 'test') return;
    this.declareSchedule(schedulerId, name, repeat, data);
  }

  private async applyDeclared(): Promise<void> {
    for (const [id, apply] of [...this.declared]) {
      if (this.closing) return;
      try {
        await apply();
        this.declared.delete(id);
      } catch (err) {
        this.logger.warn({ msg: 'job scheduler not registered yet; retrying', schedulerId: id, err: serializeError(err) });
        this.retryTimer ??= setTimeout(() => {
          this.retryTimer = undefined;
          void this.applyDeclared();
        }, 2_000).unref();
        return;
      }
    }
  }

  async unschedule(name: JobName, schedulerId: string): Promise<boolean> {
    return this.queue(this.registry.get(name).queue).removeJobScheduler(schedulerId);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.retryTimer);
    await Promise.all(
      [...this.queues.values()].map((q) =>
        withDeadline(
          q.close().catch(() => undefined),
          3_000,
        ),
      ),
    );
    this.queues.clear();
  }
}
