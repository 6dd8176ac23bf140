/**
 * RTP (RFC 3550) for the Asterisk leg: PCMU (payload type 0), 8 kHz, 20 ms = 160 samples = 160
 * bytes per packet. Parsing never copies the payload (it is a view into the datagram); building
 * writes one 12-byte header in front of the payload.
 */

export const RTP_VERSION = 2;
export const RTP_HEADER_BYTES = 12;
/** RTP/AVP static payload type of G.711 µ-law (RFC 3551). */
export const PAYLOAD_TYPE_PCMU = 0;
export const RTP_CLOCK_RATE = 8000;
export const FRAME_MS = 20;
/** Samples (= µ-law bytes) per 20 ms frame at 8 kHz. */
export const SAMPLES_PER_FRAME = (RTP_CLOCK_RATE * FRAME_MS) / 1000;

export interface RtpHeader {
  marker: boolean;
  payloadType: number;
  /** 16-bit, wraps 65535 → 0. */
  sequenceNumber: number;
  /** 32-bit unsigned, in samples; wraps 2^32 − 1 → 0. */
  timestamp: number;
  /** 32-bit unsigned synchronisation source. */
  ssrc: number;
}

export interface RtpPacket extends RtpHeader {
  padding: boolean;
  extension: boolean;
  csrcs: readonly number[];
  /** The media bytes: a view into the received datagram (padding and extension excluded). */
  payload: Buffer;
}

export type RtpParseFailure = 'too-short' | 'bad-version' | 'bad-length';

const NO_CSRCS: readonly number[] = Object.freeze([]);

/**
 * Parses one RTP datagram; returns the reason instead of throwing on anything malformed (the
 * network decides what arrives, so malformed input is data, not a bug).
 */
export function parseRtp(datagram: Buffer): RtpPacket | RtpParseFailure {
  if (datagram.length < RTP_HEADER_BYTES) return 'too-short';
  const b0 = datagram[0];
  if (b0 >> 6 !== RTP_VERSION) return 'bad-version';
  const padding = (b0 & 0x20) !== 0;
  const extension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  const b1 = datagram[1];
  let offset = RTP_HEADER_BYTES + csrcCount * 4;
  if (offset > datagram.length) return 'bad-length';
  let csrcs = NO_CSRCS;
  if (csrcCount > 0) {
    const list: number[] = [];
    for (let i = 0; i < csrcCount; i++) list.push(datagram.readUInt32BE(RTP_HEADER_BYTES + i * 4));
    csrcs = list;
  }
  if (extension) {
    if (offset + 4 > datagram.length) return 'bad-length';
    offset += 4 + datagram.readUInt16BE(offset + 2) * 4;
    if (offset > datagram.length) return 'bad-length';
  }
  let end = datagram.length;
  if (padding) {
    const padBytes = datagram[end - 1];
    if (padBytes === 0 || end - padBytes < offset) return 'bad-length';
    end -= padBytes;
  }
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: datagram.readUInt16BE(2),
    timestamp: datagram.readUInt32BE(4),
    ssrc: datagram.readUInt32BE(8),
    padding,
    extension,
    csrcs,
    payload: datagram.subarray(offset, end),
  };
}

export function isRtpPacket(value: RtpPacket | RtpParseFailure): value is RtpPacket {
  return typeof value !== 'string';
}

/** Writes the fixed 12-byte header (no CSRC, no extension, no padding) at `offset`. */
export function writeRtpHeader(target: Buffer, header: RtpHeader, offset = 0): void {
  target[offset] = RTP_VERSION << 6;
  target[offset + 1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
  target.writeUInt16BE(header.sequenceNumber & 0xffff, offset + 2);
  target.writeUInt32BE(header.timestamp >>> 0, offset + 4);
  target.writeUInt32BE(header.ssrc >>> 0, offset + 8);
}

/** A new datagram: header + a copy of the payload. */
export function buildRtp(header: RtpHeader, payload: Uint8Array): Buffer {
  const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.length);
  writeRtpHeader(packet, header);
  packet.set(payload, RTP_HEADER_BYTES);
  return packet;
}

/**
 * Signed distance `a − b` between two 16-bit sequence numbers, taking wrap-around into account
 * (RFC 3550 A.1 style): positive when `a` is newer. Range −32768..32767.
 */
export function seqDelta(a: number, b: number): number {
  return ((((a - b) & 0xffff) + 0x8000) & 0xffff) - 0x8000;
}

/** Random 32-bit unsigned (SSRC, initial timestamp) or 16-bit (initial sequence) values. */
export type RandomSource = () => number;

function randomUint(random: RandomSource, bits: 16 | 32): number {
  return bits === 16 ? Math.floor(random() * 0x10000) & 0xffff : Math.floor(random() * 0x100000000) >>> 0;
}

export interface RtpPacketizerOptions {
  ssrc?: number;
  initialSequence?: number;
  initialTimestamp?: number;
  payloadType?: number;
  samplesPerFrame?: number;
  /** For SSRC and the random initial sequence/timestamp RFC 3550 asks for; default Math.random. */
  random?: RandomSource;
}

/**
 * Egress RTP for one stream: sequence numbers +1 per packet (16-bit wrap), timestamps + one
 * frame of samples per packet (32-bit wrap), the marker bit on the first packet of every talkspurt,
 * and timestamps that keep advancing across silence (`silence()`), so a receiver schedules the
 * next talkspurt at the right time.
 */
export class RtpPacketizer {
  readonly ssrc: number;
  readonly payloadType: number;
  readonly samplesPerFrame: number;
  private seq: number;
  private ts: number;
  private talkspurtStart = true;
  private sent = 0;

  constructor(options: RtpPacketizerOptions = {}) {
    const random = options.random ?? Math.random;
    this.ssrc = (options.ssrc ?? randomUint(random, 32)) >>> 0;
    this.seq = (options.initialSequence ?? randomUint(random, 16)) & 0xffff;
    this.ts = (options.initialTimestamp ?? randomUint(random, 32)) >>> 0;
    this.payloadType = options.payloadType ?? PAYLOAD_TYPE_PCMU;
    this.samplesPerFrame = options.samplesPerFrame ?? SAMPLES_PER_FRAME;
  }

  /** Sequence number the next packet will carry. */
  get nextSequence(): number {
    return this.seq;
  }

  /** Timestamp the next packet will carry. */
  get nextTimestamp(): number {
    return this.ts;
  }

  get packetsSent(): number {
    return this.sent;
  }

  /** The next packet of the current talkspurt (marker set if it is the first of one). */
  packetize(payload: Uint8Array): Buffer {
    const packet = buildRtp(
      { marker: this.talkspurtStart, payloadType: this.payloadType, sequenceNumber: this.seq, timestamp: this.ts, ssrc: this.ssrc },
      payload,
    );
    this.talkspurtStart = false;
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + this.samplesPerFrame) >>> 0;
    this.sent++;
    return packet;
  }

  /**
   * `samples` of silence were not sent: the timestamp advances by them (sequence numbers do not;
   * RFC 3550 §5.1) and the next packet starts a new talkspurt (marker bit).
   */
  silence(samples: number): void {
    if (samples < 0 || !Number.isFinite(samples)) throw new RangeError('silence: samples must be a non-negative number');
    this.ts = (this.ts + Math.round(samples)) >>> 0;
    this.talkspurtStart = true;
  }

  /** Marks the next packet as the start of a talkspurt without moving the timestamp. */
  startTalkspurt(): void {
    this.talkspurtStart = true;
  }
}
