import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { wsText } from './ws-text';

/**
 * A local OpenAI Realtime server speaking the GA protocol over plain ws://, for the voice
 * pipeline. Point OPENAI_BASE_URL at `baseUrl` (http://127.0.0.1:<port>/v1). Each accepted
 * connection is a `FakeRealtimeConnection`: it answers `session.update`, `response.cancel` and
 * `conversation.item.truncate` as the real service does, records every client event, and lets a
 * test script the server side (VAD, transcripts, audio, tool calls, errors, a dropped socket).
 */

export interface FakeRealtimeOptions {
  /** Bearer token to accept. Default sk-test. */
  apiKey?: string;
}

export type ClientEventRecord = { type: string; [key: string]: unknown };

const id = (prefix: string): string => `${prefix}_${randomBytes(8).toString('hex')}`;

export class FakeOpenAIRealtime {
  readonly connections: FakeRealtimeConnection[] = [];
  private readonly waiters: ((c: FakeRealtimeConnection) => void)[] = [];
  /** Upgrades refused (bad key, wrong path) — for tests of connect errors. */
  refused = 0;
  /** While set, every upgrade is refused with this HTTP status (the service is down). */
  refuseStatus: number | undefined;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  static async start(options: FakeRealtimeOptions = {}): Promise<FakeOpenAIRealtime> {
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeOpenAIRealtime(server, wss, `http://127.0.0.1:${port}/v1`, options.apiKey ?? 'sk-test');
    server.on('upgrade', (req, socket, head) => fake.upgrade(req, socket as Socket, head));
    return fake;
  }

