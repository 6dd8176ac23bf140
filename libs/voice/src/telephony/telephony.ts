import type { FlushResult } from '../media/pacer';
import type { CallDirection } from '../call/ports';

/** How the telephone side of a call ended by itself (not by our hang-up). */
export type LegEndOutcome = 'completed' | 'no_answer' | 'busy' | 'failed';
export type LegEndDetail = 'remote_hangup' | 'dial_failed' | 'media_failed' | 'stream_lost';

/**
 * What a telephony provider tells the session about its leg, in order. Audio frames go straight
 * to the session (never onto a queue or the event bus).
 */
export interface CallLegEvents {
  ringing(): void;
  answered(): void;
  /** Both audio directions work: the AI may speak. */
  mediaUp(): void;
  /** One frame of the caller's audio (µ-law, usually 20 ms). */
  audio(frame: Buffer): void;
  /** The leg ended without us (patient hung up, no answer, busy, failure). Called at most once. */
  ended(outcome: LegEndOutcome, detail: LegEndDetail): void;
}

/** The session's handle on the telephone side of one call. */
export interface CallLeg {
  readonly callId: string;
  /** Queues AI audio (µ-law) for paced playout; returns the bytes accepted. */
  play(audio: Uint8Array, itemId?: string): number;
  /** Barge-in: drops queued audio at once (Twilio: also `clear`); how much of the item was heard. */
  flush(): FlushResult;
  /** A talkspurt is in progress (audio queued or just played). */
  readonly isPlaying: boolean;
  readonly queuedMs: number;
  /** Marks the end of an item's audio (Twilio `mark`; a no-op on RTP). */
  mark(name: string): void;
  /**
   * Hangs up (if still up) and releases everything the leg holds: bridge, media channel, UDP port,
   * playout registration, stream socket. Idempotent and memoised; never rejects.
   */
  hangup(): Promise<void>;
}

export interface DialRequest {
  callId: string;
  phoneNumber: string;
  direction: CallDirection;
  /**
   * Inbound calls: the provider's handle of the call that is already ringing in (Asterisk channel
   * id, Twilio CallSid). `dial` then answers it instead of placing a call.
   */
  inboundRef?: string;
}

/**
 * The telephone network: Asterisk (ARI + RTP) or Twilio Media Streams. `dial` returns the leg at
 * once; progress and failures arrive through `events` (a refused originate is `ended('failed')`).
 */
export interface TelephonyProvider {
  readonly name: 'asterisk' | 'twilio';
  dial(request: DialRequest, events: CallLegEvents): CallLeg;
}

export const TELEPHONY_PROVIDER = Symbol('TelephonyProvider');
