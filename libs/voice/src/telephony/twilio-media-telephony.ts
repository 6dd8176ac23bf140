import WebSocket from 'ws';
import { wsText } from '../ws-text';
import type { FlushResult, PlayoutOptions, PlayoutPacer, PlayoutQueue } from '../media/pacer';
import type { CallLeg, CallLegEvents, DialRequest, LegEndDetail, LegEndOutcome, TelephonyProvider } from './telephony';

/** Twilio call statuses (status callback `CallStatus`) the leg understands. */
export type TwilioCallStatus =
  'queued' | 'initiated' | 'ringing' | 'in-progress' | 'answered' | 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';

export interface TwilioMediaTelephonyOptions {
  pacer: PlayoutPacer;
  /**
   * Places the call over Twilio's REST API (TwiML `<Connect><Stream>` with a `callId`
   * `<Parameter>`); resolves with the CallSid. Without it, `dial` only waits for the stream
   * (inbound calls, or a caller that creates the call itself and calls `bindCallSid`).
   */
  placeCall?: (request: DialRequest) => Promise<string>;
  /** Ends the call over REST (hang-up while ringing, or belt and braces after the stream closed). */
  endCall?: (callSid: string) => Promise<void>;
  playout?: PlayoutOptions;
  onError?: (error: Error) => void;
}

const EMPTY_FLUSH: FlushResult = { itemId: undefined, playedMs: 0, discardedMs: 0 };

interface StartMessage {
  streamSid?: string;
  start?: { callSid?: string; streamSid?: string; customParameters?: Record<string, string> };
}

/**
 * Twilio Media Streams: the WebSocket on which Twilio streams the call's µ-law audio (`connected`,
 * `start`, `media`, `mark`, `stop`) and plays ours back (`media` paced by the shared pacer, `mark`,
 * `clear` on barge-in). A stream is matched to its call by the `callId` custom parameter, else by
 * its CallSid. REST call creation and status webhooks are wired by the caller (`placeCall`,
 * `handleStatus`).
 */
export class TwilioMediaTelephony implements TelephonyProvider {
  readonly name = 'twilio' as const;
  private readonly legs = new Map<string, TwilioLeg>();
  private readonly byCallSid = new Map<string, TwilioLeg>();
  /** Streams refused because no live call matched them. */
  refusedStreams = 0;

  constructor(readonly options: TwilioMediaTelephonyOptions) {}

  get liveLegs(): number {
    return this.legs.size;
  }

  dial(request: DialRequest, events: CallLegEvents): CallLeg {
    if (this.legs.has(request.callId)) throw new Error(`a leg for call ${request.callId} already exists`);
    const leg = new TwilioLeg(this, request.callId, events);
    this.legs.set(request.callId, leg);
    if (request.direction === 'inbound') {
      if (request.inboundRef) this.bindCallSid(request.callId, request.inboundRef);
    } else if (this.options.placeCall) {
      this.options.placeCall(request).then(
        (callSid) => this.bindCallSid(request.callId, callSid),
        (err: unknown) => {
          this.report(err, 'place call');
          leg.remoteEnded('failed', 'dial_failed');
        },
      );
    }
    return leg;
  }

  /** Associates Twilio's CallSid with our call (status callbacks and streams carry it). */
  bindCallSid(callId: string, callSid: string): void {
    const leg = this.legs.get(callId);
    if (!leg) return;
    leg.callSid = callSid;
    this.byCallSid.set(callSid, leg);
  }

  /** A status callback (webhook, wired later): ringing, and the ends that never reach a stream. */
  handleStatus(callSidOrCallId: string, status: TwilioCallStatus): void {
    const leg = this.byCallSid.get(callSidOrCallId) ?? this.legs.get(callSidOrCallId);
    if (!leg) return;
    switch (status) {
      case 'ringing':
        return leg.ringing();
      case 'busy':
        return leg.remoteEnded('busy', 'remote_hangup');
      case 'no-answer':
        return leg.remoteEnded('no_answer', 'remote_hangup');
      case 'failed':
      case 'canceled':
        return leg.remoteEnded('failed', 'dial_failed');
      case 'completed':
        return leg.remoteEnded(leg.wasAnswered ? 'completed' : 'failed', 'remote_hangup');
      case 'queued':
      case 'initiated':
      case 'in-progress':
      case 'answered':
        return; // the stream's `start` is what answers the call
    }
  }

