import { systemMonotonicClock } from '../media/clock';

/** Cancels a scheduled callback; idempotent. */
export type CancelTimer = () => void;

/**
 * Time for a call session's timers (max duration, silence, reconnect deadlines, rotation): a
 * monotonic `now()` and one-shot callbacks. Injected so tests run simulated minutes without
 * sleeping (`FakeCallScheduler` in @app/testing).
 */
export interface CallScheduler {
  now(): number;
  /**
   * Runs `callback` once after `delayMs`. `label` names the timer (e.g. `silence`, `ai-deadline`)
   * for tests and diagnostics; it never changes when or whether the callback runs.
   */
  schedule(delayMs: number, callback: () => void, label?: string): CancelTimer;
}

/** setTimeout on the monotonic clock; timers are unref'd (a live call keeps the process up by its sockets). */
export const systemCallScheduler: CallScheduler = {
  now: () => systemMonotonicClock.now(),
  schedule(delayMs, callback) {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    handle.unref();
    return () => clearTimeout(handle);
  },
};

export const CALL_SCHEDULER = Symbol('CallScheduler');
