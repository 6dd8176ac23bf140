import type { JobsOptions } from 'bullmq';
import type { ProcessRole } from '../config/config.types';
import type { ContextData } from '../context/request-context';

/**
 * Job name → payload. Each domain adds its jobs by declaration merging:
 *
 *   declare module '@app/platform' {
 *     interface JobPayloads { 'calls.dispatch': { scheduleId: string; slot: string } }
 *   }
 *
 * Payloads carry ids and context, never PHI.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobPayloads {}

export type JobName = Extract<keyof JobPayloads, string>;
export type JobPayload<N extends JobName> = JobPayloads[N];

/** What actually goes into Redis: the payload plus the context of whoever enqueued it. */
export interface JobEnvelope<N extends JobName = JobName> {
  data: JobPayload<N>;
  ctx?: ContextData;
}

export interface JobDefinition<N extends JobName = JobName> {
  name: N;
  /** BullMQ queue the job goes to; one worker per queue dispatches by job name. */
  queue: string;
  /** Defaults for every enqueue of this job. */
  options?: Omit<JobsOptions, 'jobId' | 'repeat'>;
  /** Worker concurrency for the queue (the highest of its jobs' values wins). */
  concurrency?: number;
  /**
   * The process role that consumes the queue (default `worker`). Voice jobs (placing a call) run
   * in `voice` processes, which own the media of the calls they place. All jobs of a queue share it.
   */
  role?: ProcessRole;
}

export function defineJob<N extends JobName>(definition: JobDefinition<N>): JobDefinition<N> {
  return definition;
}

/** Retries with exponential backoff; failures are kept for inspection, successes trimmed. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
