import WebSocket from 'ws';
import { DomainError } from '@app/platform';
import { wsText } from '../ws-text';
import type {
  RealtimeClientEvent,
  RealtimeFunctionTool,
  RealtimeServerEvent,
  RealtimeSessionConfig,
  ResponseCreateEvent,
} from './realtime.types';
import { REALTIME_SERVER_EVENT_TYPES } from './realtime.types';

/*
 * Decision: our own thin `ws` client, not the SDK's `OpenAIRealtimeWS` (openai 6.49).
 * - The SDK rewrites the URL protocol to `wss:` whatever OPENAI_BASE_URL says (dependency spike
 *   §7); reaching a plain `ws://` fake or an internal proxy needs a `createConnection` socket
 *   override that bypasses its URL handling, and 7.x rejects `ws:` outright. We derive the URL
 *   from OPENAI_BASE_URL ourselves (http→ws, https→wss) and that is the whole story.
 * - Event ordering: the SDK emits on an EventEmitter; an async listener there is not awaited,
 *   so "handled strictly in order" would need a queue on top anyway. Here the queue is the client.
 * - The hot path (`input_audio_buffer.append`, 50/s per call) is a string template, not
 *   `JSON.stringify`, with a bounded send buffer instead of unbounded growth on a stalled socket.
 * - Lifecycle (connect timeout, HTTP status of a refused upgrade, close codes) is ours to expose
 *   to the CallSession's reconnect-with-carry-over logic; the SDK adds an `OpenAI` client object
 *   and a much larger event surface we do not use.
 * The SDK's GA types remain the reference: the spec checks ours against them at compile time.
 */

