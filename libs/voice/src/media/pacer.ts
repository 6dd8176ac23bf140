import { ULAW_FRAME_BYTES, ULAW_SILENCE } from './g711';
import { FRAME_MS } from './rtp';
import { createWakeTimer, systemMonotonicClock, type MonotonicClock, type WakeTimer } from './clock';

export interface PlayoutFrameInfo {
  /** First frame after the session was idle: the RTP marker bit, a new talkspurt. */
  talkspurtStart: boolean;
  /**
   * Whole-frame silence (ms) between the end of this session's previous frame and this one; 0
   * inside a talkspurt. The RTP timestamp advances by it.
   */
  silenceMs: number;
  /** When this frame was due on the session's grid (clock ms): lateness = now − dueAt. */
  dueAt: number;
  /** The item (e.g. the Realtime assistant item) the audio belongs to, as enqueued. */
  itemId: string | undefined;
}

/** Sends one 20 ms frame (e.g. RTP to Asterisk, or a Twilio `media` message). Must not throw. */
export type PlayoutSink = (frame: Buffer, info: PlayoutFrameInfo) => void;

export interface PlayoutOptions {
  /** Upper bound of queued audio; the excess of a larger burst is dropped and counted. Default 60 s. */
  maxQueuedMs?: number;
  /** Delay before the first frame of a talkspurt, absorbing bursty arrivals. Default 0. */
  prebufferMs?: number;
  /**
   * How late (ms) audio may arrive after the queue ran dry and still continue the talkspurt on
   * the same grid; later audio starts a new talkspurt. Default one frame.
   */
  underrunGraceMs?: number;
}

export interface FlushResult {
  /** The item that was playing (or about to play) when flushed. */
  itemId: string | undefined;
  /** Audio of that item actually sent to the patient, ms: `audio_end_ms` of conversation.item.truncate. */
  playedMs: number;
  /** Queued audio thrown away, ms. */
  discardedMs: number;
}

export interface PlayoutStats {
  framesSent: number;
  talkspurts: number;
  /** Frames dropped because the queue was full. */
  overflowFrames: number;
  /** Times a session fell more than `maxCatchUpFrames` behind and skipped ahead on its grid. */
  reanchors: number;
  flushes: number;
}

export interface PacerOptions {
  clock?: MonotonicClock;
  timer?: WakeTimer;
  frameMs?: number;
  frameBytes?: number;
  /** Frames due within this margin are sent in the current tick (fewer wake-ups). Default 1 ms. */
  earlyMs?: number;
  /** After a stall, at most this many overdue frames go out back to back. Default 10 (200 ms). */
  maxCatchUpFrames?: number;
  /** Called when a sink throws; the pacer keeps serving the other sessions. */
  onSinkError?: (error: unknown) => void;
}

/**
 * ONE pacing clock for every call. Each session (a `PlayoutQueue`) has a grid of deadlines
 * `anchor + k × 20 ms` from the start of its talkspurt; a tick sends every frame whose deadline
 * has come, so the rate is exact on average however late individual ticks fire (no per-call
 * `setInterval`, no drift). The pacer sleeps until the earliest deadline and does not wake at all
 * while no session has audio.
 */
export class PlayoutPacer {
  readonly clock: MonotonicClock;
  readonly frameMs: number;
  readonly frameBytes: number;
  private readonly timer: WakeTimer;
  private readonly earlyMs: number;
  readonly maxCatchUpFrames: number;
  private readonly onSinkError: (error: unknown) => void;
  private readonly active = new Set<PlayoutQueue>();
  private wakeAt = Number.POSITIVE_INFINITY;
  private closed = false;
  private ticking = false;
  ticks = 0;

