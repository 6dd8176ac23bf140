import { linearToUlaw } from '../media/g711';
import { phoneSessionConfig, type OpenAIRealtimeClient, type RealtimeCloseInfo } from '../realtime/openai-realtime-client';
import type { RealtimeServerEvent, ResponseFunctionCallArgumentsDoneEvent } from '../realtime/realtime.types';
import type { RiskHit, RiskScanner, RiskSeverity } from '../risk/risk-detector';
import type { CallLeg, CallLegEvents, LegEndDetail, LegEndOutcome, TelephonyProvider } from '../telephony/telephony';
import { CALL_TOOLS, composeInstructions } from './instructions';
import type {
  CallContext,
  CallContextSource,
  CallEndReason,
  CallEvent,
  CallEventSink,
  CallOutcome,
  CallUsage,
  RiskDetectorSource,
  RiskReport,
  RiskSink,
  TranscriptMessage,
  TranscriptRole,
  TranscriptSink,
} from './ports';
import type { CallScheduler, CancelTimer } from './scheduler';

export type CallSessionState = 'initiating' | 'ringing' | 'answered' | 'active' | 'ending' | 'ended';

export interface CallSessionSettings {
  /** Hard limit of a call (answer → end). Default 30 min. */
  maxDurationMs: number;
  /** The AI is asked to wrap up this long before the limit. Default 60 s. */
  wrapUpBeforeMs: number;
  /** Nobody spoke for this long: the AI checks in once; the same again: the call ends. Default 45 s. */
  silenceTimeoutMs: number;
  /** Unanswered after this long: the call ends as no answer (a guard; the telephony ring timeout comes first). Default 90 s. */
  ringTimeoutMs: number;
  /** A Realtime session is replaced (context carried over) after this long. Default 50 min (provider limit 60). */
  rotateAfterMs: number;
  /** The AI unreachable this long (connect failures, drops): apology, end, callback. Default 10 s. */
  aiUnreachableMs: number;
  /** Delays of successive reconnection attempts (the last repeats). Default 0, 250, 500, 1000, 2000 ms. */
  reconnectDelaysMs: readonly number[];
  /** How long a goodbye or the apology may take to play out before the call is ended anyway. Default 15 s. */
  drainTimeoutMs: number;
  /** Final turns carried into a new Realtime session. Default 8. */
  carryOverTurns: number;
  /**
   * µ-law audio played when the AI is lost for good. Default: a soft two-note chime (no TTS is
   * available without the AI); deployments should give a recorded apology ("Sorry, we have a
   * technical problem; we will call you back shortly").
   */
  apologyAudio: Buffer;
  transcriptionModel?: string;
  /** Server VAD silence that ends a turn (ms). Default in phoneSessionConfig (900). */
  turnSilenceMs?: number;
}

/** A soft two-note chime (E5 then C5, 250 ms each, gently enveloped), µ-law 8 kHz. */
export function defaultApologyAudio(): Buffer {
  const notes = [659.25, 523.25];
  const samplesPerNote = 2000;
  const out = Buffer.alloc(notes.length * samplesPerNote + 1600, 0xff); // + 200 ms of silence
  notes.forEach((freq, n) => {
    for (let i = 0; i < samplesPerNote; i++) {
      const envelope = Math.sin((Math.PI * i) / samplesPerNote);
      out[n * samplesPerNote + i] = linearToUlaw(Math.round(6000 * envelope * Math.sin((2 * Math.PI * freq * i) / 8000)));
    }
  });
  return out;
}

export function defaultCallSessionSettings(overrides: Partial<CallSessionSettings> = {}): CallSessionSettings {
  return {
    maxDurationMs: 30 * 60_000,
    wrapUpBeforeMs: 60_000,
    silenceTimeoutMs: 45_000,
    ringTimeoutMs: 90_000,
    rotateAfterMs: 50 * 60_000,
    aiUnreachableMs: 10_000,
    reconnectDelaysMs: [0, 250, 500, 1000, 2000],
    drainTimeoutMs: 15_000,
    carryOverTurns: 8,
    apologyAudio: defaultApologyAudio(),
    ...overrides,
  };
}