  /** One Media Streams WebSocket (from the `/v1/twilio/media` upgrade). */
  handleConnection(ws: WebSocket): void {
    let leg: TwilioLeg | undefined;
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) return;
      let message: { event?: unknown } & Record<string, unknown>;
      try {
        message = JSON.parse(wsText(data)) as typeof message;
      } catch {
        return;
      }
      switch (message.event) {
        case 'start': {
          if (leg) return;
          const start = message as StartMessage;
          const callId = start.start?.customParameters?.callId;
          const callSid = start.start?.callSid;
          const found =
            (callId !== undefined ? this.legs.get(callId) : undefined) ?? (callSid !== undefined ? this.byCallSid.get(callSid) : undefined);
          const streamSid = start.start?.streamSid ?? start.streamSid;
          if (!found || !streamSid || found.attached) {
            this.refusedStreams++;
            ws.close(1008, 'unknown call');
            return;
          }
          leg = found;
          if (callSid && !found.callSid) this.bindCallSid(found.callId, callSid);
          found.attach(ws, streamSid);
          return;
        }
        case 'media': {
          const media = message.media as { payload?: unknown; track?: unknown } | undefined;
          if (leg && typeof media?.payload === 'string' && (media.track === undefined || media.track === 'inbound')) {
            leg.inbound(Buffer.from(media.payload, 'base64'));
          }
          return;
        }
        case 'mark': {
          const name = (message.mark as { name?: unknown } | undefined)?.name;
          if (leg && typeof name === 'string') leg.markEchoed(name);
          return;
        }
        case 'stop':
          leg?.remoteEnded('completed', 'remote_hangup');
          return;
        default:
          return; // connected, dtmf
      }
    });
    ws.on('error', (err) => this.report(err, 'media stream'));
    ws.on('close', () => leg?.remoteEnded('completed', 'stream_lost'));
  }

  /** @internal */
  forget(leg: TwilioLeg): void {
    if (this.legs.get(leg.callId) === leg) this.legs.delete(leg.callId);
    if (leg.callSid && this.byCallSid.get(leg.callSid) === leg) this.byCallSid.delete(leg.callSid);
  }

  /** @internal */
  report(err: unknown, operation: string): void {
    const error = new Error(`Twilio ${operation} failed: ${err instanceof Error ? err.message : String(err)}`);
    error.cause = err;
    this.options.onError?.(error);
  }
}

/** @internal one call on Twilio Media Streams. */
export class TwilioLeg implements CallLeg {
  callSid: string | undefined;
  private ws: WebSocket | undefined;
  private streamSid = '';
  private readonly queue: PlayoutQueue;
  private answered = false;
  private rang = false;
  private closed = false;
  private endNotified = false;
  private hangingUp: Promise<void> | undefined;
  /** Marks waiting for the frames queued before them to be sent: [name, frames-sent target]. */
  private readonly pendingMarks: [string, number][] = [];
  /** Marks Twilio echoed (its playback reached them). */
  readonly echoedMarks: string[] = [];
  clearsSent = 0;

  constructor(
    private readonly owner: TwilioMediaTelephony,
    readonly callId: string,
    private readonly events: CallLegEvents,
  ) {
    this.queue = owner.options.pacer.register((frame) => this.sendFrame(frame), owner.options.playout);
  }

  get attached(): boolean {
    return this.ws !== undefined;
  }

  get wasAnswered(): boolean {
    return this.answered;
  }

  get isPlaying(): boolean {
    return this.queue.isPlaying;
  }

  get queuedMs(): number {
    return this.queue.queuedMs;
  }

  play(audio: Uint8Array, itemId?: string): number {
    return this.closed || !this.ws ? 0 : this.queue.enqueue(audio, itemId);
  }

  flush(): FlushResult {
    if (this.closed) return EMPTY_FLUSH;
    const result = this.queue.flush();
    this.send(`{"event":"clear","streamSid":"${this.streamSid}"}`);
    this.clearsSent++;
    for (const [name] of this.pendingMarks.splice(0)) this.sendMark(name);
    return result;
  }

  mark(name: string): void {
    if (this.closed || !this.ws) return;
    if (this.queue.queuedFrames === 0) this.sendMark(name);
    else this.pendingMarks.push([name, this.queue.stats.framesSent + this.queue.queuedFrames]);
  }

  hangup(): Promise<void> {
    this.hangingUp ??= this.teardown();
    return this.hangingUp;
  }

  /** @internal */
  ringing(): void {
    if (this.closed || this.rang || this.answered) return;
    this.rang = true;
    this.events.ringing();
  }

  /** @internal the stream started: the call is answered and media flows both ways. */
  attach(ws: WebSocket, streamSid: string): void {
    if (this.closed) {
      ws.close(1000);
      return;
    }
    this.ws = ws;
    this.streamSid = streamSid;
    this.answered = true;
    this.events.answered();
    this.events.mediaUp();
  }

  /** @internal */
  inbound(frame: Buffer): void {
    if (!this.closed) this.events.audio(frame);
  }

  /** @internal */
  markEchoed(name: string): void {
    this.echoedMarks.push(name);
  }

  /** @internal */
  remoteEnded(outcome: LegEndOutcome, detail: LegEndDetail): void {
    if (this.endNotified || this.closed) return;
    this.endNotified = true;
    this.events.ended(outcome, detail);
  }

  private sendFrame(frame: Buffer): void {
    this.send(`{"event":"media","streamSid":"${this.streamSid}","media":{"payload":"${frame.toString('base64')}"}}`);
    while (this.pendingMarks.length > 0 && this.queue.stats.framesSent >= this.pendingMarks[0][1]) {
      this.sendMark((this.pendingMarks.shift() as [string, number])[0]);
    }
  }

  private sendMark(name: string): void {
    this.send(JSON.stringify({ event: 'mark', streamSid: this.streamSid, mark: { name } }));
  }

  private send(text: string): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  private async teardown(): Promise<void> {
    this.closed = true;
    this.queue.close();
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(1000, 'call ended');
      });
    }
    const callSid = this.callSid;
    if (callSid && this.owner.options.endCall) {
      await this.owner.options.endCall(callSid).catch((err: unknown) => this.owner.report(err, 'end call'));
    }
    this.owner.forget(this);
  }
}
