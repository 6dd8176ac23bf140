import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A local Asterisk for voice tests, speaking the real protocols: ARI REST (Basic auth or
 * `api_key`), the `/ari/events?app=` WebSocket, and RTP over UDP for externalMedia channels.
 * Its RTP code is deliberately independent of @app/voice, so the two check each other.
 *
 * Outbound calls follow `dial(endpoint)`: answer (ChannelStateChange Up + StasisStart), busy
 * (ChannelDestroyed 17), no answer (19), failure (34 or a given cause), keep ringing until
 * `answer()`/`reject()`, or a REST error. The caller can hang up (`hangupCall`), press keys
 * (`pressDtmf`), speak (`playCallerAudio`) and be listened to (`heardAudio`).
 */

export type FakeDialOutcome =
  | { kind: 'answer' }
  | { kind: 'busy' }
  | { kind: 'no_answer' }
  | { kind: 'failed'; cause?: number }
  | { kind: 'ring' }
  | { kind: 'error'; status: number; message: string };

export interface FakeAsteriskOptions {
  username?: string;
  password?: string;
  /** What an originate to `endpoint` does. Default: answer. */
  dial?: (endpoint: string) => FakeDialOutcome;
}

export interface FakeAriRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

interface ChannelJson {
  id: string;
  name: string;
  state: string;
  caller: { name: string; number: string };
  connected: { name: string; number: string };
  accountcode: string;
  dialplan: { context: string; exten: string; priority: number };
  creationtime: string;
  language: string;
  channelvars?: Record<string, string>;
}

interface FakeChannel {
  json: ChannelJson;
  app: string;
  args: string[];
  vars: Record<string, string>;
  inStasis: boolean;
  bridgeId?: string;
  media?: FakeMediaLeg;
}

interface FakeBridge {
  id: string;
  name: string;
  type: string;
  channels: string[];
}

/** Asterisk's side of one externalMedia channel. */
export interface FakeMediaLeg {
  channelId: string;
  socket: Socket;
  localPort: number;
  /** external_host as given to externalMedia. */
  remote: { host: string; port: number };
  /** Every datagram received, with its source. */
  packets: { data: Buffer; from: { address: string; port: number } }[];
  /** Payloads of the RTP packets received (PT 0), in arrival order. */
  payloads: Buffer[];
  sent: number;
  seq: number;
  ts: number;
  ssrc: number;
}

