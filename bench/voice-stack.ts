// The pipeline under test for the voice call benches, built as VoiceCallHarness builds it
// (CallSessionFactory + in-memory ports + AsteriskTelephony + the shared PlayoutPacer) but on the
// REAL clock (pacer and session timers), plus the fake world in a child process
// (bench/voice-world.ts). Not a benchmark module.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { readProcessEnv } from '@app/platform';
import {
  InMemoryCallContextSource,
  InMemoryCallEventSink,
  InMemoryRiskSink,
  InMemoryTranscriptSink,
  StaticRiskDetectorSource,
  TEST_RISK_PHRASES,
  callContext,
} from '@app/testing';
import {
  AriClient,
  AsteriskTelephony,
  CallSessionFactory,
  OpenAIRealtimeClient,
  PlayoutPacer,
  RiskDetector,
  RtpPortPool,
  systemCallScheduler,
  type RtpEndpoint,
  type CallSession,
  type PlayoutOptions,
  type PlayoutQueue,
  type PlayoutSink,
  type RiskReport,
} from '@app/voice';
import { INBOUND_MAGIC, monoMs, type WorldCall, type WorldCommand, type WorldInfo, type WorldReply } from './voice-protocol';

/** Samples recorded only while `on` (the measurement window). */
export class Samples {
  on = false;
  readonly values: number[] = [];

  record(value: number): void {
    if (this.on) this.values.push(value);
  }

  sorted(): Float64Array {
    return Float64Array.from(this.values).sort();
  }
}

/** Knobs (environment): BENCH_QUICK=1 for a short CI-like run; BENCH_VOICE_CALLS, BENCH_DURATION_MS as in voice-media. */
export function voiceSettings(): { quick: boolean; calls: number; durationMs: number; warmupMs: number; bargeIns: number; alerts: number } {
  const env = readProcessEnv();
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  const int = (name: string, fallback: number): number => {
    const value = Number(env[name]);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  return {
    quick,
    calls: int('BENCH_VOICE_CALLS', quick ? 20 : 200),
    durationMs: int('BENCH_DURATION_MS', quick ? 2000 : 5000),
    warmupMs: quick ? 500 : 1000,
    bargeIns: int('BENCH_VOICE_BARGE_INS', quick ? 40 : 200),
    alerts: int('BENCH_VOICE_ALERTS', quick ? 40 : 200),
  };
}

/** A command without its id (the request adds it). */
type WorldCommandBody = WorldCommand extends infer C ? (C extends WorldCommand ? Omit<C, 'id'> : never) : never;

type Pending = { resolve: (reply: WorldReply) => void; reject: (err: Error) => void };

/** The fake world (FakeAsterisk + FakeOpenAIRealtime + traffic) in a child process. */
export class VoiceWorld {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private measuringListener: (() => void) | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly info: WorldInfo,
  ) {
    child.on('message', (reply: WorldReply) => {
      if (reply.type === 'measuring') return this.measuringListener?.();
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.type === 'error') waiter.reject(new Error(`voice world: ${reply.message}`));
      else waiter.resolve(reply);
    });
    child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`voice world exited with code ${code}`));
      this.pending.clear();
    });
  }

  static start(): Promise<VoiceWorld> {
    const child = fork(join(__dirname, 'voice-world.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`voice world exited with code ${code} before starting`)));
      child.once('message', (reply: WorldReply) => {
        if (reply.type === 'started') resolve(new VoiceWorld(child, reply.info));
        else reject(new Error(`voice world: unexpected ${reply.type}`));
      });
    });
  }

  /** Called when the world's warm-up is over and the measurement window opens. */
  onMeasuring(listener: () => void): void {
    this.measuringListener = listener;
  }

  request<T extends WorldReply['type']>(command: WorldCommandBody, expect: T): Promise<Extract<WorldReply, { type: T }>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: (reply) =>
          reply.type === expect
            ? resolve(reply as Extract<WorldReply, { type: T }>)
            : reject(new Error(`voice world answered ${reply.type}, not ${expect}`)),
        reject,
      });
      this.child.send({ ...command, id });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.request({ type: 'stop' }, 'ok').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill(), 3000);
    await exited;
    clearTimeout(timer);
  }
}

/** The shared pacer, timing each frame against its deadline (same measure as voice-media's pacing). */
class MeasuredPacer extends PlayoutPacer {
  readonly lateness = new Samples();

