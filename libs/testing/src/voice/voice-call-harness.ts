import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import { WebSocketServer } from 'ws';
import {
  AriClient,
  AsteriskTelephony,
  CALL_CONTEXT_SOURCE,
  CALL_EVENT_SINK,
  CALL_SCHEDULER,
  CALL_SESSION_ERROR_LISTENER,
  CALL_SESSION_SETTINGS,
  CallSessionFactory,
  OpenAIRealtimeClient,
  PlayoutPacer,
  REALTIME_CLIENT_FACTORY,
  RISK_DETECTOR_SOURCE,
  RISK_SINK,
  RiskDetector,
  RtpPortPool,
  TELEPHONY_PROVIDER,
  TRANSCRIPT_SINK,
  TwilioMediaTelephony,
  type CallContext,
  type CallSession,
  type CallSessionSettings,
  type RealtimeCloseInfo,
  type RealtimeEventHandler,
  type RiskPhrase,
  type TelephonyProvider,
} from '@app/voice';
import { FakeMonotonicClock, ManualWakeTimer } from './fake-clock';
import { FakeAsterisk, type FakeDialOutcome } from './fake-asterisk';
import { FakeOpenAIRealtime, type FakeRealtimeConnection } from './fake-openai-realtime';
import {
  FakeCallScheduler,
  InMemoryCallContextSource,
  InMemoryCallEventSink,
  InMemoryRiskSink,
  InMemoryTranscriptSink,
  StaticRiskDetectorSource,
  callContext,
} from './in-memory-call-ports';

/** English test phrases (the emergency lib provides the real sets). */
export const TEST_RISK_PHRASES: RiskPhrase[] = [
  { key: 'en.fall', language: 'en', phrase: 'fall', category: 'Physical', severity: 'HIGH', pattern: '\\b(fell|fall(en)?|tripped)\\b' },
  {
    key: 'en.chest',
    language: 'en',
    phrase: 'chest pain',
    category: 'Medical',
    severity: 'HIGH',
    pattern: '\\bchest\\s+(pain|pressure|tightness)\\b',
  },
  {
    key: 'en.breathe',
    language: 'en',
    phrase: "can't breathe",
    category: 'Medical',
    severity: 'CRITICAL',
    pattern: "\\b(can'?t|cannot)\\s+breathe\\b",
  },
  { key: 'en.help', language: 'en', phrase: 'help', category: 'Request', severity: 'MEDIUM', pattern: '\\bhelp\\b' },
];

/**
 * The real Realtime client, counting the server events its consumer (the session) has finished
 * handling, so a test can wait until the session has seen everything the fake AI sent.
 */
class TrackedRealtimeClient extends OpenAIRealtimeClient {
  /** The id in the first `session.created` (matches `FakeRealtimeConnection.session.id`). */
  sessionId: string | undefined;
  private handled = 0;
  private socketClosed = false;

  /** Server events read from the socket and handled (or ignored as unknown) by now. */
  get delivered(): number {
    return this.handled + this.stats.eventsIgnored;
  }

  /** The socket has closed: nothing more will be delivered. */
  get gone(): boolean {
    return this.socketClosed;
  }

  override onEvent(handler: RealtimeEventHandler): void {
    super.onEvent((event) => {
      if (event.type === 'session.created') this.sessionId ??= event.session.id;
      let result: void | Promise<void>;
      try {
        result = handler(event);
      } catch (err) {
        this.handled++;
        throw err;
      }
      if (!(result instanceof Promise)) {
        this.handled++;
        return result;
      }
      return result.finally(() => void this.handled++);
    });
  }

  override onClose(handler: (info: RealtimeCloseInfo) => void): void {
    super.onClose((info) => {
      this.socketClosed = true;
      handler(info);
    });
  }
}