/** What a session needs; `CallSessionFactory` assembles it from Nest providers. */
export interface CallSessionDeps {
  contextSource: CallContextSource;
  transcripts: TranscriptSink;
  events: CallEventSink;
  risks: RiskSink;
  detectors: RiskDetectorSource;
  telephony: TelephonyProvider;
  /** A new, unconnected Realtime client (one per connection: initial, reconnects, rotations). */
  createRealtimeClient: () => OpenAIRealtimeClient;
  scheduler: CallScheduler;
  settings: CallSessionSettings;
  /** Wall clock for event timestamps. */
  wallClock: () => Date;
  /** Failures of sinks, the AI or telephony. Messages carry ids and codes, never PHI. */
  onError: (error: Error) => void;
  /** Called once the session has ended (registry clean-up). */
  onEnded?: (session: CallSession) => void;
}

export interface CallSessionResult {
  callId: string;
  outcome: CallOutcome;
  reason: CallEndReason;
  callbackNeeded: boolean;
  usage: CallUsage;
}

export interface CallSessionStats {
  bargeIns: number;
  aiConnections: number;
  reconnects: number;
  rotations: number;
  riskHits: number;
  audioFramesIn: number;
  audioFramesDropped: number;
  aiAudioBytesQueued: number;
  toolCalls: number;
}

interface Turn {
  role: 'patient' | 'assistant';
  text: string;
}

interface LiveItem {
  role: TranscriptRole;
  text: string;
  offsetMs: number;
}

const SILENCE_CHECK_NOTE =
  'System note: the line has been quiet for a while. Gently check whether they are still there. If nobody answers, say a warm goodbye.';
const WRAP_UP_NOTE = 'System note: the call must end in about a minute. Begin wrapping up warmly, then say goodbye and call end_call.';

