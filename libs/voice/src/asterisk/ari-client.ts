import WebSocket from 'ws';
import { DomainError } from '@app/platform';
import { wsText } from '../ws-text';
import { systemMonotonicClock, type MonotonicClock } from '../media/clock';
import { CircuitBreaker, backoffDelay, type BackoffOptions, type BreakerState, type CircuitBreakerOptions } from './circuit-breaker';
import {
  ARI_EVENT_TYPES,
  type AriBridge,
  type AriChannel,
  type AriEvent,
  type AriEventOf,
  type AriEventType,
  type AsteriskInfo,
} from './ari.types';

/**
 * Why a thin in-house client rather than `ari-client` or `@ipcom/asterisk-ari` (dependency spike
 * §8): the former downloads Swagger 1.x api-docs at connect time, is untyped, and crashes the
 * process on an event type missing from those docs; the latter has types that break under
 * `moduleResolution: nodenext` and logs to the console. The pipeline needs a dozen REST calls and
 * a dozen event types: `fetch` + `ws`, typed here, with nothing to download at runtime and a
 * transport that is trivial to fake.
 */

/** Base of ARI errors: to an HTTP client they are "telephony unavailable" (503). */
export class AriError extends DomainError {
  constructor(
    message: string,
    code: string,
    readonly operation: string,
    extra: Record<string, unknown> = {},
  ) {
    super(503, code, message, { operation, ...extra });
  }
}

/** Asterisk answered with an error status (4xx/5xx). `ariMessage` is Asterisk's text (may name a channel; do not log it at info). */
export class AriRequestError extends AriError {
  constructor(
    operation: string,
    readonly ariStatus: number,
    readonly ariMessage: string | undefined,
  ) {
    super(`Telephony request ${operation} failed with status ${ariStatus}`, 'TelephonyRequestFailed', operation, { ariStatus });
  }
}

/** Asterisk could not be reached (connection refused, reset, timeout). */
export class AriUnavailableError extends AriError {
  constructor(operation: string, cause: unknown) {
    super(`Telephony server unreachable during ${operation}`, 'TelephonyUnavailable', operation);
    this.cause = cause;
  }
}

/** The circuit breaker is open: Asterisk failed too often recently; calls are refused at once. */
export class AriCircuitOpenError extends AriError {
  constructor(operation: string) {
    super(`Telephony server temporarily unavailable (${operation} not attempted)`, 'TelephonyCircuitOpen', operation);
  }
}

export function isAriNotFound(err: unknown): boolean {
  return err instanceof AriRequestError && err.ariStatus === 404;
}

export interface AriClientOptions {
  /** Asterisk's HTTP server base, e.g. http://asterisk:8088 (the client adds /ari/...). */
  url: string;
  username: string;
  password: string;
  /** Stasis application name (ARI_APP). */
  app: string;
  /** Per REST request. Default 5 s. */
  requestTimeoutMs?: number;
  /** Events WebSocket reconnection: exponential backoff with full jitter. */
  reconnect?: BackoffOptions;
  breaker?: Omit<CircuitBreakerOptions, 'clock'>;
  clock?: MonotonicClock;
  random?: () => number;
  fetch?: typeof fetch;
  /** Handler exceptions, undecodable events, socket errors. Messages carry no PHI. */
  onError?: (error: Error) => void;
}

export interface OriginateParams {
  /** e.g. PJSIP/+15551234567@trunk (from ARI_DIAL_TEMPLATE). */
  endpoint: string;
  /** Our id for the channel (derived from the call id): events are correlated by it. */
  channelId: string;
  /** Ring time in seconds before Asterisk gives up (ChannelDestroyed cause 19). */
  timeoutSec?: number;
  callerId?: string;
  appArgs?: string;
  variables?: Record<string, string>;
}

export interface ExternalMediaParams {
  channelId: string;
  /** host:port where Asterisk sends RTP: RTP_HOST and our endpoint's port. */
  externalHost: string;
  format?: string;
  variables?: Record<string, string>;
}

export type HangupReason = 'normal' | 'busy' | 'congestion' | 'no_answer' | 'timeout' | 'rejected' | 'unallocated';

export type AriConnectionListener = (state: { connected: boolean; reconnect: boolean }) => void;

type Handler<T extends AriEventType> = (event: AriEventOf<T>) => void;
type AnyHandler = (event: AriEvent) => void;

/**
 * One ARI client per voice process: typed REST (Basic auth) guarded by a circuit breaker, and the
 * `/ari/events` WebSocket with reconnection. Event handlers run synchronously in arrival order;
 * a throwing handler is reported through `onError` and never breaks the stream.
 */