  override register(sink: PlayoutSink, options?: PlayoutOptions): PlayoutQueue {
    return super.register((frame, info) => {
      this.lateness.record(this.clock.now() - info.dueAt);
      sink(frame, info);
    }, options);
  }
}

/** Times every report against the transcript delta that caused it (messageRef = the delta's item id). */
class TimedRiskSink extends InMemoryRiskSink {
  readonly at = new Map<string, number>();

  override report(report: RiskReport): Promise<void> {
    if (report.messageRef !== undefined && !this.at.has(report.messageRef)) this.at.set(report.messageRef, monoMs());
    return super.report(report);
  }
}

/** Counts and times the caller frames the sessions hand to their Realtime socket. */
class InboundMeter {
  readonly latency = new Samples();
  appended = 0;
}

/** The real Realtime client, timing each bench frame from its send by the fake Asterisk to our WebSocket send. */
function measuredClientFactory(world: WorldInfo, meter: InboundMeter): () => OpenAIRealtimeClient {
  class MeasuredRealtimeClient extends OpenAIRealtimeClient {
    override appendAudio(ulaw: Uint8Array): boolean {
      const ok = super.appendAudio(ulaw);
      if (ok && ulaw.byteLength >= 16) {
        const frame = Buffer.from(ulaw.buffer, ulaw.byteOffset, ulaw.byteLength);
        if (frame.readUInt32BE(8) === INBOUND_MAGIC) {
          meter.appended++;
          meter.latency.record(monoMs() - frame.readDoubleLE(0));
        }
      }
      return ok;
    }
  }
  return () =>
    new MeasuredRealtimeClient({ apiKey: 'sk-bench', baseUrl: world.openaiBaseUrl, model: 'gpt-realtime', connectTimeoutMs: 10_000 });
}

/** Sessions started, media up, AI connected: the pipeline in steady state. */
export class VoicePipeline {
  readonly pacer = new MeasuredPacer();
  readonly inbound = new InboundMeter();
  readonly risks = new TimedRiskSink();
  readonly contexts = new InMemoryCallContextSource();
  readonly errors: Error[] = [];
  readonly sessions: CallSession[] = [];
  readonly pool: RtpPortPool;
  readonly ari: AriClient;
  readonly telephony: AsteriskTelephony;
  readonly factory: CallSessionFactory;