  /** The next connection to be accepted (or the latest one not yet awaited). */
  nextConnection(): Promise<FakeRealtimeConnection> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get latest(): FakeRealtimeConnection | undefined {
    return this.connections[this.connections.length - 1];
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.drop();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://fake');
    const refuse = (status: number, text: string, body: string): void => {
      this.refused++;
      socket.end(
        `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    if (!url.pathname.endsWith('/realtime')) return refuse(404, 'Not Found', '{"error":{"message":"not found"}}');
    if (this.refuseStatus !== undefined) return refuse(this.refuseStatus, 'Service Unavailable', '{"error":{"message":"unavailable"}}');
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return refuse(
        401,
        'Unauthorized',
        '{"error":{"type":"invalid_request_error","code":"invalid_api_key","message":"Incorrect API key provided"}}',
      );
    }
    const model = url.searchParams.get('model');
    if (!model) return refuse(400, 'Bad Request', '{"error":{"message":"model is required"}}');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new FakeRealtimeConnection(ws, model, req.url ?? '', req.headers.authorization ?? '');
      this.connections.push(connection);
      this.waiters.splice(0).forEach((w) => w(connection));
    });
  }
}

/** One scripted server response; send audio/transcript/tool output, then `done()`. */
export interface FakeResponse {
  readonly id: string;
  readonly itemId: string;
  /** µ-law bytes, sent as response.output_audio.delta chunks of `chunkBytes`. */
  audio(bytes: Uint8Array, chunkBytes?: number): void;
  transcript(delta: string): void;
  /** Ends it: output_audio(_transcript).done and response.done (`completed` unless said otherwise). */
  done(status?: 'completed' | 'cancelled' | 'failed' | 'incomplete'): void;
}

export class FakeRealtimeConnection {
  /** Every client event, parsed, in order (append events keep their base64 audio). */
  readonly received: ClientEventRecord[] = [];
  /** µ-law bytes received through input_audio_buffer.append. */
  audioBytes = 0;
  session: Record<string, unknown>;
  closed = false;
  closeCode: number | undefined;
  /** Server events written to the socket so far (a client has read them all once it received as many). */
  sent = 0;
  private active: { id: string; itemId: string; transcript: string; status: 'in_progress' | 'done' } | undefined;
  /** Audio bytes sent per assistant item: conversation.item.truncate is checked against it. */
  private readonly audioOfItem = new Map<string, number>();
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly ws: WebSocket,
    readonly model: string,
    readonly url: string,
    readonly authorization: string,
  ) {
    this.session = { type: 'realtime', id: id('sess'), object: 'realtime.session', model, output_modalities: ['audio'], instructions: '' };
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.handle(wsText(data));
    });
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
      this.notify();
    });
    this.send({ type: 'session.created', session: this.session });
  }

  /** Client events of one type. */
  eventsOf(type: string): ClientEventRecord[] {
    return this.received.filter((e) => e.type === type);
  }

  /** Resolves when `predicate` holds (re-checked on every client event and on close). */
  waitFor(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (!predicate()) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  /** Resolves with the `n`-th (1-based) client event of `type`. */
  async waitForEvent(type: string, n = 1): Promise<ClientEventRecord> {
    await this.waitFor(() => this.eventsOf(type).length >= n);
    return this.eventsOf(type)[n - 1];
  }

  /** Sends a raw server event (an `event_id` is added). */
  send(event: Record<string, unknown>): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.sent++;
    this.ws.send(JSON.stringify({ event_id: id('event'), ...event }));
  }

  /** Server VAD heard the caller start speaking; returns the user item id. */
  speechStarted(audioStartMs = 0, itemId = id('item')): string {
    this.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: audioStartMs, item_id: itemId });
    return itemId;
  }

  speechStopped(itemId: string, audioEndMs = 1000): void {
    this.send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: audioEndMs, item_id: itemId });
    this.send({ type: 'input_audio_buffer.committed', item_id: itemId, previous_item_id: null });
  }

  /** Input transcription of the caller's item: deltas, then completed with the whole text. */
  transcribe(itemId: string, deltas: readonly string[]): void {
    for (const delta of deltas)
      this.send({ type: 'conversation.item.input_audio_transcription.delta', item_id: itemId, content_index: 0, delta });
    this.send({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: itemId,
      content_index: 0,
      transcript: deltas.join(''),
      usage: { type: 'duration', seconds: 1 },
    });
  }

  /** Starts an assistant response (response.created + output item); script it with the handle. */
  startResponse(): FakeResponse {
    const response = { id: id('resp'), itemId: id('item'), transcript: '', status: 'in_progress' as 'in_progress' | 'done' };
    this.active = response;
    this.audioOfItem.set(response.itemId, 0);
    this.send({ type: 'response.created', response: { id: response.id, object: 'realtime.response', status: 'in_progress', output: [] } });
    this.send({
      type: 'response.output_item.added',
      response_id: response.id,
      output_index: 0,
      item: { id: response.itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] },
    });
    const common = { response_id: response.id, item_id: response.itemId, output_index: 0, content_index: 0 };
    return {
      id: response.id,
      itemId: response.itemId,
      audio: (bytes, chunkBytes = 800) => {
        if (response.status !== 'in_progress') return;
        for (let i = 0; i < bytes.length; i += chunkBytes) {
          const chunk = bytes.subarray(i, i + chunkBytes);
          this.audioOfItem.set(response.itemId, (this.audioOfItem.get(response.itemId) ?? 0) + chunk.length);
          this.send({ type: 'response.output_audio.delta', ...common, delta: Buffer.from(chunk).toString('base64') });
        }
      },
      transcript: (delta) => {
        if (response.status !== 'in_progress') return;
        response.transcript += delta;
        this.send({ type: 'response.output_audio_transcript.delta', ...common, delta });
      },
      done: (status = 'completed') => this.finish(response, status),
    };
  }

  /** A whole spoken answer in one go. Returns the response handle (already done). */
  respond(audio: Uint8Array, transcript = '', chunkBytes = 800): FakeResponse {
    const r = this.startResponse();
    if (transcript) r.transcript(transcript);
    r.audio(audio, chunkBytes);
    r.done();
    return r;
  }

  /** The model calls a function tool. Returns the call id. */
  callTool(name: string, args: Record<string, unknown>, callId = id('call')): string {
    const responseId = id('resp');
    const itemId = id('item');
    const text = JSON.stringify(args);
    this.send({ type: 'response.created', response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [] } });
    this.send({
      type: 'response.function_call_arguments.delta',
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      call_id: callId,
      delta: text,
    });
    this.send({
      type: 'response.function_call_arguments.done',
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      call_id: callId,
      name,
      arguments: text,
    });
    this.send({
      type: 'response.done',
      response: {
        id: responseId,
        object: 'realtime.response',
        status: 'completed',
        output: [{ id: itemId, type: 'function_call', name, call_id: callId, arguments: text, status: 'completed' }],
        usage: { total_tokens: 30, input_tokens: 20, output_tokens: 10 },
      },
    });
    return callId;
  }

  error(code: string, message: string, type = 'invalid_request_error'): void {
    this.send({ type: 'error', error: { type, code, message, param: null, event_id: null } });
  }

  /** The connection is lost without a close handshake. */
  drop(): void {
    this.ws.terminate();
  }

  /** A server-side close (e.g. 1001 at the end of the session lifetime). */
  close(code = 1000, reason = ''): void {
    this.ws.close(code, reason);
  }

  private finish(response: { id: string; itemId: string; transcript: string; status: 'in_progress' | 'done' }, status: string): void {
    if (response.status !== 'in_progress') return;
    response.status = 'done';
    if (this.active === response) this.active = undefined;
    const common = { response_id: response.id, item_id: response.itemId, output_index: 0, content_index: 0 };
    this.send({ type: 'response.output_audio.done', ...common });
    this.send({ type: 'response.output_audio_transcript.done', ...common, transcript: response.transcript });
    this.send({
      type: 'response.done',
      response: {
        id: response.id,
        object: 'realtime.response',
        status,
        status_details: status === 'cancelled' ? { type: 'cancelled', reason: 'client_cancelled' } : null,
        output: [{ id: response.itemId, type: 'message', role: 'assistant', status: status === 'completed' ? 'completed' : 'incomplete' }],
        usage: { total_tokens: 100, input_tokens: 60, output_tokens: 40, output_token_details: { audio_tokens: 30, text_tokens: 10 } },
      },
    });
  }

  private handle(text: string): void {
    let event: ClientEventRecord;
    try {
      event = JSON.parse(text) as ClientEventRecord;
    } catch {
      this.error('invalid_json', 'The event could not be parsed as JSON');
      return;
    }
    this.received.push(event);
    switch (event.type) {
      case 'session.update': {
        const session = (event.session ?? {}) as Record<string, unknown>;
        if (session.type !== 'realtime') {
          this.error('invalid_value', "Invalid value for 'session.type'");
          break;
        }
        this.session = { ...this.session, ...session };
        this.send({ type: 'session.updated', session: this.session });
        break;
      }
      case 'input_audio_buffer.append':
        this.audioBytes += typeof event.audio === 'string' ? Buffer.from(event.audio, 'base64').length : 0;
        break;
      case 'response.cancel':
        if (this.active) this.finish(this.active, 'cancelled');
        else this.error('response_cancel_not_active', 'Cancellation failed: no active response found');
        break;
      case 'conversation.item.truncate': {
        const itemId = String(event.item_id);
        const sent = this.audioOfItem.get(itemId);
        const endMs = Number(event.audio_end_ms);
        if (sent === undefined) this.error('item_not_found', `Item ${itemId} not found`);
        else if (!(endMs >= 0) || endMs > sent / 8) this.error('invalid_value', 'audio_end_ms is longer than the audio of the item');
        else
          this.send({
            type: 'conversation.item.truncated',
            item_id: itemId,
            content_index: Number(event.content_index ?? 0),
            audio_end_ms: endMs,
          });
        break;
      }
      case 'conversation.item.create': {
        const item = { id: id('item'), object: 'realtime.item', status: 'completed', ...(event.item as Record<string, unknown>) };
        this.send({ type: 'conversation.item.added', previous_item_id: event.previous_item_id ?? null, item });
        this.send({ type: 'conversation.item.done', previous_item_id: event.previous_item_id ?? null, item });
        break;
      }
      default:
        break;
    }
    for (const check of [...this.waiters]) check();
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }
}