function asRecord(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function str(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

/**
 * One phone call: the state machine initiating → ringing → answered → active → ending → ended, the
 * telephone leg, the Realtime AI session (with reconnection and rotation), transcripts, live risk
 * detection, tools, timers and usage. Plain object (not a Nest singleton), built by
 * `CallSessionFactory`. `end(reason)` is THE teardown: memoised, idempotent, and it always releases
 * the leg (bridge, media channel, UDP port, playout), every AI socket and every timer.
 */
export class CallSession {
  readonly stats: CallSessionStats = {
    bargeIns: 0,
    aiConnections: 0,
    reconnects: 0,
    rotations: 0,
    riskHits: 0,
    audioFramesIn: 0,
    audioFramesDropped: 0,
    aiAudioBytesQueued: 0,
    toolCalls: 0,
  };
  /** Resolves once the session has ended and every sink call has settled. */
  readonly ended: Promise<CallSessionResult>;
  private resolveEnded!: (result: CallSessionResult) => void;
  private current: CallSessionState = 'initiating';
  private ctx: CallContext | undefined;
  private leg: CallLeg | undefined;
  private scanner: RiskScanner | undefined;
  private instructions = '';
  private ai: OpenAIRealtimeClient | undefined;
  private readonly clients = new Set<OpenAIRealtimeClient>();
  private ending: Promise<CallSessionResult> | undefined;
  private answeredAt: number | undefined;
  private mediaUp = false;
  private greeted = false;
  private activeResponseId: string | undefined;
  private readonly cancelledResponses = new Set<string>();
  private readonly itemAudioBytes = new Map<string, number>();
  private readonly live = new Map<string, LiveItem>();
  private readonly turns: Turn[] = [];
  private readonly concerns: string[] = [];
  private lastTurn: 'patient' | 'assistant' | undefined;
  private toolFollowUp = false;
  private seq = 0;
  private chains = { transcripts: Promise.resolve(), events: Promise.resolve(), risks: Promise.resolve() };
  private usage = { audioInBytes: 0, audioOutBytes: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  private legEnd: { outcome: LegEndOutcome; detail: LegEndDetail } | undefined;
  private voicemail = false;
  private callbackNeeded = false;
  private timers = new Map<string, CancelTimer>();
  private aiLost = false;
  private aiGaveUp = false;
  private reconnectAttempt = 0;
  private rotationDue = false;
  private rotating = false;
  private silenceStrikes = 0;
  private drainingFor: CallEndReason | undefined;

  constructor(
    readonly callId: string,
    private readonly deps: CallSessionDeps,
  ) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  get state(): CallSessionState {
    return this.current;
  }

  get context(): CallContext | undefined {
    return this.ctx;
  }

  /** The telephone leg (undefined before dialling). */
  get callLeg(): CallLeg | undefined {
    return this.leg;
  }

  /** True while an AI socket is open and configured. */
  get aiConnected(): boolean {
    return this.ai !== undefined && !this.aiLost;
  }

  /**
   * Loads the call context, dials, and connects the AI in parallel (pre-warmed while it rings).
   * Resolves once the call is placed; the call's end is `ended`. Never rejects: a failure ends the
   * session with the matching outcome.
   */
  async start(): Promise<void> {
    const { deps } = this;
    let detectorLanguages: string[];
    try {
      this.ctx = await deps.contextSource.load(this.callId);
      const detector = await deps.detectors.detectorFor(this.ctx.orgId);
      detectorLanguages = [this.ctx.preferredLanguage, 'en'];
      this.scanner = detector.scanner({ languages: detectorLanguages, now: () => deps.scheduler.now() });
    } catch (err) {
      this.report(err, 'load call context');
      void this.end('context_failed');
      return;
    }
    if (this.ending) return;
    this.instructions = composeInstructions(this.ctx);
    const events: CallLegEvents = {
      ringing: () => this.onRinging(),
      answered: () => this.onAnswered(),
      mediaUp: () => this.onMediaUp(),
      audio: (frame) => this.onCallerAudio(frame),
      ended: (outcome, detail) => this.onLegEnded(outcome, detail),
    };
    this.arm('ring', deps.settings.ringTimeoutMs, () => {
      if (this.answeredAt === undefined) void this.end('no_answer');
    });
    try {
      const { phoneNumber, direction, inboundRef } = this.ctx;
      this.leg = deps.telephony.dial({ callId: this.callId, phoneNumber, direction, ...(inboundRef ? { inboundRef } : {}) }, events);
    } catch (err) {
      this.report(err, 'dial');
      void this.end('telephony_failed');
      return;
    }
    void this.connectAi('initial');
  }

  /**
   * The carrier detected an answering machine or voicemail box: hang up at once, without the AI
   * leaving a message, and end with outcome `voicemail` (the retry policy decides what next).
   */
  answeringMachine(): Promise<CallSessionResult> {
    if (!this.ending) this.voicemail = true;
    return this.end('voicemail');
  }

  /** Ends the call (any reason, any number of times): the one memoised teardown. */
  end(reason: CallEndReason): Promise<CallSessionResult> {
    this.ending ??= this.teardown(reason);
    return this.ending;
  }

  // ---- telephony ---------------------------------------------------------------------------

  private onRinging(): void {
    if (this.current !== 'initiating') return;
    this.current = 'ringing';
    this.publish({ type: 'call.status', callId: this.callId, status: 'ringing', at: this.deps.wallClock() });
  }

  private onAnswered(): void {
    if (this.ending || this.answeredAt !== undefined) return;
    this.answeredAt = this.deps.scheduler.now();
    this.current = 'answered';
    this.cancel('ring');
    this.publish({ type: 'call.status', callId: this.callId, status: 'answered', at: this.deps.wallClock() });
    const { maxDurationMs, wrapUpBeforeMs } = this.deps.settings;
    if (maxDurationMs > wrapUpBeforeMs) this.arm('wrap-up', maxDurationMs - wrapUpBeforeMs, () => this.nudge(WRAP_UP_NOTE));
    this.arm('max-duration', maxDurationMs, () => void this.end('max_duration'));
  }

  private onMediaUp(): void {
    if (this.ending || this.mediaUp) return;
    if (this.answeredAt === undefined) this.onAnswered();
    this.mediaUp = true;
    this.current = 'active';
    this.armSilence();
    this.maybeGreet();
  }

  private onCallerAudio(frame: Buffer): void {
    this.stats.audioFramesIn++;
    const ai = this.ai;
    if (!ai || this.aiLost || this.ending || !ai.appendAudio(frame)) {
      this.stats.audioFramesDropped++;
      return;
    }
    this.usage.audioInBytes += frame.length;
  }

  private onLegEnded(outcome: LegEndOutcome, detail: LegEndDetail): void {
    if (this.ending) return;
    this.legEnd = { outcome, detail };
    let reason: CallEndReason;
    if (this.answeredAt === undefined) reason = outcome === 'busy' ? 'busy' : outcome === 'no_answer' ? 'no_answer' : 'telephony_failed';
    else reason = detail === 'media_failed' ? 'media_failed' : 'patient_hangup';
    void this.end(reason);
  }

  // ---- AI connection -----------------------------------------------------------------------

  private async connectAi(kind: 'initial' | 'reconnect' | 'rotate'): Promise<void> {
    const client = this.deps.createRealtimeClient();
    this.clients.add(client);
    client.onEvent((event) => this.onAiEvent(client, event));
    client.onClose((info) => this.onAiClose(client, info));
    try {
      await client.connect();
    } catch (err) {
      this.clients.delete(client);
      void client.close();
      if (this.ending || this.aiGaveUp) return;
      this.report(err, 'connect to the AI');
      if (kind === 'rotate') {
        this.rotating = false; // the current session still works; try again later
        this.arm('rotate-retry', 5_000, () => this.tryRotate());
        return;
      }
      this.onAiLost();
      return;
    }
    if (this.ending || this.aiGaveUp) {
      this.clients.delete(client);
      void client.close();
      return;
    }
    this.stats.aiConnections++;
    const context = this.ctx as CallContext;
    client.updateSession(
      phoneSessionConfig({
        instructions: this.instructions,
        voice: context.voice,
        tools: [...CALL_TOOLS],
        language: context.preferredLanguage,
        transcriptionModel: this.deps.settings.transcriptionModel,
        silenceDurationMs: this.deps.settings.turnSilenceMs,
      }),
    );
    if (this.greeted || this.turns.length > 0) this.carryOver(client);
    const previous = this.ai;
    this.ai = client;
    this.activeResponseId = kind === 'rotate' ? this.activeResponseId : undefined;
    if (kind === 'rotate') {
      this.stats.rotations++;
      this.rotating = false;
      this.rotationDue = false;
    }
    if (this.aiLost) {
      this.aiLost = false;
      this.reconnectAttempt = 0;
      this.cancel('ai-deadline');
      this.stats.reconnects++;
    }
    this.arm('rotate', this.deps.settings.rotateAfterMs, () => {
      this.rotationDue = true;
      this.tryRotate();
    });
    if (previous && previous !== client) {
      this.clients.delete(previous);
      void previous.close(1000, 'session rotated');
    }
    // The patient spoke last and got no answer before the drop: answer now rather than leave dead air.
    if (kind === 'reconnect' && this.greeted && this.lastTurn === 'patient') client.createResponse();
    this.maybeGreet();
  }

  /** Summary + recent turns as conversation items, so a new session continues the same call. */
  private carryOver(client: OpenAIRealtimeClient): void {
    const minutes = this.answeredAt === undefined ? 0 : Math.round((this.deps.scheduler.now() - this.answeredAt) / 60_000);
    const summary = [
      `System note: this call is already in progress (about ${minutes} minute${minutes === 1 ? '' : 's'}); the connection was renewed. Do not greet again or mention the interruption; continue naturally.`,
      this.concerns.length > 0 ? `Concerns already reported during this call: ${this.concerns.join('; ')}.` : '',
      `The conversation so far had ${this.turns.length} turns; the most recent follow.`,
    ]
      .filter(Boolean)
      .join(' ');
    client.addSystemNote(summary);
    for (const turn of this.turns.slice(-this.deps.settings.carryOverTurns)) {
      if (turn.role === 'patient')
        client.send({
          type: 'conversation.item.create',
          item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: turn.text }] },
        });
      else
        client.send({
          type: 'conversation.item.create',
          item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: turn.text }] },
        });
    }
  }

  private onAiClose(client: OpenAIRealtimeClient, info: RealtimeCloseInfo): void {
    this.clients.delete(client);
    if (client !== this.ai || this.ending || info.expected) return;
    this.report(new Error(`AI session closed unexpectedly (${info.code})`), 'AI session');
    this.ai = undefined;
    this.activeResponseId = undefined;
    this.onAiLost();
  }

  /** The AI is gone (drop or failed connect): reconnect quickly, give up after `aiUnreachableMs`. */
  private onAiLost(): void {
    if (this.ending || this.aiGaveUp) return;
    if (!this.aiLost) {
      this.aiLost = true;
      this.arm('ai-deadline', this.deps.settings.aiUnreachableMs, () => this.onAiUnreachable());
    }
    const delays = this.deps.settings.reconnectDelaysMs;
    const delay = delays.length === 0 ? 0 : delays[Math.min(this.reconnectAttempt, delays.length - 1)];
    this.reconnectAttempt++;
    const reconnect = (): void => void this.connectAi(this.greeted || this.turns.length > 0 ? 'reconnect' : 'initial');
    if (delay <= 0)
      reconnect(); // the first attempt goes out at once
    else this.arm('reconnect', delay, reconnect);
  }

  private onAiUnreachable(): void {
    if (this.ending || this.aiGaveUp) return;
    this.aiGaveUp = true;
    this.callbackNeeded = true;
    this.cancel('reconnect');
    for (const client of this.clients) void client.close(1000, 'giving up');
    this.clients.clear();
    this.ai = undefined;
    if (this.mediaUp && this.leg) {
      this.leg.flush();
      this.leg.play(this.deps.settings.apologyAudio, 'apology');
      this.endAfterPlayout('ai_unavailable');
    } else {
      void this.end('ai_unavailable');
    }
  }

  private tryRotate(): void {
    if (!this.rotationDue || this.rotating || this.ending || this.aiLost) return;
    if (this.activeResponseId !== undefined || (this.leg?.queuedMs ?? 0) > 0) {
      this.arm('rotate-retry', 1_000, () => this.tryRotate()); // not while the AI is speaking
      return;
    }
    this.rotating = true;
    void this.connectAi('rotate');
  }

  // ---- AI events (strictly in order, one session at a time) --------------------------------

  private onAiEvent(client: OpenAIRealtimeClient, event: RealtimeServerEvent): void {
    if (client !== this.ai || this.ending) return;
    switch (event.type) {
      case 'input_audio_buffer.speech_started':
        this.silenceStrikes = 0;
        this.armSilence();
        this.bargeIn();
        this.lastTurn = 'patient';
        if (!this.live.has(event.item_id)) this.live.set(event.item_id, { role: 'patient', text: '', offsetMs: this.offset() });
        return;
      case 'input_audio_buffer.committed':
        this.lastTurn = 'patient';
        return;
      case 'conversation.item.input_audio_transcription.delta': {
        const delta = event.delta ?? '';
        if (delta === '') return;
        const item = this.liveItem(event.item_id, 'patient');
        item.text += delta;
        this.risk(this.scanner?.push(delta, event.item_id) ?? []);
        this.transcript(item, event.item_id, item.text, false);
        return;
      }
      case 'conversation.item.input_audio_transcription.completed': {
        const item = this.liveItem(event.item_id, 'patient');
        this.live.delete(event.item_id);
        this.risk(this.scanner?.complete(event.item_id, event.transcript) ?? []);
        const text = event.transcript.trim();
        if (text === '') return;
        this.transcript(item, event.item_id, text, true);
        this.remember({ role: 'patient', text });
        return;
      }
      case 'response.created':
        this.activeResponseId = event.response.id;
        return;
      case 'response.output_audio.delta':
        this.onAiAudio(event.response_id, event.item_id, event.delta);
        return;
      case 'response.output_audio.done':
        this.leg?.mark(event.item_id);
        return;
      case 'response.output_audio_transcript.delta': {
        if (this.cancelledResponses.has(event.response_id)) return;
        const item = this.liveItem(event.item_id, 'assistant');
        item.text += event.delta;
        this.transcript(item, event.item_id, item.text, false);
        return;
      }
      case 'response.output_audio_transcript.done': {
        const item = this.liveItem(event.item_id, 'assistant');
        this.live.delete(event.item_id);
        const text = (event.transcript || item.text).trim();
        if (text === '') return;
        this.transcript(item, event.item_id, text, true);
        this.remember({ role: 'assistant', text });
        this.lastTurn = 'assistant';
        return;
      }
      case 'response.function_call_arguments.done':
        this.onTool(event);
        return;
      case 'response.done':
        this.onResponseDone(event.response.id, event.response.usage);
        return;
      case 'error':
        if (event.error.code !== 'response_cancel_not_active')
          this.report(new Error(`AI error ${event.error.code ?? event.error.type}`), 'AI session');
        return;
      case 'session.created':
      case 'session.updated':
      case 'input_audio_buffer.speech_stopped':
      case 'conversation.item.input_audio_transcription.failed':
      case 'conversation.item.truncated':
        return;
    }
  }

  private onAiAudio(responseId: string, itemId: string, base64: string): void {
    if (responseId && this.cancelledResponses.has(responseId)) return; // late audio of an interrupted answer
    const audio = Buffer.from(base64, 'base64');
    this.usage.audioOutBytes += audio.length;
    this.itemAudioBytes.set(itemId, (this.itemAudioBytes.get(itemId) ?? 0) + audio.length);
    if (this.itemAudioBytes.size > 32) this.itemAudioBytes.delete(this.itemAudioBytes.keys().next().value as string);
    if (!this.mediaUp || !this.leg || this.drainingFor) return;
    this.stats.aiAudioBytesQueued += this.leg.play(audio, itemId);
    this.armSilence();
  }

  private onResponseDone(
    responseId: string | undefined,
    usage: { input_tokens?: number; output_tokens?: number; total_tokens?: number } | undefined,
  ): void {
    if (usage) {
      this.usage.inputTokens += usage.input_tokens ?? 0;
      this.usage.outputTokens += usage.output_tokens ?? 0;
      this.usage.totalTokens += usage.total_tokens ?? 0;
    }
    if (responseId === undefined || responseId === this.activeResponseId) this.activeResponseId = undefined;
    if (responseId !== undefined) this.cancelledResponses.delete(responseId);
    if (this.toolFollowUp && !this.drainingFor) {
      this.toolFollowUp = false;
      this.ai?.createResponse(); // the model continues after its tool results
    }
    if (this.rotationDue) this.tryRotate();
  }

  /** The patient started speaking: if the AI is audible, stop it now and tell it what was heard. */
  private bargeIn(): void {
    const leg = this.leg;
    if (!leg || !leg.isPlaying || this.drainingFor) return;
    const flushed = leg.flush();
    this.stats.bargeIns++;
    if (this.activeResponseId !== undefined) {
      this.cancelledResponses.add(this.activeResponseId);
      this.ai?.cancelResponse(this.activeResponseId);
    }
    if (flushed.itemId !== undefined && flushed.itemId !== 'apology') {
      const sentMs = ((this.itemAudioBytes.get(flushed.itemId) ?? 0) * 1000) / 8000;
      this.ai?.truncate(flushed.itemId, Math.min(flushed.playedMs, sentMs));
    }
  }

  private maybeGreet(): void {
    if (this.greeted || !this.mediaUp || !this.ai || this.aiLost || this.ending) return;
    this.greeted = true;
    this.ai.createResponse();
  }

  // ---- tools -------------------------------------------------------------------------------

  private onTool(event: ResponseFunctionCallArgumentsDoneEvent): void {
    this.stats.toolCalls++;
    const args = asRecord(event.arguments);
    const ai = this.ai;
    const output = (value: Record<string, unknown>): void => void ai?.sendFunctionOutput(event.call_id, JSON.stringify(value));
    const offsetMs = this.offset();
    switch (event.name) {
      case 'end_call': {
        const reason = str(args.reason, 'goodbye');
        if (reason === 'voicemail') this.voicemail = true;
        this.toolMessage('end_call', JSON.stringify({ reason }), offsetMs);
        output({ ok: true });
        this.endAfterPlayout('ai_end_call');
        return;
      }
      case 'report_concern': {
        const severity: RiskSeverity = args.severity === 'CRITICAL' || args.severity === 'HIGH' ? args.severity : 'MEDIUM';
        const category = str(args.category, 'other');
        const description = str(args.description, category);
        this.concerns.push(`${category} (${severity})`);
        this.toolMessage('report_concern', JSON.stringify({ category, severity, description }), offsetMs);
        const ctx = this.ctx as CallContext;
        this.sendRisk({
          callId: this.callId,
          patientId: ctx.patientId,
          orgId: ctx.orgId,
          source: 'ai',
          category,
          severity,
          phrase: description,
          matched: description,
          repeat: false,
          escalated: false,
          occurrences: 1,
        });
        this.publish({ type: 'call.concern', callId: this.callId, category, severity, description });
        output({ ok: true, note: 'The concern was recorded for the care team.' });
        this.toolFollowUp = true;
        return;
      }
      case 'note_for_caregiver': {
        const note = str(args.note, '');
        if (note !== '') this.toolMessage('note_for_caregiver', note, offsetMs);
        output({ ok: note !== '' });
        this.toolFollowUp = true;
        return;
      }
      default:
        output({ ok: false, error: `unknown tool ${event.name}` });
        this.toolFollowUp = true;
        return;
    }
  }

  /** Lets queued audio (goodbye, apology) play out, then ends; bounded by `drainTimeoutMs`. */
  private endAfterPlayout(reason: CallEndReason): void {
    if (this.drainingFor || this.ending) return;
    this.drainingFor = reason;
    const deadline = this.deps.scheduler.now() + this.deps.settings.drainTimeoutMs;
    const check = (): void => {
      if (this.ending) return;
      if ((this.leg?.queuedMs ?? 0) === 0 || this.deps.scheduler.now() >= deadline) void this.end(reason);
      else this.arm('drain', 100, check);
    };
    check();
  }

  // ---- timers ------------------------------------------------------------------------------

  private armSilence(): void {
    if (!this.mediaUp || this.ending) return;
    this.arm('silence', this.deps.settings.silenceTimeoutMs, () => {
      if (this.silenceStrikes >= 1) {
        void this.end('silence');
        return;
      }
      this.silenceStrikes++;
      this.nudge(SILENCE_CHECK_NOTE);
      this.armSilence();
    });
  }

  /** A system note plus a response, unless the AI is speaking already. */
  private nudge(note: string): void {
    if (!this.ai || this.aiLost || this.ending) return;
    this.ai.addSystemNote(note);
    if (this.activeResponseId === undefined && !this.drainingFor) this.ai.createResponse();
  }

  private arm(name: string, delayMs: number, callback: () => void): void {
    this.timers.get(name)?.();
    const cancel = this.deps.scheduler.schedule(
      delayMs,
      () => {
        if (this.timers.get(name) === cancel) this.timers.delete(name);
        if (!this.ending) callback();
      },
      name,
    );
    this.timers.set(name, cancel);
  }

  private cancel(name: string): void {
    this.timers.get(name)?.();
    this.timers.delete(name);
  }

  // ---- transcripts, risk, sinks ------------------------------------------------------------

  private offset(): number {
    return this.answeredAt === undefined ? 0 : Math.max(0, Math.round(this.deps.scheduler.now() - this.answeredAt));
  }

  private liveItem(itemId: string, role: TranscriptRole): LiveItem {
    let item = this.live.get(itemId);
    if (!item) {
      item = { role, text: '', offsetMs: this.offset() };
      this.live.set(itemId, item);
    }
    return item;
  }

  private remember(turn: Turn): void {
    this.turns.push(turn);
    if (this.turns.length > 64) this.turns.splice(0, this.turns.length - 64);
  }

  private transcript(item: LiveItem, itemId: string, text: string, final: boolean): void {
    this.appendMessage({ callId: this.callId, seq: ++this.seq, role: item.role, text, offsetMs: item.offsetMs, final, itemId });
  }

  private toolMessage(toolName: string, text: string, offsetMs: number): void {
    this.appendMessage({ callId: this.callId, seq: ++this.seq, role: 'tool', text, offsetMs, final: true, toolName });
  }

  private appendMessage(message: TranscriptMessage): void {
    this.chains.transcripts = this.chains.transcripts
      .then(() => this.deps.transcripts.append(message))
      .catch((err: unknown) => this.report(err, 'append transcript'));
  }

  private publish(event: CallEvent): void {
    this.chains.events = this.chains.events
      .then(() => this.deps.events.publish(event))
      .catch((err: unknown) => this.report(err, 'publish call event'));
  }

  private sendRisk(report: RiskReport): void {
    this.chains.risks = this.chains.risks
      .then(() => this.deps.risks.report(report))
      .catch((err: unknown) => this.report(err, 'report risk'));
  }

  /** Detector hits on the patient's words: to the RiskSink (merged repeats included) and, once per alert, a note to the AI. */
  private risk(hits: readonly RiskHit[]): void {
    if (hits.length === 0) return;
    const ctx = this.ctx as CallContext;
    for (const hit of hits) {
      this.stats.riskHits++;
      this.sendRisk({
        callId: this.callId,
        patientId: ctx.patientId,
        orgId: ctx.orgId,
        source: 'detector',
        category: hit.category,
        severity: hit.severity,
        phrase: hit.phrase,
        ...(hit.key !== undefined ? { phraseKey: hit.key } : {}),
        matched: hit.matched,
        ...(hit.itemId !== undefined ? { messageRef: hit.itemId } : {}),
        repeat: hit.repeat,
        escalated: hit.escalated,
        occurrences: hit.occurrences,
      });
    }
    const fresh = hits.filter((h) => !h.repeat);
    if (fresh.length === 0) return;
    const top = fresh[0]; // most severe first
    this.concerns.push(`${top.category} (${top.severity})`);
    this.ai?.addSystemNote(
      `System note: the patient may have just described an emergency (${top.category}, ${top.severity}: "${top.matched}"). Their caregivers are being alerted now. ` +
        'Respond calmly, check that they are safe, and if this could be an emergency tell them to call emergency services right away. You cannot place calls yourself.',
    );
  }

  private report(err: unknown, operation: string): void {
    const error = new Error(`call ${this.callId}: ${operation} failed: ${err instanceof Error ? err.message : String(err)}`);
    error.cause = err;
    try {
      this.deps.onError(error);
    } catch {
      // a failing error reporter must not break the call
    }
  }

  // ---- teardown ----------------------------------------------------------------------------

  private outcomeFor(reason: CallEndReason): CallOutcome {
    if (reason === 'voicemail') return 'voicemail';
    if (this.answeredAt === undefined) {
      if (this.legEnd) return this.legEnd.outcome === 'completed' ? 'failed' : this.legEnd.outcome;
      return reason === 'no_answer' ? 'no_answer' : reason === 'busy' ? 'busy' : 'failed';
    }
    if (this.voicemail) return 'voicemail';
    if (!this.mediaUp) return 'failed';
    return 'completed';
  }

  private async teardown(reason: CallEndReason): Promise<CallSessionResult> {
    this.current = 'ending';
    this.aiGaveUp = true;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    const clients = [...this.clients];
    if (this.ai && !clients.includes(this.ai)) clients.push(this.ai);
    this.clients.clear();
    this.ai = undefined;
    const outcome = this.outcomeFor(reason);
    await Promise.all([
      this.leg?.hangup().catch((err: unknown) => this.report(err, 'hang up')),
      ...clients.map((c) => c.close(1000, 'call ended').catch((err: unknown) => this.report(err, 'close AI session'))),
    ]);
    const now = this.deps.scheduler.now();
    const usage: CallUsage = {
      audioInSeconds: this.usage.audioInBytes / 8000,
      audioOutSeconds: this.usage.audioOutBytes / 8000,
      inputTokens: this.usage.inputTokens,
      outputTokens: this.usage.outputTokens,
      totalTokens: this.usage.totalTokens,
      durationSeconds: this.answeredAt === undefined ? 0 : Math.max(0, (now - this.answeredAt) / 1000),
    };
    this.publish({ type: 'call.usage', callId: this.callId, usage });
    this.publish({
      type: 'call.status',
      callId: this.callId,
      status: 'ended',
      at: this.deps.wallClock(),
      outcome,
      reason,
      callbackNeeded: this.callbackNeeded,
    });
    await Promise.all([this.chains.transcripts, this.chains.events, this.chains.risks]);
    this.current = 'ended';
    const result: CallSessionResult = { callId: this.callId, outcome, reason, callbackNeeded: this.callbackNeeded, usage };
    this.resolveEnded(result);
    try {
      this.deps.onEnded?.(this);
    } catch (err) {
      this.report(err, 'unregister session');
    }
    return result;
  }
}
