import { performance } from 'node:perf_hooks';

/**
 * A monotonic time source in milliseconds (fractional). Media timing uses it instead of
 * `Date.now()` (which jumps with NTP) and instead of the platform `Clock` (a calendar date).
 */
export interface MonotonicClock {
  now(): number;
}

export const systemMonotonicClock: MonotonicClock = { now: () => performance.now() };

/** One re-armable wake-up: `set` replaces any pending wake-up. */
export interface WakeTimer {
  set(delayMs: number, callback: () => void): void;
  clear(): void;
}

/** The real wake timer (setTimeout; Node rounds to whole milliseconds). */
export function createWakeTimer(): WakeTimer {
  let handle: NodeJS.Timeout | undefined;
  return {
    set(delayMs, callback) {
      if (handle) clearTimeout(handle);
      handle = setTimeout(
        () => {
          handle = undefined;
          callback();
        },
        Math.max(0, delayMs),
      );
    },
    clear() {
      if (handle) clearTimeout(handle);
      handle = undefined;
    },
  };
}