export interface VoiceCallHarnessOptions {
  provider: 'asterisk' | 'twilio';
  /** What an originate does (Asterisk). Default: answer. */
  dial?: (endpoint: string) => FakeDialOutcome;
  settings?: Partial<CallSessionSettings>;
  phrases?: RiskPhrase[];
  ariApp?: string;
}

/**
 * A whole voice stack for tests: CallSessionFactory built by Nest DI with in-memory ports, real
 * telephony providers against FakeAsterisk (ARI HTTP/WS + UDP RTP) or a Twilio Media Streams
 * WebSocket endpoint, FakeOpenAIRealtime over ws, and deterministic time (one FakeMonotonicClock
 * drives the shared pacer and every session timer).
 */
export class VoiceCallHarness {
  readonly clock = new FakeMonotonicClock();
  readonly wake = new ManualWakeTimer(this.clock);
  readonly pacer = new PlayoutPacer({ clock: this.clock, timer: this.wake });
  readonly scheduler = new FakeCallScheduler(this.clock);
  readonly contexts = new InMemoryCallContextSource();
  readonly transcripts = new InMemoryTranscriptSink();
  readonly events = new InMemoryCallEventSink();
  readonly risks = new InMemoryRiskSink();
  readonly errors: Error[] = [];
  readonly pool: RtpPortPool;
  asterisk: FakeAsterisk | undefined;
  ari: AriClient | undefined;
  asteriskTelephony: AsteriskTelephony | undefined;
  twilioTelephony: TwilioMediaTelephony | undefined;
  twilioUrl = '';
  private twilioServer: { server: Server; wss: WebSocketServer } | undefined;
  openai!: FakeOpenAIRealtime;
  /** Every Realtime client the sessions created (initial connections, reconnects, rotations). */
  private readonly realtimeClients: TrackedRealtimeClient[] = [];
  factory!: CallSessionFactory;
  private closeModule: () => Promise<void> = () => Promise.resolve();

  private constructor() {
    const base = 30_000 + 2 * Math.floor(Math.random() * 10_000);
    this.pool = new RtpPortPool({ min: base, max: base + 999, bindAddress: '127.0.0.1' });
  }