  constructor(options: PacerOptions = {}) {
    this.clock = options.clock ?? systemMonotonicClock;
    this.timer = options.timer ?? createWakeTimer();
    this.frameMs = options.frameMs ?? FRAME_MS;
    this.frameBytes = options.frameBytes ?? ULAW_FRAME_BYTES;
    this.earlyMs = options.earlyMs ?? 1;
    this.maxCatchUpFrames = options.maxCatchUpFrames ?? 10;
    this.onSinkError = options.onSinkError ?? (() => undefined);
  }

  /** A playout queue for one call leg; `close()` it at teardown. */
  register(sink: PlayoutSink, options: PlayoutOptions = {}): PlayoutQueue {
    if (this.closed) throw new Error('PlayoutPacer is closed');
    return new PlayoutQueue(this, sink, options);
  }

  /** Sessions with audio queued or a talkspurt in progress. */
  get activeSessions(): number {
    return this.active.size;
  }

  /** Sends every due frame of every session; returns how many were sent. */
  tick(): number {
    this.ticks++;
    this.ticking = true;
    let sent = 0;
    try {
      const now = this.clock.now();
      for (const queue of this.active) sent += queue.service(now, now + this.earlyMs);
    } finally {
      this.ticking = false;
    }
    this.wakeAt = Number.POSITIVE_INFINITY;
    this.schedule();
    return sent;
  }

  /** Stops the clock; queues stay but nothing is sent any more. */
  close(): void {
    this.closed = true;
    this.timer.clear();
    this.active.clear();
  }

  /** @internal */
  activate(queue: PlayoutQueue): void {
    if (this.closed) return;
    this.active.add(queue);
    if (!this.ticking) this.schedule();
  }

  /** @internal */
  deactivate(queue: PlayoutQueue): void {
    this.active.delete(queue);
  }

  /** @internal */
  sinkFailed(error: unknown): void {
    this.onSinkError(error);
  }

  private schedule(): void {
    if (this.closed) return;
    let next = Number.POSITIVE_INFINITY;
    for (const queue of this.active) next = Math.min(next, queue.wakeDeadline());
    if (next === Number.POSITIVE_INFINITY) {
      this.timer.clear();
      this.wakeAt = next;
      return;
    }
    const wake = next - this.earlyMs;
    if (wake >= this.wakeAt) return; // an earlier wake-up is already armed
    this.wakeAt = wake;
    this.timer.set(wake - this.clock.now(), () => this.tick());
  }
}

/**
 * The bounded playout queue of one call leg. AI audio arrives faster than real time: `enqueue`
 * cuts it into frames and the shared pacer sends them on the session's 20 ms grid.
 */
export class PlayoutQueue {
  readonly stats: PlayoutStats = { framesSent: 0, talkspurts: 0, overflowFrames: 0, reanchors: 0, flushes: 0 };
  private readonly frames: (Buffer | undefined)[];
  private readonly items: (string | undefined)[];
  private head = 0;
  private length = 0;
  private readonly prebufferMs: number;
  private readonly graceMs: number;
  /** Partial frame waiting for more bytes. */
  private carry: Buffer | undefined;
  private carryBytes = 0;
  private carryItem: string | undefined;
  /** Talkspurt grid: frame k is due at anchor + k × frameMs. */
  private playing = false;
  private anchor = 0;
  private k = 0;
  /** End (ms) of the last frame sent; the next talkspurt never starts before it. */
  private lastEnd = Number.NEGATIVE_INFINITY;
  private playingItem: string | undefined;
  private playingItemFrames = 0;
  private closed = false;

  /** @internal use PlayoutPacer.register */
  constructor(
    private readonly pacer: PlayoutPacer,
    private readonly sink: PlayoutSink,
    options: PlayoutOptions,
  ) {
    const capacity = Math.max(1, Math.ceil((options.maxQueuedMs ?? 60_000) / pacer.frameMs));
    this.frames = new Array<Buffer | undefined>(capacity).fill(undefined);
    this.items = new Array<string | undefined>(capacity).fill(undefined);
    this.prebufferMs = options.prebufferMs ?? 0;
    this.graceMs = options.underrunGraceMs ?? pacer.frameMs;
  }

