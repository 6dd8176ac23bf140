import type { RemoteInfo } from 'node:dgram';
import { JitterBuffer, type JitterBufferOptions } from './jitter-buffer';
import type { FlushResult, PlayoutFrameInfo, PlayoutOptions, PlayoutPacer, PlayoutQueue } from './pacer';
import type { PortLease, RtpPortPool } from './port-pool';
import { PAYLOAD_TYPE_PCMU, RTP_CLOCK_RATE, RtpPacketizer, isRtpPacket, parseRtp, type RtpPacketizerOptions } from './rtp';

/** One 20 ms frame of the caller's audio, in sequence order. */
export interface InboundFrame {
  /** µ-law bytes (RTP PCMU payload: what OpenAI `audio/pcmu` takes as is). */
  payload: Buffer;
  sequenceNumber: number;
  timestamp: number;
  marker: boolean;
}

export type RtpDropReason = 'unexpected-source' | 'no-remote' | 'malformed' | 'payload-type' | 'duplicate' | 'late';

export interface RtpEndpointStats {
  packetsReceived: number;
  framesDelivered: number;
  dropped: Record<RtpDropReason, number>;
  ssrcChanges: number;
  packetsSent: number;
  sendErrors: number;
  /** Paced frames with no remote to send to yet. */
  unsent: number;
}

export interface RtpRemote {
  address: string;
  /** Undefined: pin the address only and learn the port from the first packet. */
  port?: number;
}

export interface RtpEndpointOptions {
  pool: RtpPortPool;
  pacer: PlayoutPacer;
  onFrame: (frame: InboundFrame) => void;
  /** Asterisk's media address (UNICASTRTP_LOCAL_ADDRESS/PORT), when already known. */
  remote?: RtpRemote;
  /** With no remote configured, pin to the source of the first packet (symmetric RTP). Default false. */
  learnRemote?: boolean;
  /** Every dropped packet, for metrics or a rate-limited warning (carries no audio). */
  onDrop?: (reason: RtpDropReason, from: RemoteInfo) => void;
  onError?: (error: Error) => void;
  jitter?: JitterBufferOptions;
  playout?: PlayoutOptions;
  packetizer?: RtpPacketizerOptions;
}

/**
 * The media side of one Asterisk externalMedia channel: a pooled UDP port, source pinning (only
 * Asterisk's address/port is heard), RTP parsing and reordering on the way in, and paced RTP on
 * the way out. `close()` releases everything and is idempotent.
 */
export class RtpEndpoint {
  readonly stats: RtpEndpointStats = {
    packetsReceived: 0,
    framesDelivered: 0,
    dropped: { 'unexpected-source': 0, 'no-remote': 0, malformed: 0, 'payload-type': 0, duplicate: 0, late: 0 },
    ssrcChanges: 0,
    packetsSent: 0,
    sendErrors: 0,
    unsent: 0,
  };
  private remoteAddress: string | undefined;
  private remotePort: number | undefined;
  private readonly learn: boolean;
  private readonly jitter: JitterBuffer<InboundFrame>;
  private readonly packetizer: RtpPacketizer;
  private readonly playout: PlayoutQueue;
  private ssrc: number | undefined;
  private closed = false;

  private constructor(
    private readonly lease: PortLease,
    private readonly options: RtpEndpointOptions,
  ) {
    this.remoteAddress = options.remote?.address;
    this.remotePort = options.remote?.port;
    this.learn = options.learnRemote ?? false;
    this.jitter = new JitterBuffer<InboundFrame>(options.jitter);
    this.packetizer = new RtpPacketizer(options.packetizer);
    this.playout = options.pacer.register((frame, info) => this.sendFrame(frame, info), options.playout);
    lease.socket.on('message', (msg, from) => this.receive(msg, from));
    lease.socket.on('error', (err) => options.onError?.(err));
  }

  /** Binds a pooled port. Throws RtpPortsExhaustedError when none can be bound. */
  static async open(options: RtpEndpointOptions): Promise<RtpEndpoint> {
    const lease = await options.pool.acquire();
    return new RtpEndpoint(lease, options);
  }

  /** Our UDP port: the `external_host` port given to Asterisk. */
  get port(): number {
    return this.lease.port;
  }

  get remote(): RtpRemote | undefined {
    return this.remoteAddress === undefined ? undefined : { address: this.remoteAddress, port: this.remotePort };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Asterisk's media address, from UNICASTRTP_LOCAL_ADDRESS/PORT: from now on only it is heard. */
  setRemote(address: string, port?: number): void {
    this.remoteAddress = address;
    this.remotePort = port;
  }

  /** Queues µ-law audio for paced playout; returns the bytes accepted (the queue is bounded). */
  play(audio: Uint8Array, itemId?: string): number {
    return this.playout.enqueue(audio, itemId);
  }

  /** Barge-in: stop playout now; how much of the playing item was heard. */
  flush(): FlushResult {
    return this.playout.flush();
  }

  get playoutQueue(): PlayoutQueue {
    return this.playout;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.playout.close();
    this.lease.socket.removeAllListeners('message');
    this.lease.release();
    this.lease.socket.on('error', () => undefined); // a late send error after close is not news
  }

  private drop(reason: RtpDropReason, from: RemoteInfo): void {
    this.stats.dropped[reason]++;
    this.options.onDrop?.(reason, from);
  }

  private receive(datagram: Buffer, from: RemoteInfo): void {
    if (this.closed) return;
    this.stats.packetsReceived++;
    if (this.remoteAddress === undefined) {
      if (!this.learn) return this.drop('no-remote', from);
      this.remoteAddress = from.address;
      this.remotePort = from.port;
    } else if (from.address !== this.remoteAddress) {
      return this.drop('unexpected-source', from);
    } else if (this.remotePort === undefined) {
      this.remotePort = from.port;
    } else if (from.port !== this.remotePort) {
      return this.drop('unexpected-source', from);
    }
    const packet = parseRtp(datagram);
    if (!isRtpPacket(packet)) return this.drop('malformed', from);
    if (packet.payloadType !== PAYLOAD_TYPE_PCMU) return this.drop('payload-type', from); // e.g. comfort noise, DTMF events
    if (this.ssrc !== packet.ssrc) {
      if (this.ssrc !== undefined) {
        this.stats.ssrcChanges++;
        this.jitter.reset();
      }
      this.ssrc = packet.ssrc;
    }
    const result = this.jitter.push({
      payload: packet.payload,
      sequenceNumber: packet.sequenceNumber,
      timestamp: packet.timestamp,
      marker: packet.marker,
    });
    if (result === 'duplicate' || result === 'late') return this.drop(result, from);
    for (let frame = this.jitter.pop(); frame; frame = this.jitter.pop()) {
      this.stats.framesDelivered++;
      this.options.onFrame(frame);
      if (this.closed) return;
    }
  }

  private sendFrame(frame: Buffer, info: PlayoutFrameInfo): void {
    if (this.remoteAddress === undefined || this.remotePort === undefined) {
      this.stats.unsent++;
      this.packetizer.silence(this.packetizer.samplesPerFrame); // time still passes for the RTP clock
      return;
    }
    if (info.talkspurtStart) this.packetizer.silence((info.silenceMs * RTP_CLOCK_RATE) / 1000);
    const packet = this.packetizer.packetize(frame);
    this.stats.packetsSent++;
    this.lease.socket.send(packet, this.remotePort, this.remoteAddress, this.afterSend);
  }

  private readonly afterSend = (err: Error | null): void => {
    if (!err) return;
    this.stats.sendErrors++;
    this.options.onError?.(err);
  };
}