/** The Realtime WebSocket URL for OPENAI_BASE_URL: http→ws, https→wss, path `/realtime?model=…`. */
export function realtimeUrl(baseUrl: string, model: string): string {
  const url = new URL(baseUrl);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(`unsupported OPENAI_BASE_URL protocol ${url.protocol}`);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/realtime`;
  url.search = '';
  url.searchParams.set('model', model);
  return url.toString();
}

/** The AI session could not be opened (refused, unreachable, timed out). */
export class RealtimeConnectError extends DomainError {
  constructor(
    message: string,
    readonly httpStatus: number | undefined,
  ) {
    super(503, 'RealtimeUnavailable', message, httpStatus === undefined ? {} : { httpStatus });
  }
}

export interface RealtimeCloseInfo {
  code: number;
  reason: string;
  /** True when we closed it (`close()`); false for a drop or a server-side close. */
  expected: boolean;
}

export interface OpenAIRealtimeClientOptions {
  apiKey: string;
  /** OPENAI_BASE_URL, e.g. https://api.openai.com/v1. */
  baseUrl: string;
  model: string;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Audio appends are dropped (and counted) while more than this is waiting to be sent. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** A throwing or rejecting event handler; the stream goes on with the next event. */
  onHandlerError?: (error: unknown, event: RealtimeServerEvent) => void;
  /** Every handled event on arrival, before it is queued (metrics, tracing). Must be cheap. */
  onReceived?: (event: RealtimeServerEvent) => void;
}

export interface RealtimeClientStats {
  eventsSent: number;
  eventsReceived: number;
  /** Server events of types this client does not handle. */
  eventsIgnored: number;
  audioBytesSent: number;
  audioAppendsDropped: number;
}

export type RealtimeEventHandler = (event: RealtimeServerEvent) => void | Promise<void>;

/** Server VAD tuned for older speakers: a longer silence before the turn ends, a little more lead-in. */
export interface PhoneSessionOptions {
  instructions: string;
  voice?: string;
  tools?: RealtimeFunctionTool[];
  /** Transcription model for the patient's speech. Default gpt-4o-mini-transcribe. */
  transcriptionModel?: string;
  /** ISO-639-1 language hint for transcription. */
  language?: string;
  /** Silence that ends a turn. Default 900 ms (OpenAI's default 500 ms cuts older speakers off). */
  silenceDurationMs?: number;
  /** Default 0.5. */
  vadThreshold?: number;
  /** Default 300 ms. */
  prefixPaddingMs?: number;
}

/** session.update for a phone call: µ-law in and out (no transcoding), server VAD, transcription on. */
export function phoneSessionConfig(options: PhoneSessionOptions): RealtimeSessionConfig {
  return {
    type: 'realtime',
    instructions: options.instructions,
    output_modalities: ['audio'],
    audio: {
      input: {
        format: { type: 'audio/pcmu' },
        transcription: {
          model: options.transcriptionModel ?? 'gpt-4o-mini-transcribe',
          ...(options.language ? { language: options.language } : {}),
        },
        turn_detection: {
          type: 'server_vad',
          threshold: options.vadThreshold ?? 0.5,
          prefix_padding_ms: options.prefixPaddingMs ?? 300,
          silence_duration_ms: options.silenceDurationMs ?? 900,
          create_response: true,
          interrupt_response: true,
        },
        noise_reduction: { type: 'near_field' },
      },
      output: { format: { type: 'audio/pcmu' }, ...(options.voice ? { voice: options.voice } : {}) },
    },
    ...(options.tools ? { tools: options.tools, tool_choice: 'auto' as const } : {}),
  };
}

type QueueItem = { event: RealtimeServerEvent } | { close: RealtimeCloseInfo };

/**
 * One OpenAI Realtime (GA) session over a WebSocket. Server events reach the single handler
 * strictly in arrival order: when the handler returns a promise, the next event waits for it.
 * The close notification is queued behind the events that preceded it. The client does not
 * reconnect by itself: the call session decides (carry-over, apology, callback).
 */
export class OpenAIRealtimeClient {
  readonly url: string;
  readonly stats: RealtimeClientStats = { eventsSent: 0, eventsReceived: 0, eventsIgnored: 0, audioBytesSent: 0, audioAppendsDropped: 0 };
  private socket: WebSocket | undefined;
  private handler: RealtimeEventHandler | undefined;
  private closeHandler: ((info: RealtimeCloseInfo) => void) | undefined;
  private readonly queue: QueueItem[] = [];
  private pumping = false;
  private closing = false;
  private readonly maxBuffered: number;

  constructor(private readonly options: OpenAIRealtimeClientOptions) {
    this.url = realtimeUrl(options.baseUrl, options.model);
    this.maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** The single consumer of server events (set it before `connect`). */
  onEvent(handler: RealtimeEventHandler): void {
    this.handler = handler;
  }

  /** Called once when the socket closes, after every event received before the close. */
  onClose(handler: (info: RealtimeCloseInfo) => void): void {
    this.closeHandler = handler;
  }

  connect(): Promise<void> {
    if (this.socket) return Promise.reject(new Error('OpenAIRealtimeClient.connect called twice'));
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const socket = new WebSocket(this.url, {
      headers: { Authorization: `Bearer ${this.options.apiKey}` },
      handshakeTimeout: timeoutMs,
      perMessageDeflate: false,
    });
    this.socket = socket;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (err: RealtimeConnectError): void => {
        if (settled) return;
        settled = true;
        reject(err);
      };
      socket.on('unexpected-response', (req, res) => {
        fail(new RealtimeConnectError(`Realtime session refused with HTTP ${res.statusCode ?? 0}`, res.statusCode));
        req.destroy();
      });
      socket.on('error', (err) => fail(new RealtimeConnectError(`Realtime session unreachable: ${err.message}`, undefined)));
      socket.on('open', () => {
        settled = true;
        resolve();
      });
      socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
        if (!isBinary) this.receive(wsText(data));
      });
      socket.on('close', (code: number, reason: Buffer) => {
        fail(new RealtimeConnectError(`Realtime session closed during connect (${code})`, undefined));
        this.enqueue({ close: { code, reason: reason.toString(), expected: this.closing } });
      });
    });
  }

  /** Sends any client event (JSON). False when the socket is not open. */
  send(event: RealtimeClientEvent): boolean {
    return this.sendText(JSON.stringify(event));
  }

  /**
   * Appends caller audio (µ-law). The hot path: no JSON.stringify. Dropped (false, counted) when
   * the socket is not open or its send buffer is over `maxBufferedBytes`.
   */
  appendAudio(ulaw: Uint8Array): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || socket.bufferedAmount > this.maxBuffered) {
      this.stats.audioAppendsDropped++;
      return false;
    }
    const base64 = Buffer.from(ulaw.buffer, ulaw.byteOffset, ulaw.byteLength).toString('base64');
    socket.send(`{"type":"input_audio_buffer.append","audio":"${base64}"}`);
    this.stats.eventsSent++;
    this.stats.audioBytesSent += ulaw.byteLength;
    return true;
  }

  updateSession(session: RealtimeSessionConfig): boolean {
    return this.send({ type: 'session.update', session });
  }

  createResponse(response?: ResponseCreateEvent['response']): boolean {
    return this.send(response ? { type: 'response.create', response } : { type: 'response.create' });
  }

  cancelResponse(responseId?: string): boolean {
    return this.send(responseId ? { type: 'response.cancel', response_id: responseId } : { type: 'response.cancel' });
  }

  /** Barge-in: the assistant item was heard up to `audioEndMs`. */
  truncate(itemId: string, audioEndMs: number): boolean {
    return this.send({
      type: 'conversation.item.truncate',
      item_id: itemId,
      content_index: 0,
      audio_end_ms: Math.max(0, Math.floor(audioEndMs)),
    });
  }

  /** A system note in the conversation (e.g. "the caregiver has been alerted"). */
  addSystemNote(text: string): boolean {
    return this.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'system', content: [{ type: 'input_text', text }] },
    });
  }

  sendFunctionOutput(callId: string, output: string): boolean {
    return this.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output } });
  }

  /** Closes the session (expected close); resolves once the socket is closed. Idempotent. */
  async close(code = 1000, reason = 'call ended'): Promise<void> {
    const socket = this.socket;
    this.closing = true;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
    });
  }

  private sendText(text: string): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(text);
    this.stats.eventsSent++;
    return true;
  }

  private receive(text: string): void {
    let event: RealtimeServerEvent;
    try {
      const parsed = JSON.parse(text) as { type?: unknown };
      if (typeof parsed?.type !== 'string' || !REALTIME_SERVER_EVENT_TYPES.has(parsed.type)) {
        this.stats.eventsIgnored++;
        return;
      }
      event = parsed as RealtimeServerEvent;
    } catch {
      this.stats.eventsIgnored++;
      return;
    }
    this.stats.eventsReceived++;
    this.options.onReceived?.(event);
    this.enqueue({ event });
  }

  private enqueue(item: QueueItem): void {
    this.queue.push(item);
    this.pump();
  }

  /** Delivers queued items one at a time; an async handler holds the queue until it settles. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    while (this.queue.length > 0) {
      const item = this.queue.shift() as QueueItem;
      if ('close' in item) {
        this.closeHandler?.(item.close);
        continue;
      }
      let result: void | Promise<void>;
      try {
        result = this.handler?.(item.event);
      } catch (err) {
        this.options.onHandlerError?.(err, item.event);
        continue;
      }
      if (result instanceof Promise) {
        void result
          .catch((err: unknown) => this.options.onHandlerError?.(err, item.event))
          .then(() => {
            this.pumping = false;
            this.pump();
          });
        return;
      }
    }
    this.pumping = false;
  }
}
