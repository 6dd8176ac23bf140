import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { RequestContext } from '../context/request-context';
import { DomainError } from '../errors/domain-error';
import { RedisService } from '../redis/redis.service';
import { serializeError } from '../logging/redaction';
import { withDeadline } from '../shutdown';
import { JobRegistry } from './job-registry';
import { JOB_HANDLER } from './job-handler.decorator';
import type { JobEnvelope } from './jobs';
import { JobWiringError } from './queue.errors';
import { QueueService } from './queue.service';

type Handler = (data: unknown, job: Job) => Promise<unknown>;

/**
 * Consumer side: finds every `@JobHandler` method, checks that each defined job has exactly one
 * handler (in every role, so a bad wiring fails at start, not at 3 a.m.), and runs one BullMQ
 * worker per queue whose role (`worker` unless the job definition says `voice`) this process has. A DomainError with a 4xx status is not retried.
 */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WorkerHost');
  private readonly handlers = new Map<string, Handler>();
  private readonly workers: Worker[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly registry: JobRegistry,
    private readonly queues: QueueService,
    private readonly redis: RedisService,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    this.collectHandlers();
    const unhandled = this.registry.all().filter((d) => !this.handlers.has(d.name));
    if (unhandled.length > 0) {
      throw new JobWiringError(`no @JobHandler for job(s): ${unhandled.map((d) => d.name).join(', ')}`);
    }
    this.startWorkers();
  }

  private collectHandlers(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const name = this.reflector.get<string | undefined>(JOB_HANDLER, fn as () => unknown);
        if (!name) continue;
        this.registry.get(name as never); // throws for a handler of an undefined job
        if (this.handlers.has(name)) throw new JobWiringError(`job "${name}" has more than one @JobHandler`);
        this.handlers.set(name, (fn as Handler).bind(instance));
      }
    }
  }

  /** One worker per queue whose role (default `worker`) this process has. */
  private startWorkers(): void {
    for (const queue of this.registry.queues()) {
      const definitions = this.registry.all().filter((d) => d.queue === queue);
      const roles = new Set(definitions.map((d) => d.role ?? 'worker'));
      if (roles.size > 1) throw new JobWiringError(`queue "${queue}" mixes jobs of roles ${[...roles].join(', ')}`);
      if (![...roles].some((role) => this.config.hasRole(role))) continue;
      const concurrency = Math.max(1, ...definitions.map((d) => d.concurrency ?? 1));
      const worker = new Worker(queue, (job: Job<JobEnvelope>) => this.process(job), {
        connection: this.redis.connect({ maxRetriesPerRequest: null }),
        prefix: this.queues.prefix,
        concurrency,
      });
      // While Redis is down a worker reports an error per reconnect attempt; log the first and
      // then at most one every 30 s per queue.
      let lastLogged = 0;
      worker.on('error', (err) => {
        if (Date.now() - lastLogged < 30_000) return;
        lastLogged = Date.now();
        this.logger.warn({ msg: 'worker error', err: serializeError(err), queue });
      });
      worker.on('failed', (job, err) => {
        if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
          this.logger.error({ msg: 'job failed permanently', err: serializeError(err), job: job.name, jobId: job.id });
        }
      });
      this.workers.push(worker);
    }
  }

  private async process(job: Job<JobEnvelope>): Promise<unknown> {
    const handler = this.handlers.get(job.name);
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
    const ctx = job.data.ctx ?? { requestId: `job-${job.id ?? randomUUID()}` };
    return RequestContext.run({ ...ctx }, async () => {
      try {
        return await handler(job.data.data, job);
      } catch (err) {
        if (err instanceof DomainError && err.status < 500) throw new UnrecoverableError(err.message);
        throw err;
      }
    });
  }

  /** Drain: stop taking jobs and let active ones finish (bounded by SHUTDOWN_TIMEOUT_MS). */
  async beforeApplicationShutdown(): Promise<void> {
    const closing = Promise.all(this.workers.map((w) => w.close()));
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), this.config.shutdownTimeoutMs).unref());
    if ((await Promise.race([closing, timeout])) === 'timeout') {
      this.logger.warn('workers did not drain in time; forcing close (jobs return to the queue as stalled)');
      await Promise.all(this.workers.map((w) => withDeadline(w.close(true), 3_000)));
    }
    this.workers.length = 0;
  }
}