const CAUSE_TEXT: Record<number, string> = {
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  21: 'Call Rejected',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Minimal RTP header reading/writing, written separately from @app/voice on purpose. */
function rtpPayload(datagram: Buffer): { payloadType: number; payload: Buffer } | undefined {
  if (datagram.length < 12 || datagram[0] >> 6 !== 2) return undefined;
  const offset = 12 + (datagram[0] & 0x0f) * 4;
  return { payloadType: datagram[1] & 0x7f, payload: datagram.subarray(offset) };
}

function rtpPacket(leg: FakeMediaLeg, payload: Uint8Array, marker: boolean): Buffer {
  const packet = Buffer.alloc(12 + payload.length);
  packet[0] = 0x80;
  packet[1] = (marker ? 0x80 : 0) | 0;
  packet.writeUInt16BE(leg.seq, 2);
  packet.writeUInt32BE(leg.ts, 4);
  packet.writeUInt32BE(leg.ssrc, 8);
  packet.set(payload, 12);
  leg.seq = (leg.seq + 1) & 0xffff;
  leg.ts = (leg.ts + payload.length) >>> 0;
  return packet;
}

export class FakeAsterisk {
  readonly requests: FakeAriRequest[] = [];
  /** Media played to channels (`POST /channels/{id}/play`), in order. */
  readonly playbacks: { channelId: string; media: string }[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly bridges = new Map<string, FakeBridge>();
  /** Every event sent, in order (also when no socket was listening). */
  readonly events: Record<string, unknown>[] = [];
  dial: (endpoint: string) => FakeDialOutcome;
  private readonly sockets = new Set<{ ws: WebSocket; app: string }>();
  private failures: { count: number; status: number } = { count: 0, status: 500 };
  private refuseEvents = false;
  private readonly waiters = new Set<() => void>();
  private channelSeq = 0;
  /** Events WebSocket upgrades answered with an error status. */
  refusedUpgrades = 0;

  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly url: string,
    readonly username: string,
    readonly password: string,
    dial: (endpoint: string) => FakeDialOutcome,
  ) {
    this.dial = dial;
  }

  static async start(options: FakeAsteriskOptions = {}): Promise<FakeAsterisk> {
    const wss = new WebSocketServer({ noServer: true });
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeAsterisk(
      server,
      wss,
      `http://127.0.0.1:${port}`,
      options.username ?? 'bianca',
      options.password ?? 'secret',
      options.dial ?? (() => ({ kind: 'answer' })),
    );
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void fake.handle(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: import('node:net').Socket, head: Buffer) => fake.upgrade(req, socket, head));
    return fake;
  }

  /** Open events WebSockets. */
  get eventSocketCount(): number {
    return this.sockets.size;
  }

  /** The next `count` REST requests fail with `status` (e.g. 500 to trip a circuit breaker). */
  failNextRequests(count: number, status = 500): void {
    this.failures = { count, status };
  }

  /** Refuse (503) new events WebSocket upgrades while true. */
  setRefuseEvents(refuse: boolean): void {
    this.refuseEvents = refuse;
  }

  /** Drops every events WebSocket abruptly (a network loss or an Asterisk restart). */
  dropEventSockets(): void {
    for (const s of this.sockets) s.ws.terminate();
  }

  /** Resolves when `predicate` holds, re-checked after every request, event and RTP packet. */
  waitFor(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (predicate()) {
          this.waiters.delete(check);
          resolve();
        }
      };
      this.waiters.add(check);
    });
  }

  /** Resolves with the first event of `type` (matching `where`) sent from now on or already sent. */
  async waitForEvent(type: string, where: (e: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown>> {
    let found: Record<string, unknown> | undefined;
    await this.waitFor(() => (found = this.events.find((e) => e.type === type && where(e))) !== undefined);
    return found as Record<string, unknown>;
  }

  /** Answers a ringing outbound call (dial outcome `ring`). */
  answer(channelId: string): void {
    const channel = this.mustChannel(channelId);
    this.setState(channel, 'Up');
    this.enterStasis(channel);
  }

  /** A ringing outbound call ends unanswered with this cause (17 busy, 19 no answer, …). */
  reject(channelId: string, cause: number): void {
    this.destroy(this.mustChannel(channelId), cause);
  }

  /** The patient hangs up. */
  hangupCall(channelId: string, cause = 16): void {
    const channel = this.mustChannel(channelId);
    this.emit(channel.app, { type: 'ChannelHangupRequest', cause, channel: channel.json });
    this.destroy(channel, cause);
  }

  /** An inbound call enters the Stasis app (a patient calls the service number). */
  incomingCall(params: { callerNumber: string; app?: string; args?: string[]; channelId?: string }): string {
    const id = params.channelId ?? `${Math.floor(Date.now() / 1000)}.${++this.channelSeq}`;
    const channel = this.addChannel(id, `PJSIP/trunk-${id}`, params.app ?? 'bianca', 'Ring', params.args ?? []);
    channel.json.caller = { name: '', number: params.callerNumber };
    this.enterStasis(channel);
    return id;
  }

  pressDtmf(channelId: string, digit: string): void {
    const channel = this.mustChannel(channelId);
    this.emit(channel.app, { type: 'ChannelDtmfReceived', digit, duration_ms: 100, channel: channel.json });
  }

  /** The externalMedia leg bridged with this call channel (undefined if there is none). */
  mediaLegOf(callChannelId: string): FakeMediaLeg | undefined {
    const bridgeId = this.channels.get(callChannelId)?.bridgeId;
    if (!bridgeId) return undefined;
    for (const id of this.bridges.get(bridgeId)?.channels ?? []) {
      const media = this.channels.get(id)?.media;
      if (media) return media;
    }
    return undefined;
  }

  /**
   * The caller speaks: each frame goes out as one RTP packet (PCMU) from the media leg bridged
   * with the call to its external_host, as fast as the socket takes them. Throws when the call is
   * not bridged with an externalMedia channel (Asterisk would not route the audio either).
   */
  async playCallerAudio(callChannelId: string, frames: readonly Uint8Array[]): Promise<void> {
    const leg = this.mediaLegOf(callChannelId);
    if (!leg) throw new Error(`call ${callChannelId} is not bridged with an externalMedia channel`);
    for (let i = 0; i < frames.length; i++) {
      const packet = rtpPacket(leg, frames[i], leg.sent === 0);
      leg.sent++;
      await new Promise<void>((resolve, reject) =>
        leg.socket.send(packet, leg.remote.port, leg.remote.host, (err) => (err ? reject(err) : resolve())),
      );
    }
  }

  /** Sends one raw datagram from the media leg (malformed or crafted RTP). */
  async sendRawMedia(callChannelId: string, datagram: Buffer): Promise<void> {
    const leg = this.mediaLegOf(callChannelId);
    if (!leg) throw new Error(`call ${callChannelId} is not bridged with an externalMedia channel`);
    await new Promise<void>((resolve, reject) =>
      leg.socket.send(datagram, leg.remote.port, leg.remote.host, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** What the caller heard so far: the µ-law payloads received on the call's media leg, concatenated. */
  heardAudio(callChannelId: string): Buffer {
    return Buffer.concat(this.mediaLegOf(callChannelId)?.payloads ?? []);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.ws.terminate();
    for (const channel of this.channels.values()) channel.media?.socket.close();
    this.channels.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- protocol ------------------------------------------------------------------------------

  private authorised(req: IncomingMessage, query: URLSearchParams): boolean {
    const expected = `${this.username}:${this.password}`;
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ') && Buffer.from(header.slice(6), 'base64').toString() === expected) return true;
    return query.get('api_key') === expected;
  }

  private upgrade(req: IncomingMessage, socket: import('node:net').Socket, head: Buffer): void {
    socket.on('error', () => undefined); // a client resetting a refused upgrade is not a fake failure
    const url = new URL(req.url ?? '/', 'http://fake');
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      this.refusedUpgrades++;
      this.notify();
    };
    if (url.pathname !== '/ari/events') return reject(404, 'Not Found');
    if (!this.authorised(req, url.searchParams)) return reject(401, 'Unauthorized');
    const app = url.searchParams.get('app');
    if (!app) return reject(400, 'Bad Request');
    if (this.refuseEvents) return reject(503, 'Service Unavailable');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const entry = { ws, app };
      this.sockets.add(entry);
      ws.on('close', () => {
        this.sockets.delete(entry);
        this.notify();
      });
      this.notify();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: unknown;
    if (chunks.length > 0) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString());
      } catch {
        body = undefined;
      }
    }
    const send = (status: number, payload?: unknown): void => {
      if (payload === undefined) res.writeHead(status).end();
      else res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(payload));
    };
    if (!this.authorised(req, url.searchParams)) return send(401, { message: 'Authentication required' });
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, body });
    this.notify();
    if (this.failures.count > 0) {
      this.failures.count--;
      return send(this.failures.status, { message: 'Internal Server Error' });
    }
    try {
      const result = await this.route(req.method ?? 'GET', url.pathname.replace(/^\/ari/, ''), query, body);
      send(result.status, result.body);
      if (result.after) setImmediate(result.after);
    } catch (err) {
      if (err instanceof HttpError) send(err.status, { message: err.message });
      else send(500, { message: err instanceof Error ? err.message : 'error' });
    }
  }

  private async route(
    method: string,
    path: string,
    q: Record<string, string>,
    body: unknown,
  ): Promise<{ status: number; body?: unknown; after?: () => void }> {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const key = `${method} /${parts.map((p, i) => (i === 1 && parts[0] !== 'asterisk' && p !== 'externalMedia' ? ':id' : p)).join('/')}`;
    switch (key) {
      case 'GET /asterisk/info':
        return {
          status: 200,
          body: {
            build: { os: 'Linux', kernel: '6', machine: 'x86_64', options: '', date: '', user: 'fake' },
            system: { version: '22.0.0-fake', entity_id: '00:00:00:00:00:01' },
            config: { name: 'fake-asterisk', default_language: 'en' },
            status: { startup_time: new Date().toISOString(), last_reload_time: new Date().toISOString() },
          },
        };
      case 'GET /channels':
        return { status: 200, body: [...this.channels.values()].map((c) => c.json) };
      case 'POST /channels':
        return this.originate(q, body);
      case 'POST /channels/externalMedia':
        return this.externalMedia(q);
      case 'GET /channels/:id':
        return { status: 200, body: this.mustChannel(parts[1]).json };
      case 'DELETE /channels/:id': {
        const channel = this.mustChannel(parts[1]);
        return { status: 204, after: () => this.destroy(channel, 16) };
      }
      case 'POST /channels/:id/answer': {
        const channel = this.mustChannel(parts[1]);
        if (!channel.inStasis) throw new HttpError(409, 'Channel not in Stasis application');
        return { status: 204, after: () => this.setState(channel, 'Up') };
      }
      case 'POST /channels/:id/play': {
        const channel = this.mustChannel(parts[1]);
        if (!q.media) throw new HttpError(400, 'media is required');
        const playback = {
          id: q.playbackId ?? `pb-${++this.channelSeq}`,
          media_uri: q.media,
          target_uri: `channel:${channel.json.id}`,
          state: 'done',
        };
        this.playbacks.push({ channelId: channel.json.id, media: q.media });
        return {
          status: 201,
          body: { ...playback, state: 'queued' },
          after: () => this.emit(channel.app, { type: 'PlaybackFinished', playback }),
        };
      }
      case 'GET /channels/:id/variable': {
        const channel = this.mustChannel(parts[1]);
        if (!q.variable) throw new HttpError(400, 'Variable name is required');
        const value = channel.vars[q.variable];
        if (value === undefined) throw new HttpError(404, 'Provided variable was not found');
        return { status: 200, body: { value } };
      }
      case 'GET /bridges':
        return { status: 200, body: [...this.bridges.values()].map((b) => this.bridgeJson(b)) };
      case 'POST /bridges':
        return this.createBridge(q.bridgeId ?? randomBytes(8).toString('hex'), q);
      case 'POST /bridges/:id':
        return this.createBridge(parts[1], q);
      case 'DELETE /bridges/:id': {
        const bridge = this.bridges.get(parts[1]);
        if (!bridge) throw new HttpError(404, 'Bridge not found');
        return { status: 204, after: () => this.destroyBridge(bridge) };
      }
      case 'POST /bridges/:id/addChannel':
        return this.addToBridge(parts[1], q.channel);
      default:
        throw new HttpError(404, `Resource not found: ${method} ${path}`);
    }
  }

  private originate(q: Record<string, string>, body: unknown): { status: number; body?: unknown; after?: () => void } {
    if (!q.endpoint) throw new HttpError(400, 'Endpoint must be specified');
    if (!q.app) throw new HttpError(400, 'Application or extension must be specified');
    const id = q.channelId ?? `${Math.floor(Date.now() / 1000)}.${++this.channelSeq}`;
    if (this.channels.has(id)) throw new HttpError(409, 'Channel with given unique ID already exists');
    const outcome = this.dial(q.endpoint);
    if (outcome.kind === 'error') throw new HttpError(outcome.status, outcome.message);
    const channel = this.addChannel(
      id,
      `PJSIP/${q.endpoint.split('/')[1] ?? 'x'}-${id}`,
      q.app,
      'Down',
      q.appArgs ? q.appArgs.split(',') : [],
    );
    const variables = (body as { variables?: Record<string, string> } | undefined)?.variables;
    if (variables) Object.assign(channel.vars, variables);
    const after = (): void => {
      switch (outcome.kind) {
        case 'answer':
          this.setState(channel, 'Ringing');
          this.setState(channel, 'Up');
          this.enterStasis(channel);
          return;
        case 'busy':
          return this.destroy(channel, 17);
        case 'no_answer':
          this.setState(channel, 'Ringing');
          return this.destroy(channel, 19);
        case 'failed':
          return this.destroy(channel, outcome.cause ?? 34);
        case 'ring':
          return this.setState(channel, 'Ringing');
      }
    };
    return { status: 200, body: channel.json, after };
  }

  private async externalMedia(q: Record<string, string>): Promise<{ status: number; body?: unknown; after?: () => void }> {
    if (!q.app) throw new HttpError(400, 'app is required');
    if (!q.external_host) throw new HttpError(400, 'external_host is required');
    if (!q.format) throw new HttpError(400, 'format is required');
    const match = /^(.+):(\d+)$/.exec(q.external_host);
    if (!match) throw new HttpError(400, 'external_host must be host:port');
    if ((q.encapsulation ?? 'rtp') !== 'rtp') throw new HttpError(400, 'Unsupported encapsulation');
    if ((q.transport ?? 'udp') !== 'udp') throw new HttpError(400, 'Unsupported transport');
    if ((q.direction ?? 'both') !== 'both') throw new HttpError(400, 'Unsupported direction');
    if ((q.connection_type ?? 'client') !== 'client') throw new HttpError(400, 'Unsupported connection type');
    if (q.format !== 'ulaw') throw new HttpError(422, 'Unsupported format (this fake speaks ulaw only)');
    const id = q.channelId ?? `${Math.floor(Date.now() / 1000)}.${++this.channelSeq}`;
    if (this.channels.has(id)) throw new HttpError(409, 'Channel with given unique ID already exists');
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const localPort = socket.address().port;
    const leg: FakeMediaLeg = {
      channelId: id,
      socket,
      localPort,
      remote: { host: match[1], port: Number(match[2]) },
      packets: [],
      payloads: [],
      sent: 0,
      seq: randomBytes(2).readUInt16BE(0),
      ts: randomBytes(4).readUInt32BE(0),
      ssrc: randomBytes(4).readUInt32BE(0),
    };
    socket.on('message', (data, from) => {
      leg.packets.push({ data, from: { address: from.address, port: from.port } });
      const rtp = rtpPayload(data);
      if (rtp && rtp.payloadType === 0) leg.payloads.push(Buffer.from(rtp.payload));
      this.notify();
    });
    const channel = this.addChannel(id, `UnicastRTP/${q.external_host}-0x${randomBytes(6).toString('hex')}`, q.app, 'Up', []);
    channel.media = leg;
    channel.vars.UNICASTRTP_LOCAL_ADDRESS = '127.0.0.1';
    channel.vars.UNICASTRTP_LOCAL_PORT = String(localPort);
    channel.json.channelvars = { UNICASTRTP_LOCAL_ADDRESS: '127.0.0.1', UNICASTRTP_LOCAL_PORT: String(localPort) };
    return { status: 200, body: channel.json, after: () => this.enterStasis(channel) };
  }

  private createBridge(id: string, q: Record<string, string>): { status: number; body: unknown } {
    if (this.bridges.has(id)) throw new HttpError(409, 'Bridge with given unique ID already exists');
    const type = q.type ?? 'mixing';
    if (type !== 'mixing' && type !== 'holding') throw new HttpError(400, 'Invalid bridge type');
    const bridge: FakeBridge = { id, name: q.name ?? '', type, channels: [] };
    this.bridges.set(id, bridge);
    return { status: 200, body: this.bridgeJson(bridge) };
  }

  private addToBridge(bridgeId: string, list: string | undefined): { status: number; after: () => void } {
    const bridge = this.bridges.get(bridgeId);
    if (!bridge) throw new HttpError(404, 'Bridge not found');
    if (!list) throw new HttpError(400, 'Channel parameter is required');
    const channels = list.split(',').map((id) => {
      const channel = this.channels.get(id);
      if (!channel) throw new HttpError(400, 'Channel not found');
      if (!channel.inStasis) throw new HttpError(422, 'Channel not in Stasis application');
      return channel;
    });
    return {
      status: 204,
      after: () => {
        for (const channel of channels) {
          if (channel.bridgeId === bridge.id) continue;
          if (channel.bridgeId) this.leaveBridge(channel);
          channel.bridgeId = bridge.id;
          bridge.channels.push(channel.json.id);
          this.emit(channel.app, { type: 'ChannelEnteredBridge', bridge: this.bridgeJson(bridge), channel: channel.json });
        }
      },
    };
  }

  private bridgeJson(b: FakeBridge): Record<string, unknown> {
    return {
      id: b.id,
      technology: 'simple_bridge',
      bridge_type: b.type,
      bridge_class: 'stasis',
      creator: 'Stasis',
      name: b.name,
      channels: [...b.channels],
    };
  }

  private destroyBridge(bridge: FakeBridge): void {
    for (const id of [...bridge.channels]) {
      const channel = this.channels.get(id);
      if (channel) this.leaveBridge(channel);
    }
    this.bridges.delete(bridge.id);
    this.emit(undefined, { type: 'BridgeDestroyed', bridge: this.bridgeJson(bridge) });
  }

  private leaveBridge(channel: FakeChannel): void {
    const bridge = channel.bridgeId ? this.bridges.get(channel.bridgeId) : undefined;
    channel.bridgeId = undefined;
    if (!bridge) return;
    bridge.channels = bridge.channels.filter((id) => id !== channel.json.id);
    this.emit(channel.app, { type: 'ChannelLeftBridge', bridge: this.bridgeJson(bridge), channel: channel.json });
  }

  private addChannel(id: string, name: string, app: string, state: string, args: string[]): FakeChannel {
    const channel: FakeChannel = {
      json: {
        id,
        name,
        state,
        caller: { name: '', number: '' },
        connected: { name: '', number: '' },
        accountcode: '',
        dialplan: { context: 'default', exten: 's', priority: 1 },
        creationtime: new Date().toISOString(),
        language: 'en',
      },
      app,
      args,
      vars: {},
      inStasis: false,
    };
    this.channels.set(id, channel);
    return channel;
  }

  private setState(channel: FakeChannel, state: string): void {
    if (channel.json.state === state) return;
    channel.json.state = state;
    this.emit(channel.app, { type: 'ChannelStateChange', channel: channel.json });
  }

  private enterStasis(channel: FakeChannel): void {
    channel.inStasis = true;
    this.emit(channel.app, { type: 'StasisStart', args: channel.args, channel: channel.json });
  }

  private destroy(channel: FakeChannel, cause: number): void {
    if (!this.channels.has(channel.json.id)) return;
    if (channel.bridgeId) this.leaveBridge(channel);
    if (channel.inStasis) {
      channel.inStasis = false;
      this.emit(channel.app, { type: 'StasisEnd', channel: channel.json });
    }
    this.channels.delete(channel.json.id);
    channel.media?.socket.close();
    this.emit(channel.app, { type: 'ChannelDestroyed', cause, cause_txt: CAUSE_TEXT[cause] ?? 'Unknown', channel: channel.json });
  }

  private mustChannel(id: string): FakeChannel {
    const channel = this.channels.get(id);
    if (!channel) throw new HttpError(404, 'Channel not found');
    return channel;
  }

  /** Sends an event to the sockets of `app` (all apps when undefined), with a snapshot of its objects. */
  emit(app: string | undefined, event: Record<string, unknown>): void {
    const full = { ...event, timestamp: new Date().toISOString(), application: app ?? 'bianca', asterisk_id: '00:00:00:00:00:01' };
    const snapshot = JSON.parse(JSON.stringify(full)) as Record<string, unknown>;
    this.events.push(snapshot);
    const text = JSON.stringify(snapshot);
    for (const s of this.sockets) if (app === undefined || s.app === app) s.ws.send(text);
    this.notify();
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }
}
