import { systemMonotonicClock, type MonotonicClock } from '../media/clock';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Outcomes remembered (a sliding window of the last N calls). Default 20. */
  windowSize?: number;
  /** No opening before this many outcomes are in the window. Default 10. */
  minimumCalls?: number;
  /** Opens when failures / outcomes in the window reach this ratio. Default 0.5. */
  failureRatio?: number;
  /** Time open before one probe call is let through (half-open). Default 10 s. */
  resetTimeoutMs?: number;
  clock?: MonotonicClock;
  onStateChange?: (state: BreakerState) => void;
}

/**
 * A count-based circuit breaker: closed while the failure ratio of the last `windowSize` calls
 * stays under `failureRatio`; open (calls refused at once) for `resetTimeoutMs`; then half-open:
 * one probe call decides between closed (window reset) and open again.
 */
export class CircuitBreaker {
  private readonly windowSize: number;
  private readonly minimumCalls: number;
  private readonly failureRatio: number;
  private readonly resetTimeoutMs: number;
  private readonly clock: MonotonicClock;
  private readonly outcomes: boolean[] = []; // true = failure
  private failures = 0;
  private current: BreakerState = 'closed';
  private openedAt = 0;
  private probeInFlight = false;

  constructor(private readonly options: CircuitBreakerOptions = {}) {
    this.windowSize = options.windowSize ?? 20;
    this.minimumCalls = options.minimumCalls ?? 10;
    this.failureRatio = options.failureRatio ?? 0.5;
    this.resetTimeoutMs = options.resetTimeoutMs ?? 10_000;
    this.clock = options.clock ?? systemMonotonicClock;
  }

  get state(): BreakerState {
    if (this.current === 'open' && this.clock.now() - this.openedAt >= this.resetTimeoutMs) this.transition('half-open');
    return this.current;
  }

  /** Whether a call may go ahead now; every `true` must be followed by `record…`. */
  tryAcquire(): boolean {
    switch (this.state) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half-open':
        if (this.probeInFlight) return false;
        this.probeInFlight = true;
        return true;
    }
  }

  recordSuccess(): void {
    this.record(false);
  }

  recordFailure(): void {
    this.record(true);
  }

  private record(failed: boolean): void {
    if (this.current === 'half-open') {
      this.probeInFlight = false;
      if (failed) this.open();
      else {
        this.outcomes.length = 0;
        this.failures = 0;
        this.transition('closed');
      }
      return;
    }
    if (this.current === 'open') return; // a call that started before the breaker opened
    this.outcomes.push(failed);
    if (failed) this.failures++;
    if (this.outcomes.length > this.windowSize && this.outcomes.shift()) this.failures--;
    if (this.outcomes.length >= this.minimumCalls && this.failures / this.outcomes.length >= this.failureRatio) this.open();
  }

  private open(): void {
    this.openedAt = this.clock.now();
    this.transition('open');
  }

  private transition(state: BreakerState): void {
    if (this.current === state && state !== 'open') return;
    this.current = state;
    this.options.onStateChange?.(state);
  }
}

export interface BackoffOptions {
  /** First retry delay ceiling. Default 500 ms. */
  baseMs?: number;
  /** Largest delay ceiling. Default 30 s. */
  maxMs?: number;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and Jitter"):
 * a uniformly random delay in [0, min(max, base × 2^attempt)), so reconnecting clients spread out.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