  static async start(options: VoiceCallHarnessOptions): Promise<VoiceCallHarness> {
    const h = new VoiceCallHarness();
    h.openai = await FakeOpenAIRealtime.start();
    const onError = (error: Error): void => void h.errors.push(error);
    let telephony: TelephonyProvider;
    if (options.provider === 'asterisk') {
      const asterisk = await FakeAsterisk.start({ dial: options.dial });
      h.asterisk = asterisk;
      h.ari = new AriClient({
        url: asterisk.url,
        username: asterisk.username,
        password: asterisk.password,
        app: options.ariApp ?? 'bianca',
        onError,
      });
      h.asteriskTelephony = new AsteriskTelephony({
        ari: h.ari,
        pool: h.pool,
        pacer: h.pacer,
        rtpHost: '127.0.0.1',
        dialTemplate: 'PJSIP/{phone}@trunk',
        onError,
      });
      const connected = new Promise<void>((resolve) => {
        const off = h.ari?.onConnectionChange((s) => {
          if (s.connected) {
            off?.();
            resolve();
          }
        });
      });
      h.asteriskTelephony.start();
      await connected;
      telephony = h.asteriskTelephony;
    } else {
      h.twilioTelephony = new TwilioMediaTelephony({ pacer: h.pacer, onError });
      const server = createServer();
      const wss = new WebSocketServer({ server, path: '/v1/twilio/media' });
      wss.on('connection', (ws) => h.twilioTelephony?.handleConnection(ws));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      h.twilioServer = { server, wss };
      h.twilioUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/twilio/media`;
      telephony = h.twilioTelephony;
    }
    const detector = new RiskDetector(options.phrases ?? TEST_RISK_PHRASES);
    const moduleRef = await Test.createTestingModule({
      providers: [
        CallSessionFactory,
        { provide: CALL_CONTEXT_SOURCE, useValue: h.contexts },
        { provide: TRANSCRIPT_SINK, useValue: h.transcripts },
        { provide: CALL_EVENT_SINK, useValue: h.events },
        { provide: RISK_SINK, useValue: h.risks },
        { provide: RISK_DETECTOR_SOURCE, useValue: new StaticRiskDetectorSource(detector) },
        { provide: TELEPHONY_PROVIDER, useValue: telephony },
        {
          provide: REALTIME_CLIENT_FACTORY,
          useValue: () => {
            const client = new TrackedRealtimeClient({
              apiKey: 'sk-test',
              baseUrl: h.openai.baseUrl,
              model: 'gpt-realtime',
              connectTimeoutMs: 5000,
            });
            h.realtimeClients.push(client);
            return client;
          },
        },
        { provide: CALL_SCHEDULER, useValue: h.scheduler },
        { provide: CALL_SESSION_SETTINGS, useValue: options.settings ?? {} },
        { provide: CALL_SESSION_ERROR_LISTENER, useValue: onError },
      ],
    }).compile();
    h.factory = moduleRef.get(CallSessionFactory);
    h.closeModule = () => moduleRef.close();
    return h;
  }

  /** Registers the call's context and starts its session. */
  async call(callId: string, overrides: Partial<CallContext> = {}): Promise<CallSession> {
    this.contexts.add(callContext({ callId, firstName: `Ada ${callId}`, ...overrides }));
    const session = this.factory.create(callId);
    await session.start();
    return session;
  }

  /** The ARI channel id of a call (derived from the call id). */
  channelOf(callId: string): string {
    return (this.asteriskTelephony as AsteriskTelephony).idsFor(callId).channelId;
  }

  /**
   * The Realtime connection of a call (the `nth` one: reconnects and rotations open more),
   * recognised by the instructions its session.update carried (they name the patient).
   */
  async aiOf(callId: string, nth = 1): Promise<FakeRealtimeConnection> {
    const marker = `Ada ${callId}.`;
    const configured = (c: FakeRealtimeConnection): boolean => c.eventsOf('session.update').length > 0;
    const matches = (c: FakeRealtimeConnection): boolean =>
      c.eventsOf('session.update').some((e) => {
        const instructions = (e.session as { instructions?: unknown } | undefined)?.instructions;
        return typeof instructions === 'string' && instructions.includes(marker);
      });
    for (;;) {
      const found = this.openai.connections.filter(matches);
      if (found.length >= nth) return found[nth - 1];
      const unconfigured = this.openai.connections.filter((c) => !configured(c) && !c.closed);
      await Promise.race([this.openai.nextConnection(), ...unconfigured.map((c) => c.waitFor(() => configured(c) || c.closed))]);
    }
  }

  /**
   * Resolves once the session on the other end of `ai` has handled every event the fake has sent
   * it so far (or its socket has closed). Await it before moving fake time whenever the step being
   * tested depends on the session having reacted to those events (usage, turns, re-armed timers):
   * waiting for something the session *sent* proves nothing about the events still in flight to it.
   */
  async aiSettled(ai: FakeRealtimeConnection): Promise<void> {
    const sessionId = ai.session.id;
    for (;;) {
      const client = this.realtimeClients.find((c) => c.sessionId === sessionId);
      if (client && (client.gone || client.delivered >= ai.sent)) return;
      await new Promise<void>((resolve) => setImmediate(resolve)); // re-check after the next I/O turn
    }
  }

  /** Lets `ms` of simulated time pass for the shared pacer (frames leave on their 20 ms grid). */
  play(ms: number): void {
    this.wake.runUntil(this.clock.now() + ms);
  }

  async stop(): Promise<void> {
    await this.factory.endAll('shutdown');
    await this.closeModule();
    await this.asteriskTelephony?.stop();
    await this.asterisk?.stop();
    if (this.twilioServer) {
      const { server, wss } = this.twilioServer;
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.openai.stop();
    this.pacer.close();
  }
}
