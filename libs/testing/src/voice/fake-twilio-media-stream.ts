import WebSocket from 'ws';
import { wsText } from './ws-text';

/**
 * Twilio's side of a Media Stream (TwiML `<Connect><Stream url=…>`): a WebSocket client that
 * speaks the Twilio Media Streams protocol to our `/v1/twilio/media` endpoint. It sends
 * `connected`, `start` (callSid, streamSid, µ-law 8 kHz), `media` (base64 µ-law, 20 ms each),
 * `dtmf`, `mark` echoes and `stop`; it records the `media`, `mark` and `clear` messages the
 * server sends. Like Twilio, it echoes a `mark` once the audio queued before it has "played"
 * (immediately, or on `playMarks()`), and a `clear` empties the playback buffer and echoes every
 * pending mark at once.
 */

export interface FakeTwilioStreamOptions {
  accountSid?: string;
  callSid?: string;
  streamSid?: string;
  /** <Parameter> values of the <Stream>. */
  customParameters?: Record<string, string>;
  /** 'immediate' (default): marks come back as soon as received; 'manual': on playMarks(). */
  markEcho?: 'immediate' | 'manual';
  headers?: Record<string, string>;
}

export type TwilioServerMessage =
  | { event: 'media'; streamSid: string; media: { payload: string } }
  | { event: 'mark'; streamSid: string; mark: { name: string } }
  | { event: 'clear'; streamSid: string };

export class FakeTwilioMediaStream {
  readonly accountSid: string;
  readonly callSid: string;
  readonly streamSid: string;
  /** Every message the server sent, parsed, in order. */
  readonly received: Record<string, unknown>[] = [];
  /** Decoded µ-law of every server `media` message, in order. */
  readonly played: Buffer[] = [];
  readonly marks: string[] = [];
  /** Mark names echoed back to the server. */
  readonly echoedMarks: string[] = [];
  clears = 0;
  closed = false;
  private sequence = 0;
  private chunk = 0;
  private timestampMs = 0;
  private pendingMarks: string[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly markEcho: 'immediate' | 'manual',
    options: FakeTwilioStreamOptions,
  ) {
    this.accountSid = options.accountSid ?? `AC${'0'.repeat(32)}`;
    this.callSid = options.callSid ?? `CA${randomHex(32)}`;
    this.streamSid = options.streamSid ?? `MZ${randomHex(32)}`;
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.handle(wsText(data));
    });
    ws.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  /** Opens the stream and sends `connected` and `start`, as Twilio does. */
  static async connect(url: string, options: FakeTwilioStreamOptions = {}): Promise<FakeTwilioMediaStream> {
    const ws = new WebSocket(url, { headers: options.headers });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const stream = new FakeTwilioMediaStream(ws, options.markEcho ?? 'immediate', options);
    stream.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    stream.send({
      event: 'start',
      sequenceNumber: stream.nextSequence(),
      start: {
        accountSid: stream.accountSid,
        streamSid: stream.streamSid,
        callSid: stream.callSid,
        tracks: ['inbound'],
        customParameters: options.customParameters ?? {},
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
      streamSid: stream.streamSid,
    });
    return stream;
  }

  /** The caller speaks: one `media` message per frame (20 ms of µ-law each). */
  sendMedia(frames: readonly Uint8Array[]): void {
    for (const frame of frames) {
      this.send({
        event: 'media',
        sequenceNumber: this.nextSequence(),
        media: {
          track: 'inbound',
          chunk: String(++this.chunk),
          timestamp: String(this.timestampMs),
          payload: Buffer.from(frame).toString('base64'),
        },
        streamSid: this.streamSid,
      });
      this.timestampMs += Math.round(frame.length / 8);
    }
  }

  sendDtmf(digit: string): void {
    this.send({ event: 'dtmf', streamSid: this.streamSid, sequenceNumber: this.nextSequence(), dtmf: { track: 'inbound_track', digit } });
  }

  /** Playback reached every pending mark: echo them (markEcho 'manual'). */
  playMarks(): void {
    for (const name of this.pendingMarks.splice(0)) this.echoMark(name);
  }

  /** Everything played so far, concatenated. */
  playedAudio(): Buffer {
    return Buffer.concat(this.played);
  }

  /** The call ends: `stop`, then the socket closes. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.send({
      event: 'stop',
      sequenceNumber: this.nextSequence(),
      streamSid: this.streamSid,
      stop: { accountSid: this.accountSid, callSid: this.callSid },
    });
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close(1000);
    });
  }

  /** The connection is lost without a `stop`. */
  drop(): void {
    this.ws.terminate();
  }

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

  private handle(text: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    this.received.push(message);
    const forUs = message.streamSid === this.streamSid;
    switch (message.event) {
      case 'media': {
        const payload = (message.media as { payload?: unknown } | undefined)?.payload;
        if (forUs && typeof payload === 'string') this.played.push(Buffer.from(payload, 'base64'));
        break;
      }
      case 'mark': {
        const name = (message.mark as { name?: unknown } | undefined)?.name;
        if (forUs && typeof name === 'string') {
          this.marks.push(name);
          if (this.markEcho === 'immediate') this.echoMark(name);
          else this.pendingMarks.push(name);
        }
        break;
      }
      case 'clear':
        if (forUs) {
          this.clears++;
          this.playMarks();
        }
        break;
      default:
        break;
    }
    this.notify();
  }

  private echoMark(name: string): void {
    this.echoedMarks.push(name);
    this.send({ event: 'mark', sequenceNumber: this.nextSequence(), streamSid: this.streamSid, mark: { name } });
  }

  private send(message: Record<string, unknown>): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private nextSequence(): string {
    return String(++this.sequence);
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }
}

function randomHex(length: number): string {
  let out = '';
  while (out.length < length)
    out += Math.floor(Math.random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}