export class AriClient {
  private readonly base: string;
  private readonly auth: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly breaker: CircuitBreaker;
  private readonly random: () => number;
  private readonly handlers = new Map<AriEventType, Set<(event: AriEvent) => void>>();
  private readonly anyHandlers = new Set<AnyHandler>();
  private readonly connectionListeners = new Set<AriConnectionListener>();
  private socket: WebSocket | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private everConnected = false;
  private started = false;
  private stopped = false;
  private isConnected = false;
  /** Events of types this client does not know (ignored by design). */
  ignoredEvents = 0;

  constructor(private readonly options: AriClientOptions) {
    this.base = options.url.replace(/\/+$/, '').replace(/\/ari$/, '');
    this.auth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    this.timeoutMs = options.requestTimeoutMs ?? 5000;
    this.fetchFn = options.fetch ?? fetch;
    this.random = options.random ?? Math.random;
    this.breaker = new CircuitBreaker({ ...options.breaker, clock: options.clock ?? systemMonotonicClock });
  }

  get app(): string {
    return this.options.app;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  /** For HealthService.registerProvider: up while the event stream is connected and REST is not failing. */
  healthStatus(): 'up' | 'down' {
    return this.isConnected && this.breaker.state !== 'open' ? 'up' : 'down';
  }

  // ---- REST: channels ------------------------------------------------------------------------

  originate(params: OriginateParams): Promise<AriChannel> {
    const query = {
      endpoint: params.endpoint,
      app: this.options.app,
      appArgs: params.appArgs,
      channelId: params.channelId,
      timeout: params.timeoutSec,
      callerId: params.callerId,
    };
    return this.request<AriChannel>(
      'originate',
      'POST',
      '/channels',
      query,
      params.variables ? { variables: params.variables } : undefined,
    );
  }

  async answer(channelId: string): Promise<void> {
    await this.request('answer', 'POST', `/channels/${encodeURIComponent(channelId)}/answer`);
  }

  /** Plays `media` (e.g. `sound:vm-goodbye`) to a channel; `PlaybackFinished` with this id follows. */
  async play(channelId: string, media: string, playbackId: string): Promise<void> {
    await this.request('play', 'POST', `/channels/${encodeURIComponent(channelId)}/play`, { media, playbackId });
  }

  /** Hangs up; false when the channel was already gone (teardown is idempotent). */
  async hangup(channelId: string, reason: HangupReason = 'normal'): Promise<boolean> {
    try {
      await this.request('hangup', 'DELETE', `/channels/${encodeURIComponent(channelId)}`, { reason });
      return true;
    } catch (err) {
      if (isAriNotFound(err)) return false;
      throw err;
    }
  }

  /**
   * One bidirectional externalMedia channel: µ-law RTP over UDP to `externalHost`. Asterisk's
   * side of the media is in the returned channel's UNICASTRTP_LOCAL_ADDRESS/PORT variables (or
   * ask `getChannelVar`).
   */
  externalMedia(params: ExternalMediaParams): Promise<AriChannel> {
    const query = {
      app: this.options.app,
      channelId: params.channelId,
      external_host: params.externalHost,
      format: params.format ?? 'ulaw',
      encapsulation: 'rtp',
      transport: 'udp',
      connection_type: 'client',
      direction: 'both',
    };
    return this.request<AriChannel>(
      'externalMedia',
      'POST',
      '/channels/externalMedia',
      query,
      params.variables ? { variables: params.variables } : undefined,
    );
  }

  /** A channel variable; undefined when the channel or the variable does not exist. */
  async getChannelVar(channelId: string, variable: string): Promise<string | undefined> {
    try {
      const body = await this.request<{ value: string }>('getChannelVar', 'GET', `/channels/${encodeURIComponent(channelId)}/variable`, {
        variable,
      });
      return body.value;
    } catch (err) {
      if (isAriNotFound(err)) return undefined;
      throw err;
    }
  }

  async getChannel(channelId: string): Promise<AriChannel | undefined> {
    try {
      return await this.request<AriChannel>('getChannel', 'GET', `/channels/${encodeURIComponent(channelId)}`);
    } catch (err) {
      if (isAriNotFound(err)) return undefined;
      throw err;
    }
  }

  listChannels(): Promise<AriChannel[]> {
    return this.request<AriChannel[]>('listChannels', 'GET', '/channels');
  }

  // ---- REST: bridges -------------------------------------------------------------------------

  createBridge(params: { bridgeId: string; name?: string; type?: 'mixing' | 'holding' }): Promise<AriBridge> {
    return this.request<AriBridge>('createBridge', 'POST', '/bridges', {
      type: params.type ?? 'mixing',
      bridgeId: params.bridgeId,
      name: params.name,
    });
  }

  async addChannel(bridgeId: string, channelIds: readonly string[]): Promise<void> {
    await this.request('addChannel', 'POST', `/bridges/${encodeURIComponent(bridgeId)}/addChannel`, { channel: channelIds.join(',') });
  }

  /** Destroys a bridge; false when it was already gone. */
  async destroyBridge(bridgeId: string): Promise<boolean> {
    try {
      await this.request('destroyBridge', 'DELETE', `/bridges/${encodeURIComponent(bridgeId)}`);
      return true;
    } catch (err) {
      if (isAriNotFound(err)) return false;
      throw err;
    }
  }

  listBridges(): Promise<AriBridge[]> {
    return this.request<AriBridge[]>('listBridges', 'GET', '/bridges');
  }

  /** GET /ari/asterisk/info: the health probe. */
  info(): Promise<AsteriskInfo> {
    return this.request<AsteriskInfo>('info', 'GET', '/asterisk/info');
  }

  // ---- events --------------------------------------------------------------------------------

  /** Subscribes to one event type; returns the unsubscribe function. */
  on<T extends AriEventType>(type: T, handler: Handler<T>): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    const h = handler as (event: AriEvent) => void;
    set.add(h);
    return () => set.delete(h);
  }

