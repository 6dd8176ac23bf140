import { defineJob } from '@app/platform';

declare module '@app/platform' {
  interface JobPayloads {
    /** Voice role: place (and hold for its duration) one call. */
    'voice.dial': { callId: string };
    /** Every minute: dispatch due schedule slots, sweep attempts lost with a crashed voice process. */
    'calls.tick': Record<string, never>;
    /** One attempt of one schedule slot (unique in Postgres: a second run places no second call). */
    'calls.dispatch': { scheduleId: string; orgId: string; slotAt: string; attempt: number };
    /** After a call: retry per the org's callRetrySettings, or the missed check-in alert. */
    'calls.follow-up': { callId: string };
  }
}

/** Held for the whole call: BullMQ's concurrency is the per-process cap; never retried (a re-run sees the claimed attempt). */
export const dialJob = defineJob({ name: 'voice.dial', queue: 'voice', role: 'voice', concurrency: 200, options: { attempts: 1 } });
export const tickJob = defineJob({ name: 'calls.tick', queue: 'calls', options: { attempts: 1 }, concurrency: 4 });
export const dispatchJob = defineJob({
  name: 'calls.dispatch',
  queue: 'calls',
  options: { attempts: 8, backoff: { type: 'exponential', delay: 15_000 } },
  concurrency: 4,
});
export const followUpJob = defineJob({ name: 'calls.follow-up', queue: 'calls', concurrency: 4 });

export const CALL_JOBS = [dialJob, tickJob, dispatchJob, followUpJob];