  /** Whole frames waiting (a partial frame counts when it exists). */
  get queuedFrames(): number {
    return this.length + (this.carryBytes > 0 ? 1 : 0);
  }

  get queuedMs(): number {
    return this.length * this.pacer.frameMs + (this.carryBytes * this.pacer.frameMs) / this.pacer.frameBytes;
  }

  /** True while a talkspurt is in progress (audio queued or just played). */
  get isPlaying(): boolean {
    return this.playing;
  }

  /**
   * Queues µ-law audio of any length (it is cut into 20 ms frames; a trailing partial frame waits
   * for the next chunk, or is padded with silence when its turn comes). Returns the bytes
   * accepted: less than given when the queue is full.
   */
  enqueue(audio: Uint8Array, itemId?: string): number {
    if (this.closed || audio.length === 0) return 0;
    const frameBytes = this.pacer.frameBytes;
    if (this.carryBytes > 0 && itemId !== this.carryItem) this.pushCarry();
    let offset = 0;
    let accepted = 0;
    if (this.carryBytes > 0) {
      const n = Math.min(frameBytes - this.carryBytes, audio.length);
      (this.carry as Buffer).set(audio.subarray(0, n), this.carryBytes);
      this.carryBytes += n;
      offset = n;
      accepted += n;
      if (this.carryBytes === frameBytes) {
        const frame = this.carry as Buffer;
        this.carry = undefined;
        this.carryBytes = 0;
        if (!this.push(frame, this.carryItem)) accepted -= frameBytes;
      }
    }
    const source = Buffer.isBuffer(audio) ? audio : Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength);
    while (audio.length - offset >= frameBytes) {
      if (this.push(source.subarray(offset, offset + frameBytes), itemId)) accepted += frameBytes;
      offset += frameBytes;
    }
    if (offset < audio.length) {
      if (this.length >= this.frames.length) {
        this.stats.overflowFrames++;
      } else {
        this.carry = Buffer.alloc(frameBytes, ULAW_SILENCE);
        this.carry.set(audio.subarray(offset), 0);
        this.carryBytes = audio.length - offset;
        this.carryItem = itemId;
        accepted += this.carryBytes;
      }
    }
    this.start();
    return accepted;
  }

  /**
   * Barge-in: drops everything queued at once and reports how much of the playing item the
   * patient actually heard (for `conversation.item.truncate` `audio_end_ms`).
   */
  flush(): FlushResult {
    const frameMs = this.pacer.frameMs;
    let itemId = this.playingItem;
    let playedMs = this.playingItemFrames * frameMs;
    const headItem = this.length > 0 ? this.items[this.head] : this.carryBytes > 0 ? this.carryItem : undefined;
    if ((this.length > 0 || this.carryBytes > 0) && headItem !== this.playingItem) {
      itemId = headItem; // the next item had not started yet: nothing of it was heard
      playedMs = 0;
    }
    const discardedMs = this.queuedMs;
    for (let i = 0; i < this.length; i++) {
      const slot = (this.head + i) % this.frames.length;
      this.frames[slot] = undefined;
      this.items[slot] = undefined;
    }
    this.head = 0;
    this.length = 0;
    this.carry = undefined;
    this.carryBytes = 0;
    this.carryItem = undefined;
    this.stats.flushes++;
    this.stop();
    return { itemId, playedMs, discardedMs };
  }

  /** Ms of `itemId` sent so far (0 when another item is playing). */
  playedMsOf(itemId: string | undefined): number {
    return itemId === this.playingItem ? this.playingItemFrames * this.pacer.frameMs : 0;
  }

  /** Unregisters from the pacer and drops the queue. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }

  /** @internal the earliest time this queue needs the pacer. */
  wakeDeadline(): number {
    if (!this.playing) return Number.POSITIVE_INFINITY;
    const due = this.anchor + this.k * this.pacer.frameMs;
    // Nothing queued: wake once the grace period is over, to end the talkspurt.
    return this.length > 0 || this.carryBytes > 0 ? due : due + this.graceMs;
  }

  /** @internal sends the frames due by `horizon`; returns how many. */
  service(now: number, horizon: number): number {
    if (!this.playing) {
      this.pacer.deactivate(this);
      return 0;
    }
    const frameMs = this.pacer.frameMs;
    let sent = 0;
    let due = this.anchor + this.k * frameMs;
    if (due <= horizon && this.length + (this.carryBytes > 0 ? 1 : 0) > 0) {
      const overdue = Math.floor((horizon - due) / frameMs) + 1;
      if (overdue > this.pacer.maxCatchUpFrames) {
        // A long stall (GC, blocked loop): don't burst seconds of audio; move the grid.
        this.anchor += (overdue - this.pacer.maxCatchUpFrames) * frameMs;
        this.stats.reanchors++;
        due = this.anchor + this.k * frameMs;
      }
    }
    while (due <= horizon) {
      let frame: Buffer | undefined;
      let itemId: string | undefined;
      if (this.length > 0) {
        frame = this.frames[this.head];
        itemId = this.items[this.head];
        this.frames[this.head] = undefined;
        this.items[this.head] = undefined;
        this.head = (this.head + 1) % this.frames.length;
        this.length--;
      } else if (this.carryBytes > 0) {
        frame = this.carry;
        itemId = this.carryItem;
        this.carry = undefined;
        this.carryBytes = 0;
        this.carryItem = undefined;
      }
      if (!frame) {
        if (horizon >= due + this.graceMs) this.stop();
        break;
      }
      const talkspurtStart = this.k === 0;
      const silenceMs =
        talkspurtStart && Number.isFinite(this.lastEnd) ? Math.max(0, Math.round((due - this.lastEnd) / frameMs)) * frameMs : 0;
      if (itemId !== this.playingItem) {
        this.playingItem = itemId;
        this.playingItemFrames = 0;
      }
      this.playingItemFrames++;
      this.k++;
      this.lastEnd = due + frameMs;
      this.stats.framesSent++;
      if (talkspurtStart) this.stats.talkspurts++;
      sent++;
      try {
        this.sink(frame, { talkspurtStart, silenceMs, dueAt: due, itemId });
      } catch (err) {
        this.pacer.sinkFailed(err);
      }
      due = this.anchor + this.k * frameMs;
    }
    return sent;
  }

  private push(frame: Buffer, itemId: string | undefined): boolean {
    if (this.length >= this.frames.length) {
      this.stats.overflowFrames++;
      return false;
    }
    const slot = (this.head + this.length) % this.frames.length;
    this.frames[slot] = frame;
    this.items[slot] = itemId;
    this.length++;
    return true;
  }

  private pushCarry(): void {
    const frame = this.carry as Buffer; // already padded with silence
    const itemId = this.carryItem;
    this.carry = undefined;
    this.carryBytes = 0;
    this.carryItem = undefined;
    this.push(frame, itemId);
  }

  /** Starts a talkspurt if idle (or if the previous one ran dry too long ago), then sends what is due. */
  private start(): void {
    const now = this.pacer.clock.now();
    const frameMs = this.pacer.frameMs;
    if (this.playing && now >= this.anchor + this.k * frameMs + this.graceMs) this.playing = false;
    if (!this.playing) {
      this.playing = true;
      this.anchor = Math.max(now + this.prebufferMs, this.lastEnd);
      this.k = 0;
    }
    // Frames already due leave now rather than at the next tick.
    if (this.anchor + this.k * frameMs <= now) this.service(now, now);
    if (this.playing) this.pacer.activate(this);
  }

  private stop(): void {
    this.playing = false;
    this.k = 0;
    this.pacer.deactivate(this);
  }
}
