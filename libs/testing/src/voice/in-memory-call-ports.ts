import type {
  CallContext,
  CallContextSource,
  CallEvent,
  CallEventSink,
  CallScheduler,
  CancelTimer,
  RiskDetector,
  RiskDetectorSource,
  RiskReport,
  RiskSink,
  TranscriptMessage,
  TranscriptSink,
} from '@app/voice';
import type { FakeMonotonicClock } from './fake-clock';

/** Resolves waiters when their predicate holds, re-checked on every `notify()`. */
class Waiters {
  private readonly set = new Set<() => void>();

  waitFor(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (!predicate()) return;
        this.set.delete(check);
        resolve();
      };
      this.set.add(check);
    });
  }

  notify(): void {
    for (const check of [...this.set]) check();
  }
}

/** A complete CallContext with plausible defaults (override what the test is about). */
export function callContext(overrides: Partial<CallContext> & { callId: string }): CallContext {
  return {
    patientId: `patient-${overrides.callId}`,
    orgId: 'org-1',
    direction: 'outbound',
    phoneNumber: '+15550100',
    preferredLanguage: 'en',
    firstName: 'Margaret',
    timezone: 'America/Chicago',
    localDateTime: 'Tuesday 12 May 2026, 10:05',
    medications: ['metformin 500 mg twice daily'],
    conditions: ['type 2 diabetes'],
    caregiverNotes: ['Daughter Anne visits on Sundays'],
    recentCalls: [{ date: '2026-05-11', summary: 'Felt well, enjoyed gardening.' }],
    purpose: 'daily wellness check',
    ...overrides,
  };
}

/** Contexts by call id; `load` of an unknown call rejects (like a missing row). */
export class InMemoryCallContextSource implements CallContextSource {
  readonly contexts = new Map<string, CallContext>();
  loads = 0;

  add(context: CallContext): CallContext {
    this.contexts.set(context.callId, context);
    return context;
  }

  load(callId: string): Promise<CallContext> {
    this.loads++;
    const context = this.contexts.get(callId);
    return context ? Promise.resolve(context) : Promise.reject(new Error(`no context for call ${callId}`));
  }
}

export class InMemoryTranscriptSink implements TranscriptSink {
  readonly messages: TranscriptMessage[] = [];
  private readonly waiters = new Waiters();

  append(message: TranscriptMessage): Promise<void> {
    this.messages.push(message);
    this.waiters.notify();
    return Promise.resolve();
  }

  of(callId: string): TranscriptMessage[] {
    return this.messages.filter((m) => m.callId === callId);
  }

  /** Final messages of a call, in order: `role: text`. */
  finals(callId: string): string[] {
    return this.of(callId)
      .filter((m) => m.final)
      .map((m) => `${m.role}: ${m.text}`);
  }

  waitFor(predicate: (messages: readonly TranscriptMessage[]) => boolean): Promise<void> {
    return this.waiters.waitFor(() => predicate(this.messages));
  }
}

export class InMemoryCallEventSink implements CallEventSink {
  readonly events: CallEvent[] = [];
  private readonly waiters = new Waiters();

  publish(event: CallEvent): Promise<void> {
    this.events.push(event);
    this.waiters.notify();
    return Promise.resolve();
  }

  of(callId: string): CallEvent[] {
    return this.events.filter((e) => e.callId === callId);
  }

  /** The status sequence of a call, e.g. ['ringing', 'answered', 'ended']. */
  statuses(callId: string): string[] {
    return this.of(callId).flatMap((e) => (e.type === 'call.status' ? [e.status] : []));
  }

  ended(callId: string): Extract<CallEvent, { status: 'ended' }> | undefined {
    return this.of(callId).find((e): e is Extract<CallEvent, { status: 'ended' }> => e.type === 'call.status' && e.status === 'ended');
  }

  waitFor(predicate: (events: readonly CallEvent[]) => boolean): Promise<void> {
    return this.waiters.waitFor(() => predicate(this.events));
  }
}

export class InMemoryRiskSink implements RiskSink {
  readonly reports: RiskReport[] = [];
  private readonly waiters = new Waiters();

