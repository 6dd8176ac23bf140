/**
 * The part of the Asterisk REST Interface (ARI) data model the voice pipeline uses, typed from
 * Asterisk's rest-api/api-docs (channels.json, bridges.json, events.json, asterisk.json). Fields
 * we do not read are left out; unknown extra fields are harmless.
 */

export type AriChannelState =
  'Down' | 'Rsrved' | 'OffHook' | 'Dialing' | 'Ring' | 'Ringing' | 'Up' | 'Busy' | 'Dialing Offhook' | 'Pre-ring' | 'Unknown';

export interface AriCallerId {
  name: string;
  number: string;
}

export interface AriChannel {
  id: string;
  name: string;
  state: AriChannelState;
  caller: AriCallerId;
  connected: AriCallerId;
  accountcode?: string;
  dialplan?: { context: string; exten: string; priority: number; app_name?: string; app_data?: string };
  creationtime: string;
  language?: string;
  /** Channel variables, when Asterisk includes them (externalMedia returns UNICASTRTP_LOCAL_*). */
  channelvars?: Record<string, string>;
}

export interface AriBridge {
  id: string;
  technology: string;
  bridge_type: 'mixing' | 'holding';
  bridge_class: string;
  creator: string;
  name: string;
  channels: string[];
  creationtime?: string;
}

export interface AsteriskInfo {
  build?: { os: string; kernel: string; machine: string; options: string; date: string; user: string };
  system?: { version: string; entity_id: string };
  config?: Record<string, unknown>;
  status?: { startup_time: string; last_reload_time: string };
}

interface AriEventBase {
  application: string;
  timestamp: string;
  asterisk_id?: string;
}

export interface StasisStartEvent extends AriEventBase {
  type: 'StasisStart';
  args: string[];
  channel: AriChannel;
  replace_channel?: AriChannel;
}

export interface StasisEndEvent extends AriEventBase {
  type: 'StasisEnd';
  channel: AriChannel;
}

export interface ChannelStateChangeEvent extends AriEventBase {
  type: 'ChannelStateChange';
  channel: AriChannel;
}

export interface ChannelDestroyedEvent extends AriEventBase {
  type: 'ChannelDestroyed';
  /** Q.850 cause: 16 normal clearing, 17 busy, 18/19 no answer, 21 rejected, 34 congestion… */
  cause: number;
  cause_txt: string;
  channel: AriChannel;
}

export interface ChannelHangupRequestEvent extends AriEventBase {
  type: 'ChannelHangupRequest';
  cause?: number;
  soft?: boolean;
  channel: AriChannel;
}

export interface ChannelDtmfReceivedEvent extends AriEventBase {
  type: 'ChannelDtmfReceived';
  digit: string;
  duration_ms: number;
  channel: AriChannel;
}

export interface ChannelVarsetEvent extends AriEventBase {
  type: 'ChannelVarset';
  variable: string;
  value: string;
  channel?: AriChannel;
}

export interface ChannelEnteredBridgeEvent extends AriEventBase {
  type: 'ChannelEnteredBridge';
  bridge: AriBridge;
  channel?: AriChannel;
}

export interface ChannelLeftBridgeEvent extends AriEventBase {
  type: 'ChannelLeftBridge';
  bridge: AriBridge;
  channel: AriChannel;
}

export interface BridgeDestroyedEvent extends AriEventBase {
  type: 'BridgeDestroyed';
  bridge: AriBridge;
}

export interface DialEvent extends AriEventBase {
  type: 'Dial';
  dialstatus: string;
  peer: AriChannel;
  caller?: AriChannel;
  forward?: string;
  dialstring?: string;
}

export interface AriPlayback {
  id: string;
  media_uri: string;
  target_uri: string;
  state: 'queued' | 'playing' | 'continuing' | 'done' | 'failed';
}

export interface PlaybackFinishedEvent extends AriEventBase {
  type: 'PlaybackFinished';
  playback: AriPlayback;
}

/** The events the pipeline handles; any other `type` on the wire is ignored. */
export type AriEvent =
  | StasisStartEvent
  | StasisEndEvent
  | ChannelStateChangeEvent
  | ChannelDestroyedEvent
  | ChannelHangupRequestEvent
  | ChannelDtmfReceivedEvent
  | ChannelVarsetEvent
  | ChannelEnteredBridgeEvent
  | ChannelLeftBridgeEvent
  | BridgeDestroyedEvent
  | DialEvent
  | PlaybackFinishedEvent;

export type AriEventType = AriEvent['type'];
export type AriEventOf<T extends AriEventType> = Extract<AriEvent, { type: T }>;

export const ARI_EVENT_TYPES: ReadonlySet<AriEventType> = new Set<AriEventType>([
  'StasisStart',
  'StasisEnd',
  'ChannelStateChange',
  'ChannelDestroyed',
  'ChannelHangupRequest',
  'ChannelDtmfReceived',
  'ChannelVarset',
  'ChannelEnteredBridge',
  'ChannelLeftBridge',
  'BridgeDestroyed',
  'Dial',
  'PlaybackFinished',
]);

/** Q.850 / Asterisk hangup causes the pipeline distinguishes. */
export const HangupCause = {
  UNALLOCATED: 1,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  CALL_REJECTED: 21,
  NUMBER_CHANGED: 22,
  DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28,
  NORMAL_UNSPECIFIED: 31,
  CONGESTION: 34,
  NORMAL_TEMPORARY_FAILURE: 41,
} as const;

export type CallAttemptOutcome = 'completed' | 'busy' | 'no_answer' | 'failed';

/**
 * What a ChannelDestroyed cause means for a call attempt. Before answer: 17 → busy, 18/19 →
 * no answer, anything else → failed; after answer, every cause is a normal end of the call.
 */
export function outcomeOfHangupCause(cause: number, answered: boolean): CallAttemptOutcome {
  if (answered) return 'completed';
  if (cause === HangupCause.USER_BUSY) return 'busy';
  if (cause === HangupCause.NO_ANSWER || cause === HangupCause.NO_USER_RESPONSE) return 'no_answer';
  return 'failed';
}
