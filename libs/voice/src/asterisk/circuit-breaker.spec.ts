import { FakeMonotonicClock } from '@app/testing';
import { CircuitBreaker, backoffDelay, type BreakerState } from './circuit-breaker';

describe('CircuitBreaker', () => {
  function breaker() {
    const clock = new FakeMonotonicClock();
    const changes: BreakerState[] = [];
    const b = new CircuitBreaker({
      windowSize: 10,
      minimumCalls: 4,
      failureRatio: 0.5,
      resetTimeoutMs: 5000,
      clock,
      onStateChange: (s) => changes.push(s),
    });
    return { b, clock, changes };
  }

  it('stays closed below the minimum number of calls and below the failure ratio', () => {
    const { b } = breaker();
    for (let i = 0; i < 3; i++) b.recordFailure();
    expect(b.state).toBe('closed'); // 3 calls < minimumCalls
    const { b: other } = breaker();
    for (let i = 0; i < 4; i++) other.recordSuccess();
    for (let i = 0; i < 3; i++) other.recordFailure();
    expect(other.state).toBe('closed'); // 3/7 < 0.5
  });

  it('opens at the failure ratio, refuses calls, then lets one probe through after the reset timeout', () => {
    const { b, clock, changes } = breaker();
    b.recordSuccess();
    b.recordSuccess();
    b.recordFailure();
    b.recordFailure(); // 2/4
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    clock.advance(4999);
    expect(b.tryAcquire()).toBe(false);
    clock.advance(1);
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false); // only one probe at a time
    b.recordSuccess();
    expect(b.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
    // The window was reset: one failure does not reopen it.
    b.recordFailure();
    expect(b.state).toBe('closed');
  });

  it('re-opens when the probe fails', () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 4; i++) b.recordFailure();
    clock.advance(5000);
    expect(b.tryAcquire()).toBe(true);
    b.recordFailure();
    expect(b.state).toBe('open');
    clock.advance(4000);
    expect(b.tryAcquire()).toBe(false);
  });

  it('judges only the last windowSize calls', () => {
    const { b } = breaker();
    for (let i = 0; i < 10; i++) b.recordSuccess();
    for (let i = 0; i < 4; i++) b.recordFailure();
    expect(b.state).toBe('closed'); // 4 of the last 10
    b.recordFailure();
    expect(b.state).toBe('open'); // 5 of the last 10 (5 of 15 overall)
  });
});

describe('backoffDelay (exponential, full jitter)', () => {
  it('draws uniformly below a doubling ceiling capped at max', () => {
    const top = (attempt: number): number => backoffDelay(attempt, { baseMs: 100, maxMs: 5000 }, () => 0.999999);
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(top)).toEqual([99, 199, 399, 799, 1599, 3199, 4999, 4999]);
    expect(backoffDelay(3, { baseMs: 100, maxMs: 5000 }, () => 0)).toBe(0);
    expect(backoffDelay(3, { baseMs: 100, maxMs: 5000 }, () => 0.5)).toBe(400);
    expect(backoffDelay(1000, {}, () => 0.5)).toBe(15000); // no overflow on huge attempt counts
  });
});