  private constructor(world: WorldInfo, maxCalls: number) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 10_000);
    this.pool = new RtpPortPool({ min: base, max: base + 2 * maxCalls + 200, bindAddress: '127.0.0.1' });
    const onError = (error: Error): void => void this.errors.push(error);
    this.ari = new AriClient({ ...world.ari, app: 'bianca', onError });
    this.telephony = new AsteriskTelephony({
      ari: this.ari,
      pool: this.pool,
      pacer: this.pacer,
      rtpHost: '127.0.0.1',
      dialTemplate: 'PJSIP/{phone}@trunk',
      onError,
    });
    this.factory = new CallSessionFactory(
      this.contexts,
      new InMemoryTranscriptSink(),
      new InMemoryCallEventSink(),
      this.risks,
      new StaticRiskDetectorSource(new RiskDetector(TEST_RISK_PHRASES)),
      this.telephony,
      measuredClientFactory(world, this.inbound),
      systemCallScheduler,
      {},
      undefined,
      onError,
    );
  }

  static async start(world: WorldInfo, maxCalls: number): Promise<VoicePipeline> {
    const pipeline = new VoicePipeline(world, maxCalls);
    const connected = new Promise<void>((resolve) => {
      const off = pipeline.ari.onConnectionChange((s) => {
        if (s.connected) {
          off();
          resolve();
        }
      });
    });
    pipeline.telephony.start();
    await connected;
    return pipeline;
  }

  /** Starts `count` calls (batches of 20), resolves once every one is active (media up, AI connected). */
  async startCalls(count: number, prefix: string): Promise<WorldCall[]> {
    const calls: WorldCall[] = [];
    for (let i = 0; i < count; i += 20) {
      const batch: Promise<void>[] = [];
      for (let j = i; j < Math.min(count, i + 20); j++) {
        const callId = `${prefix}${j}`;
        this.contexts.add(callContext({ callId, firstName: `Ada ${callId}` }));
        const session = this.factory.create(callId);
        this.sessions.push(session);
        calls.push({ callId, index: j, channelId: this.telephony.idsFor(callId).channelId });
        batch.push(session.start());
      }
      await Promise.all(batch);
    }
    const deadline = monoMs() + 60_000;
    for (;;) {
      const ended = this.sessions.filter((s) => s.state === 'ending' || s.state === 'ended');
      if (ended.length > 0) {
        const result = await ended[0].ended;
        throw new Error(`${ended.length} call(s) ended during set-up (first: ${result.reason}; ${this.errors[0]?.message ?? 'no error'})`);
      }
      if (this.sessions.every((s) => s.state === 'active' && s.aiConnected)) return calls;
      if (monoMs() > deadline) {
        const waiting = this.sessions.filter((s) => !(s.state === 'active' && s.aiConnected)).length;
        throw new Error(`${waiting} of ${count} calls not active after 60 s (${this.errors[0]?.message ?? 'no error'})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * Where caller frames went, summed over the calls: session counters, and the RTP endpoints'
   * drop reasons and jitter-buffer losses (the endpoint is private to AsteriskLeg: read for
   * diagnostics only).
   */
  mediaStats(): Record<string, number> {
    const out: Record<string, number> = { framesIn: 0, framesDropped: 0, packetsReceived: 0, jitterLost: 0 };
    for (const session of this.sessions) {
      out.framesIn += session.stats.audioFramesIn;
      out.framesDropped += session.stats.audioFramesDropped;
      const endpoint = (session.callLeg as unknown as { endpoint?: RtpEndpoint } | undefined)?.endpoint;
      if (!endpoint) continue;
      out.packetsReceived += endpoint.stats.packetsReceived;
      for (const [reason, n] of Object.entries(endpoint.stats.dropped)) out[`drop_${reason}`] = (out[`drop_${reason}`] ?? 0) + n;
      const jitter = (endpoint as unknown as { jitter?: { stats: { lost: number } } }).jitter;
      out.jitterLost += jitter?.stats.lost ?? 0;
    }
    return out;
  }

  /** Ends every call (the one teardown) and returns what is still held on our side. */
  async endAll(): Promise<{ ms: number; ports: number; legs: number; sessions: number; pacerActive: number }> {
    const started = monoMs();
    await this.factory.endAll('dashboard');
    return {
      ms: monoMs() - started,
      ports: this.pool.inUse,
      legs: this.telephony.liveLegs,
      sessions: this.factory.liveCount,
      pacerActive: this.pacer.activeSessions,
    };
  }

  async stop(): Promise<void> {
    await this.factory.endAll('shutdown');
    await this.telephony.stop();
    this.pacer.close();
  }
}

export interface Teardown {
  /** factory.endAll() duration. */
  ms: number;
  /** Still held on our side after teardown: pooled UDP ports, telephony legs, live sessions, pacer sessions. */
  ports: number;
  legs: number;
  sessions: number;
  pacerActive: number;
  /** Still present in the fake world: ARI channels, bridges, externalMedia sockets, open AI sockets. */
  channels: number;
  bridges: number;
  mediaSockets: number;
  aiOpen: number;
  /** Session/telephony errors reported during the whole run. */
  errors: number;
  firstError: string;
}

/**
 * Starts `count` calls on a fresh pipeline against the world, attaches the world's traffic to
 * them, runs `body`, then ends every call and counts what leaked on both sides.
 */
export async function withCalls<T>(
  world: VoiceWorld,
  count: number,
  prefix: string,
  body: (pipeline: VoicePipeline, calls: WorldCall[]) => Promise<T>,
): Promise<{ result: T; teardown: Teardown; setupMs: number }> {
  const pipeline = await VoicePipeline.start(world.info, count);
  try {
    const started = monoMs();
    const calls = await pipeline.startCalls(count, prefix);
    const setupMs = monoMs() - started;
    await world.request({ type: 'attach', mode: 'asterisk', calls }, 'ok');
    const result = await body(pipeline, calls);
    await world.request({ type: 'detach' }, 'ok');
    const ours = await pipeline.endAll();
    const theirs = await world.request({ type: 'leaks', settleMs: 3000 }, 'leaks');
    const teardown: Teardown = {
      ...ours,
      channels: theirs.channels,
      bridges: theirs.bridges,
      mediaSockets: theirs.mediaSockets,
      aiOpen: theirs.aiOpen,
      errors: pipeline.errors.length,
      firstError: pipeline.errors[0]?.message ?? '',
    };
    return { result, teardown, setupMs };
  } finally {
    await pipeline.stop();
  }
}