  /** Every known event, in order (e.g. a router by channel id). */
  onEvent(handler: AnyHandler): () => void {
    this.anyHandlers.add(handler);
    return () => this.anyHandlers.delete(handler);
  }

  /** Connected / disconnected; `reconnect` is true after a drop (time to reconcile channels). */
  onConnectionChange(listener: AriConnectionListener): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  /** Opens the events WebSocket and keeps it open (reconnecting) until `close()`. */
  connect(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.open();
  }

  /** Stops reconnecting and closes the events socket. */
  async close(): Promise<void> {
    this.stopped = true;
    this.isConnected = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(1000);
    });
  }

  private eventsUrl(): string {
    const url = new URL(`${this.base}/ari/events`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('app', this.options.app);
    return url.toString();
  }

  private open(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.eventsUrl(), { headers: { Authorization: this.auth }, handshakeTimeout: this.timeoutMs });
    this.socket = socket;
    socket.on('open', () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.isConnected = true;
      const reconnect = this.everConnected;
      this.everConnected = true;
      this.notifyConnection({ connected: true, reconnect });
    });
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (this.socket !== socket || isBinary) return;
      this.dispatch(wsText(data));
    });
    socket.on('error', (err) => this.report(new Error(`ARI events socket: ${err.message}`)));
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      const wasConnected = this.isConnected;
      this.isConnected = false;
      if (wasConnected) this.notifyConnection({ connected: false, reconnect: false });
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempt++, this.options.reconnect, this.random);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.open();
    }, delay);
  }

  private dispatch(text: string): void {
    let event: AriEvent;
    try {
      const parsed = JSON.parse(text) as { type?: unknown };
      if (
        typeof parsed !== 'object' ||
        parsed === null ||
        typeof parsed.type !== 'string' ||
        !ARI_EVENT_TYPES.has(parsed.type as AriEventType)
      ) {
        this.ignoredEvents++;
        return;
      }
      event = parsed as AriEvent;
    } catch {
      this.report(new Error('ARI events socket: undecodable message ignored'));
      return;
    }
    for (const handler of this.handlers.get(event.type) ?? []) this.safely(() => handler(event), event.type);
    for (const handler of this.anyHandlers) this.safely(() => handler(event), event.type);
  }

  private safely(fn: () => void, what: string): void {
    try {
      fn();
    } catch (err) {
      const error = new Error(`ARI ${what} handler failed: ${err instanceof Error ? err.message : String(err)}`);
      error.cause = err;
      this.report(error);
    }
  }

  private notifyConnection(state: { connected: boolean; reconnect: boolean }): void {
    for (const listener of this.connectionListeners) this.safely(() => listener(state), 'connection');
  }

  private report(error: Error): void {
    this.options.onError?.(error);
  }

  private async request<T = undefined>(
    operation: string,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    query?: Record<string, string | number | undefined>,
    body?: unknown,
  ): Promise<T> {
    if (!this.breaker.tryAcquire()) throw new AriCircuitOpenError(operation);
    const url = new URL(`${this.base}/ari${path}`);
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(url, {
        method,
        headers: body === undefined ? { Authorization: this.auth } : { Authorization: this.auth, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      this.breaker.recordFailure();
      throw new AriUnavailableError(operation, err);
    }
    if (response.status >= 500) this.breaker.recordFailure();
    else this.breaker.recordSuccess(); // a 4xx answer still proves Asterisk is alive
    if (!response.ok) {
      let message: string | undefined;
      try {
        message = (JSON.parse(text) as { message?: string }).message;
      } catch {
        message = undefined;
      }
      throw new AriRequestError(operation, response.status, message);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