  report(report: RiskReport): Promise<void> {
    this.reports.push(report);
    this.waiters.notify();
    return Promise.resolve();
  }

  of(callId: string): RiskReport[] {
    return this.reports.filter((r) => r.callId === callId);
  }

  waitFor(predicate: (reports: readonly RiskReport[]) => boolean): Promise<void> {
    return this.waiters.waitFor(() => predicate(this.reports));
  }
}

/** The same detector for every org. */
export class StaticRiskDetectorSource implements RiskDetectorSource {
  constructor(private readonly detector: RiskDetector) {}

  detectorFor(): RiskDetector {
    return this.detector;
  }
}

/** A timer of a `FakeCallScheduler` that has neither fired nor been cancelled. */
export interface PendingCallTimer {
  /** The session's name for it (`ring`, `silence`, `wrap-up`, `max-duration`, `ai-deadline`, `reconnect`, `drain`, …). */
  label: string | undefined;
  /** Clock time (ms) at which it falls due. */
  at: number;
}

/**
 * Session timers on a FakeMonotonicClock: nothing fires until the test moves time with
 * `advance(ms)` (callbacks run in deadline order, the clock set to each deadline).
 *
 * Sessions arm their timers in reaction to real I/O (ARI events, AI socket events), so a test
 * must not move time before the timer it is about has been armed: `waitForTimer(label)` resolves
 * once it has (the fake's time never moves by itself, so the wait cannot miss it).
 */
export class FakeCallScheduler implements CallScheduler {
  private readonly pending = new Map<number, { at: number; callback: () => void; label: string | undefined }>();
  private readonly waiters = new Waiters();
  private nextId = 0;

  constructor(readonly clock: FakeMonotonicClock) {}

  now(): number {
    return this.clock.now();
  }

  schedule(delayMs: number, callback: () => void, label?: string): CancelTimer {
    const id = ++this.nextId;
    this.pending.set(id, { at: this.clock.now() + Math.max(0, delayMs), callback, label });
    this.waiters.notify();
    return () => {
      if (this.pending.delete(id)) this.waiters.notify();
    };
  }

  /** Timers armed and not yet fired or cancelled. */
  get size(): number {
    return this.pending.size;
  }

  /** The pending timers in deadline order (optionally only those with `label`). */
  timers(label?: string): PendingCallTimer[] {
    return [...this.pending.values()]
      .filter((t) => label === undefined || t.label === label)
      .map((t) => ({ label: t.label, at: t.at }))
      .sort((a, b) => a.at - b.at);
  }

  /** Whether a timer with `label` is pending (and, given `at`, falls due exactly then). */
  armed(label: string, at?: number): boolean {
    return this.timers(label).some((t) => at === undefined || t.at === at);
  }

  /** Resolves once `predicate` holds for the pending timers (re-checked whenever one is armed, cancelled or fired). */
  waitFor(predicate: (timers: readonly PendingCallTimer[]) => boolean): Promise<void> {
    return this.waiters.waitFor(() => predicate(this.timers()));
  }

  /** Resolves once a timer with `label` is pending (due exactly at `at`, when given). */
  waitForTimer(label: string, at?: number): Promise<void> {
    return this.waiters.waitFor(() => this.armed(label, at));
  }

  /** Fires what is due now (including 0-delay timers armed by those callbacks); returns how many. */
  runDue(): number {
    return this.advance(0);
  }

  /** Moves time forward `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): number {
    const until = this.clock.now() + ms;
    let fired = 0;
    for (;;) {
      let nextId: number | undefined;
      let next: { at: number; callback: () => void } | undefined;
      for (const [id, timer] of this.pending) if (timer.at <= until && (!next || timer.at < next.at)) [nextId, next] = [id, timer];
      if (!next || nextId === undefined) break;
      this.pending.delete(nextId);
      if (next.at > this.clock.now()) this.clock.set(next.at);
      next.callback();
      fired++;
    }
    if (this.clock.now() < until) this.clock.set(until);
    this.waiters.notify();
    return fired;
  }
}
