import { seqDelta } from './rtp';

export interface Sequenced {
  /** 16-bit RTP sequence number. */
  sequenceNumber: number;
}

/**
 * What happened to a pushed packet:
 * - `accepted`: stored, released by `pop()` in order;
 * - `duplicate`: the same sequence number is already waiting;
 * - `late`: its turn has passed (released, or declared lost) — dropped;
 * - `resync`: so far from the expected sequence that the stream must have restarted; the buffer
 *   restarted at this packet (anything waiting was dropped).
 */
export type JitterPushResult = 'accepted' | 'duplicate' | 'late' | 'resync';

export interface JitterBufferOptions {
  /** Slots (packets) the buffer can hold ahead of the next expected one; a power of two. Default 32 (640 ms). */
  capacity?: number;
  /**
   * Packets that may wait behind a missing one before it is declared lost and skipped. Default 2:
   * a lost packet delays the next ones by at most 40 ms; in-order packets are never delayed.
   */
  maxWaiting?: number;
  /** A packet older than this many sequence numbers restarts the buffer instead of counting as late. */
  maxMisorder?: number;
}

export interface JitterStats {
  accepted: number;
  released: number;
  duplicates: number;
  late: number;
  lost: number;
  resyncs: number;
  /** Packets dropped by a resync or a reset. */
  discarded: number;
}

/**
 * A small reordering buffer for one RTP stream. In-order packets pass straight through (`push`
 * then `pop` on arrival: no added latency); an out-of-order packet waits for the missing one
 * until `maxWaiting` packets queue behind the gap, then the gap is skipped. Sequence numbers wrap
 * (65535 → 0). Memory is bounded by `capacity`.
 */
export class JitterBuffer<T extends Sequenced> {
  private readonly capacity: number;
  private readonly maxWaiting: number;
  private readonly maxMisorder: number;
  private readonly slots: (T | undefined)[];
  private expected: number | undefined;
  private waiting = 0;
  readonly stats: JitterStats = { accepted: 0, released: 0, duplicates: 0, late: 0, lost: 0, resyncs: 0, discarded: 0 };

  constructor(options: JitterBufferOptions = {}) {
    this.capacity = options.capacity ?? 32;
    this.maxWaiting = options.maxWaiting ?? 2;
    this.maxMisorder = options.maxMisorder ?? 100;
    // A power of two divides 65536, so slot = seq % capacity stays consistent across the wrap.
    if (!Number.isInteger(this.capacity) || this.capacity < 2 || this.capacity > 0x4000 || (this.capacity & (this.capacity - 1)) !== 0) {
      throw new RangeError('JitterBuffer: capacity must be a power of two in 2..16384');
    }
    if (!Number.isInteger(this.maxWaiting) || this.maxWaiting < 0 || this.maxWaiting >= this.capacity) {
      throw new RangeError('JitterBuffer: maxWaiting must be 0..capacity-1');
    }
    this.slots = new Array<T | undefined>(this.capacity).fill(undefined);
  }

  /** Packets waiting to be released. */
  get size(): number {
    return this.waiting;
  }

  /** The sequence number `pop()` releases next (undefined before the first packet). */
  get nextSequence(): number | undefined {
    return this.expected;
  }

  push(packet: T): JitterPushResult {
    const seq = packet.sequenceNumber & 0xffff;
    if (this.expected === undefined) this.expected = seq;
    const ahead = seqDelta(seq, this.expected);
    if (ahead < 0 && -ahead <= this.maxMisorder) {
      this.stats.late++;
      return 'late';
    }
    if (ahead < 0 || ahead >= this.capacity) {
      // Too far either way to be jitter: the sender restarted or skipped; follow it.
      this.stats.resyncs++;
      this.clear();
      this.expected = seq;
      this.store(seq, packet);
      return 'resync';
    }
    const slot = seq % this.capacity;
    if (this.slots[slot] !== undefined) {
      this.stats.duplicates++;
      return 'duplicate';
    }
    this.store(seq, packet);
    return 'accepted';
  }

  /**
   * The next packet in sequence order, or undefined when the next one is missing and fewer than
   * `maxWaiting + 1` packets wait behind the gap (call again after the next push).
   */
  pop(): T | undefined {
    if (this.expected === undefined || this.waiting === 0) return undefined;
    let slot = this.expected % this.capacity;
    if (this.slots[slot] === undefined) {
      if (this.waiting <= this.maxWaiting) return undefined;
      // Give up on the gap: skip to the oldest waiting packet.
      do {
        this.stats.lost++;
        this.expected = (this.expected + 1) & 0xffff;
        slot = this.expected % this.capacity;
      } while (this.slots[slot] === undefined);
    }
    return this.take(slot);
  }

  /** Releases everything waiting, in order, skipping gaps (end of stream). */
  drain(): T[] {
    const out: T[] = [];
    while (this.waiting > 0 && this.expected !== undefined) {
      const slot = this.expected % this.capacity;
      if (this.slots[slot] === undefined) {
        this.stats.lost++;
        this.expected = (this.expected + 1) & 0xffff;
        continue;
      }
      out.push(this.take(slot));
    }
    return out;
  }

  /** Forgets the stream (e.g. the sender's SSRC changed): the next packet starts it again. */
  reset(): void {
    this.clear();
    this.expected = undefined;
  }

  private store(seq: number, packet: T): void {
    this.slots[seq % this.capacity] = packet;
    this.waiting++;
    this.stats.accepted++;
  }

  private take(slot: number): T {
    const packet = this.slots[slot] as T;
    this.slots[slot] = undefined;
    this.waiting--;
    this.expected = ((this.expected as number) + 1) & 0xffff;
    this.stats.released++;
    return packet;
  }

  private clear(): void {
    if (this.waiting > 0) {
      this.stats.discarded += this.waiting;
      this.slots.fill(undefined);
      this.waiting = 0;
    }
  }
}
