import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig, Clock, ConflictError } from '@app/platform';
import { OpenAIRealtimeClient } from '../realtime/openai-realtime-client';
import { TELEPHONY_PROVIDER, type TelephonyProvider } from '../telephony/telephony';
import { CallSession, defaultCallSessionSettings, type CallSessionResult, type CallSessionSettings } from './call-session';
import {
  CALL_CONTEXT_SOURCE,
  CALL_EVENT_SINK,
  RISK_DETECTOR_SOURCE,
  RISK_SINK,
  TRANSCRIPT_SINK,
  type CallContextSource,
  type CallEndReason,
  type CallEventSink,
  type RiskDetectorSource,
  type RiskSink,
  type TranscriptSink,
} from './ports';
import { CALL_SCHEDULER, systemCallScheduler, type CallScheduler } from './scheduler';

/** Creates the (unconnected) Realtime client of one AI connection. */
export type RealtimeClientFactory = () => OpenAIRealtimeClient;

export const REALTIME_CLIENT_FACTORY = Symbol('RealtimeClientFactory');
export const CALL_SESSION_SETTINGS = Symbol('CallSessionSettings');
/** Optional listener for session failures (metrics, tests); the factory logs them anyway (no PHI in them). */
export const CALL_SESSION_ERROR_LISTENER = Symbol('CallSessionErrorListener');

/** The Realtime client factory from AppConfig.openai (OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_REALTIME_MODEL). */
export function realtimeClientFactory(config: AppConfig): RealtimeClientFactory {
  const { apiKey, baseUrl, realtimeModel } = config.openai;
  return () => {
    if (!apiKey) throw new Error('OPENAI_API_KEY is not set');
    return new OpenAIRealtimeClient({ apiKey, baseUrl, model: realtimeModel });
  };
}

/**
 * Builds one `CallSession` per call and keeps the registry of live sessions (the dashboard's
 * "end call", shutdown, and the question "does a live session own this call?").
 */
@Injectable()
export class CallSessionFactory {
  private readonly logger = new Logger('CallSession');
  private readonly live = new Map<string, CallSession>();
  readonly settings: CallSessionSettings;
  private readonly scheduler: CallScheduler;

  constructor(
    @Inject(CALL_CONTEXT_SOURCE) private readonly contextSource: CallContextSource,
    @Inject(TRANSCRIPT_SINK) private readonly transcripts: TranscriptSink,
    @Inject(CALL_EVENT_SINK) private readonly events: CallEventSink,
    @Inject(RISK_SINK) private readonly risks: RiskSink,
    @Inject(RISK_DETECTOR_SOURCE) private readonly detectors: RiskDetectorSource,
    @Inject(TELEPHONY_PROVIDER) private readonly telephony: TelephonyProvider,
    @Inject(REALTIME_CLIENT_FACTORY) private readonly createRealtimeClient: RealtimeClientFactory,
    @Optional() @Inject(CALL_SCHEDULER) scheduler?: CallScheduler,
    @Optional() @Inject(CALL_SESSION_SETTINGS) settings?: Partial<CallSessionSettings>,
    @Optional() private readonly clock?: Clock,
    @Optional() @Inject(CALL_SESSION_ERROR_LISTENER) private readonly errorListener?: (error: Error) => void,
  ) {
    this.scheduler = scheduler ?? systemCallScheduler;
    this.settings = defaultCallSessionSettings(settings ?? {});
  }

  /** A new session for `callId` (not started: call `start()`). One live session per call. */
  create(callId: string): CallSession {
    if (this.live.has(callId)) throw new ConflictError('A session for this call is already running', 'CallSessionExists');
    const session = new CallSession(callId, {
      contextSource: this.contextSource,
      transcripts: this.transcripts,
      events: this.events,
      risks: this.risks,
      detectors: this.detectors,
      telephony: this.telephony,
      createRealtimeClient: this.createRealtimeClient,
      scheduler: this.scheduler,
      settings: this.settings,
      wallClock: () => this.clock?.now() ?? new Date(),
      onError: (error) => {
        this.logger.warn(error.message);
        this.errorListener?.(error);
      },
      onEnded: (s) => {
        if (this.live.get(s.callId) === s) this.live.delete(s.callId);
      },
    });
    this.live.set(callId, session);
    return session;
  }

  get(callId: string): CallSession | undefined {
    return this.live.get(callId);
  }

  get liveCount(): number {
    return this.live.size;
  }

  /** Ends a live call (dashboard "end", …); undefined when no live session has it. */
  end(callId: string, reason: CallEndReason = 'dashboard'): Promise<CallSessionResult> | undefined {
    return this.live.get(callId)?.end(reason);
  }

  /** Ends every live call (shutdown). */
  async endAll(reason: CallEndReason = 'shutdown'): Promise<void> {
    await Promise.all([...this.live.values()].map((s) => s.end(reason)));
  }
}
