/**
 * Deterministic time for media code: a monotonic clock that only moves when told, and a wake
 * timer that records what was asked of it. Structurally compatible with `MonotonicClock` and
 * `WakeTimer` from @app/voice, so tests run simulated minutes without sleeping.
 */
export class FakeMonotonicClock {
  constructor(private current = 1_000) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): number {
    if (ms < 0) throw new RangeError('a monotonic clock never goes back');
    this.current += ms;
    return this.current;
  }

  set(ms: number): void {
    if (ms < this.current) throw new RangeError('a monotonic clock never goes back');
    this.current = ms;
  }
}

/** A wake timer driven by hand: `runDue()` fires the pending callback when its time has come. */
export class ManualWakeTimer {
  private pending: { at: number; callback: () => void } | undefined;
  /** How many times it was armed (a pacer that sleeps while idle arms nothing). */
  arms = 0;

  constructor(private readonly clock: FakeMonotonicClock) {}

  set(delayMs: number, callback: () => void): void {
    this.arms++;
    this.pending = { at: this.clock.now() + Math.max(0, delayMs), callback };
  }

  clear(): void {
    this.pending = undefined;
  }

  /** When the pending wake-up is due (undefined: nothing armed). */
  get dueAt(): number | undefined {
    return this.pending?.at;
  }

  get armed(): boolean {
    return this.pending !== undefined;
  }

  /** Fires the pending callback if due now; returns whether it fired. */
  runDue(): boolean {
    const pending = this.pending;
    if (!pending || pending.at > this.clock.now()) return false;
    this.pending = undefined;
    pending.callback();
    return true;
  }

  /**
   * Moves the clock to each wake-up in turn (optionally `lateMs` after it, like a busy event
   * loop) until `untilMs`, firing the callbacks; returns how many fired.
   */
  runUntil(untilMs: number, lateMs: (n: number) => number = () => 0): number {
    let fired = 0;
    while (this.pending && this.pending.at <= untilMs) {
      const at = Math.min(untilMs, Math.max(this.clock.now(), this.pending.at + lateMs(fired)));
      this.clock.set(at);
      if (this.runDue()) fired++;
    }
    if (this.clock.now() < untilMs) this.clock.set(untilMs);
    return fired;
  }
}
