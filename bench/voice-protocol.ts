// Shared by the voice call benches (bench/voice-*.bench.ts) and their fake-world child process
// (bench/voice-world.ts): the IPC messages, the audio markers and the cross-process clock.
// Not a benchmark module.

/**
 * Milliseconds (µs resolution) on CLOCK_MONOTONIC. `process.hrtime` reads the same system-wide
 * clock in every process of the machine (Linux), so a time taken in the fake world (child process)
 * and one taken in the pipeline (this process) can be subtracted; `performance.now()` cannot (its
 * origin is per process).
 */
export function monoMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

/** Caller audio made by the world: payload [0..7] send time (monoMs, f64 LE), [8..11] magic, [12..15] call index. */
export const INBOUND_MAGIC = 0xb1a2c3d4;
/** AI audio made by the world: every 20 ms frame starts with [0..3] magic, [4..7] call index, [8..11] response tag. */
export const AI_MAGIC = 0xa1b2c3d4;

export const FRAME_BYTES = 160;

/** Where the fakes listen (sent once the world has started). */
export interface WorldInfo {
  ari: { url: string; username: string; password: string };
  openaiBaseUrl: string;
}

/** One call as the world sees it: its index (the audio marker) and how to find its two ends. */
export interface WorldCall {
  callId: string;
  index: number;
  /** Asterisk mode: the ARI channel of the call (the world finds the bridged media leg). */
  channelId?: string;
}

export interface CrossTalk {
  /** Caller frames checked at the fake AI (marker present) and those carrying another call's marker. */
  inboundChecked: number;
  inboundWrong: number;
  /** AI frames received on the fake Asterisk legs and those carrying another call's marker. */
  outboundChecked: number;
  outboundWrong: number;
}

export interface BargeInSample {
  /** speech_started sent → last AI frame of the interrupted answer on the wire (≥ 0). */
  stopMs: number;
  /** Signed: negative when the last frame had left before speech_started was sent. */
  lastFrameMs: number;
  framesAfter: number;
  /** speech_started sent → response.cancel / conversation.item.truncate received (NaN: never). */
  cancelMs: number;
  truncateMs: number;
  /** AI frames of the interrupted answer that arrived more than 250 ms after speech_started. */
  lateFrames: number;
}

export interface AlertSent {
  itemId: string;
  /** monoMs just before the transcript delta was written to the socket. */
  at: number;
}

export type WorldCommand =
  | { id: number; type: 'openRaw'; count: number }
  | { id: number; type: 'attach'; mode: 'asterisk' | 'raw'; calls: WorldCall[]; targets?: number[] }
  | { id: number; type: 'load'; durationMs: number; warmupMs: number; alerts: number; aiAudio: boolean; aiFrom?: number }
  | { id: number; type: 'stopLoad' }
  | { id: number; type: 'bargein'; perCall: number; legs?: number }
  | { id: number; type: 'alerts'; count: number; spacingMs: number }
  | { id: number; type: 'detach' }
  | { id: number; type: 'leaks'; settleMs: number }
  | { id: number; type: 'stop' };

export type WorldReply =
  | { id: 0; type: 'started'; info: WorldInfo }
  | { id: 0; type: 'measuring' }
  | { id: number; type: 'ok' }
  | { id: number; type: 'error'; message: string }
  | { id: number; type: 'rawPorts'; ports: number[] }
  | {
      id: number;
      type: 'loadDone';
      inboundSent: number;
      aiFramesReceived: number;
      /** AI frames on the fake Asterisk legs per call per second during the window (50 when paced right). */
      aiFramesPerCallSecond: number;
      crossTalk: CrossTalk;
      alerts: AlertSent[];
      busyPct: number;
    }
  | { id: number; type: 'bargeinDone'; samples: BargeInSample[]; crossTalk: CrossTalk }
  | { id: number; type: 'alertsDone'; alerts: AlertSent[] }
  | { id: number; type: 'leaks'; channels: number; bridges: number; mediaSockets: number; aiOpen: number };
