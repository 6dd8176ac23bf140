import { AriClient } from '../asterisk/ari-client';
import { outcomeOfHangupCause, type AriEvent } from '../asterisk/ari.types';
import type { FlushResult, PlayoutOptions, PlayoutPacer } from '../media/pacer';
import type { RtpPortPool } from '../media/port-pool';
import { RtpEndpoint } from '../media/rtp-endpoint';
import type { JitterBufferOptions } from '../media/jitter-buffer';
import type { CallLeg, CallLegEvents, DialRequest, LegEndDetail, LegEndOutcome, TelephonyProvider } from './telephony';

export interface AsteriskTelephonyOptions {
  ari: AriClient;
  pool: RtpPortPool;
  pacer: PlayoutPacer;
  /** RTP_HOST: the address Asterisk sends media to (`external_host` = RTP_HOST:<our port>). */
  rtpHost: string;
  /** ARI_DIAL_TEMPLATE, e.g. `PJSIP/{phone}@trunk`. */
  dialTemplate: string;
  /** Ring time before Asterisk gives up (ChannelDestroyed cause 19). Default 45 s. */
  ringTimeoutSec?: number;
  /** Prefix of every channel/bridge id we create. Default: the ARI app name. */
  idPrefix?: string;
  jitter?: JitterBufferOptions;
  playout?: PlayoutOptions;
  /** Failures (ARI, RTP); messages carry ids, never PHI. */
  onError?: (error: Error) => void;
  /** What an unknown inbound caller hears before the hang-up. Default `sound:bianca-unknown-caller` (deploy/asterisk/sounds). */
  unknownCallerMedia?: string;
  /** Longest wait for that message to finish before hanging up anyway. Default 20 s. */
  unknownCallerMaxMs?: number;
}

/** The ids of one call, all derived from our call id: events are correlated by them, never by order. */
export interface AsteriskCallIds {
  channelId: string;
  mediaChannelId: string;
  bridgeId: string;
}

const EMPTY_FLUSH: FlushResult = { itemId: undefined, playedMs: 0, discardedMs: 0 };

/** A call ringing in to our Stasis app (a patient calls the service number). */
export interface InboundAsteriskCall {
  channelId: string;
  /** The caller id number as the trunk presents it (may be empty or not E.164). */
  callerNumber: string;
}

/**
 * Asterisk over ARI + RTP. Per call: originate with a channel id derived from the call id; on its
 * StasisStart a mixing bridge, a pooled RTP port, ONE bidirectional externalMedia channel (pinned to
 * Asterisk's UNICASTRTP_LOCAL_ADDRESS/PORT) and both channels in the bridge. On (re)connection of
 * the ARI events socket, channels and bridges with our prefix that no live leg owns are hung up.
 */
export class AsteriskTelephony implements TelephonyProvider {
  readonly name = 'asterisk' as const;
  readonly ari: AriClient;
  private readonly prefix: string;
  private readonly legs = new Map<string, AsteriskLeg>();
  private readonly byChannel = new Map<string, AsteriskLeg>();
  private readonly unsubscribe: (() => void)[] = [];
  /** Channels and bridges hung up by reconciliation (metrics, tests). */
  reconciled = { channels: 0, bridges: 0 };
  private inboundHandler: ((call: InboundAsteriskCall) => void) | undefined;
  private readonly playbackWaiters = new Map<string, () => void>();

  constructor(readonly options: AsteriskTelephonyOptions) {
    this.ari = options.ari;
    this.prefix = options.idPrefix ?? options.ari.app;
  }

  /** Subscribes to ARI events and opens the events socket (reconnecting until `stop`). */
  start(): void {
    if (this.unsubscribe.length > 0) return;
    this.unsubscribe.push(
      this.ari.onEvent((event) => this.route(event)),
      this.ari.onConnectionChange(({ connected }) => {
        if (connected) void this.reconcile().catch((err: unknown) => this.report(err, 'reconcile'));
      }),
    );
    this.ari.connect();
  }

  /** Stops listening (live legs are not hung up: end their sessions first). */
  async stop(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await this.ari.close();
  }

  idsFor(callId: string): AsteriskCallIds {
    return {
      channelId: `${this.prefix}-${callId}`,
      mediaChannelId: `${this.prefix}-${callId}-media`,
      bridgeId: `${this.prefix}-${callId}-bridge`,
    };
  }

  /** The call id an id of ours belongs to (undefined: not ours). */
  callIdOf(id: string): string | undefined {
    if (!id.startsWith(`${this.prefix}-`)) return undefined;
    const rest = id.slice(this.prefix.length + 1);
    const match = /^(.+?)(-media|-bridge)?$/.exec(rest);
    return match?.[1];
  }

  get liveLegs(): number {
    return this.legs.size;
  }

  /**
   * Who takes calls that ring in (a channel entering our app that we did not create). Without a
   * handler they are left alone. The handler answers by dialling with `direction: 'inbound'` and
   * `inboundRef: channelId`, or hangs up with `rejectInbound`.
   */
  onInbound(handler: (call: InboundAsteriskCall) => void): void {
    this.inboundHandler = handler;
  }

  /**
   * An inbound call nobody takes (unknown caller, no capacity): answered, a short spoken message
   * (`unknownCallerMedia`), then hung up — bounded, and hung up even when the message fails.
   */
  async rejectInbound(channelId: string, options: { message?: boolean } = {}): Promise<void> {
    if (options.message !== false) {
      const playbackId = `${this.prefix}-reject-${channelId}`;
      const finished = new Promise<void>((resolve) => {
        this.playbackWaiters.set(playbackId, resolve);
        setTimeout(resolve, this.options.unknownCallerMaxMs ?? 20_000).unref();
      });
      try {
        await this.ari.answer(channelId);
        await this.ari.play(channelId, this.options.unknownCallerMedia ?? 'sound:bianca-unknown-caller', playbackId);
        await finished;
      } catch (err) {
        this.report(err, 'unknown caller message');
      } finally {
        this.playbackWaiters.delete(playbackId);
      }
    }
    await this.ari.hangup(channelId).catch((err: unknown) => this.report(err, 'reject inbound'));
  }

  dial(request: DialRequest, events: CallLegEvents): CallLeg {
    if (this.legs.has(request.callId)) throw new Error(`a leg for call ${request.callId} already exists`);
    const ids = this.idsFor(request.callId);
    const inbound = request.direction === 'inbound' && request.inboundRef !== undefined;
    if (inbound) ids.channelId = request.inboundRef as string; // the caller's channel, already in our app
    const leg = new AsteriskLeg(this, request.callId, ids, events);
    this.legs.set(request.callId, leg);
    this.byChannel.set(leg.ids.channelId, leg);
    this.byChannel.set(leg.ids.mediaChannelId, leg);
    if (inbound) leg.acceptInbound();
    else leg.originate(this.options.dialTemplate.replace('{phone}', request.phoneNumber), this.options.ringTimeoutSec ?? 45);
    return leg;
  }

  /**
   * Hangs up every channel and destroys every bridge carrying our prefix that no live leg owns
   * (left over from a crash or a lost events socket). Returns what was removed.
   */
  async reconcile(): Promise<{ channels: number; bridges: number }> {
    const [channels, bridges] = await Promise.all([this.ari.listChannels(), this.ari.listBridges()]);
    let removedChannels = 0;
    let removedBridges = 0;
    for (const bridge of bridges) {
      const callId = this.callIdOf(bridge.id);
      if (callId === undefined || this.legs.has(callId)) continue;
      if (await this.ari.destroyBridge(bridge.id).catch(() => false)) removedBridges++;
    }
    for (const channel of channels) {
      const callId = this.callIdOf(channel.id);
      if (callId === undefined || this.legs.has(callId)) continue;
      if (await this.ari.hangup(channel.id).catch(() => false)) removedChannels++;
    }
    this.reconciled.channels += removedChannels;
    this.reconciled.bridges += removedBridges;
    return { channels: removedChannels, bridges: removedBridges };
  }

  /** @internal */
  forget(leg: AsteriskLeg): void {
    if (this.legs.get(leg.callId) === leg) this.legs.delete(leg.callId);
    if (this.byChannel.get(leg.ids.channelId) === leg) this.byChannel.delete(leg.ids.channelId);
    if (this.byChannel.get(leg.ids.mediaChannelId) === leg) this.byChannel.delete(leg.ids.mediaChannelId);
  }

  /** @internal */
  report(err: unknown, operation: string): void {
    const error = new Error(`Asterisk ${operation} failed: ${err instanceof Error ? err.message : String(err)}`);
    error.cause = err;
    this.options.onError?.(error);
  }

  private route(event: AriEvent): void {
    if (event.type === 'PlaybackFinished') return this.playbackWaiters.get(event.playback.id)?.();
    const channelId = 'channel' in event && event.channel ? event.channel.id : undefined;
    if (channelId === undefined) return;
    const leg = this.byChannel.get(channelId);
    if (leg) return leg.handle(event);
    // A channel we did not create entering the app: an inbound call, when someone takes them
    // (without a handler, foreign channels are left alone, as reconciliation does).
    if (event.type === 'StasisStart' && this.callIdOf(channelId) === undefined && this.inboundHandler) {
      this.inboundHandler({ channelId, callerNumber: event.channel.caller?.number ?? '' });
    }
  }
}

/** @internal one call on Asterisk. */
export class AsteriskLeg implements CallLeg {
  private answered = false;
  private mediaUp = false;
  private closed = false;
  private endNotified = false;
  private endpoint: RtpEndpoint | undefined;
  private setup: Promise<void> | undefined;
  private hangingUp: Promise<void> | undefined;

  constructor(
    private readonly owner: AsteriskTelephony,
    readonly callId: string,
    readonly ids: AsteriskCallIds,
    private readonly events: CallLegEvents,
  ) {}

  get isPlaying(): boolean {
    return this.endpoint?.playoutQueue.isPlaying ?? false;
  }

  get queuedMs(): number {
    return this.endpoint?.playoutQueue.queuedMs ?? 0;
  }

  /** The RTP port of this call's media (undefined before media set-up). */
  get rtpPort(): number | undefined {
    return this.endpoint?.port;
  }

  play(audio: Uint8Array, itemId?: string): number {
    return this.endpoint && !this.closed ? this.endpoint.play(audio, itemId) : 0;
  }

  flush(): FlushResult {
    return this.endpoint ? this.endpoint.flush() : EMPTY_FLUSH;
  }

  mark(): void {
    // RTP has no marks: the pacer knows what was sent.
  }

  /** @internal */
  originate(endpoint: string, timeoutSec: number): void {
    this.owner.ari.originate({ endpoint, channelId: this.ids.channelId, timeoutSec }).catch((err: unknown) => {
      if (this.closed) return;
      this.owner.report(err, 'originate');
      this.notifyEnded('failed', 'dial_failed');
    });
  }

  /** @internal an inbound call: answer the waiting channel, then the same media set-up as outbound. */
  acceptInbound(): void {
    this.setup = this.owner.ari.answer(this.ids.channelId).then(
      () => {
        if (this.closed) return;
        this.markAnswered();
        return this.setupMedia();
      },
      (err: unknown) => {
        if (this.closed) return;
        this.owner.report(err, 'answer inbound');
        this.notifyEnded('failed', 'dial_failed');
      },
    );
  }

  /** @internal an ARI event about one of our channels, in order. */
  handle(event: AriEvent): void {
    if (this.closed) return;
    const isCall = 'channel' in event && event.channel?.id === this.ids.channelId;
    switch (event.type) {
      case 'ChannelStateChange':
        if (!isCall) return;
        if (event.channel.state === 'Ringing' && !this.answered) this.events.ringing();
        else if (event.channel.state === 'Up') this.markAnswered();
        return;
      case 'StasisStart':
        if (!isCall || this.setup) return;
        this.markAnswered();
        this.setup = this.setupMedia();
        return;
      case 'ChannelDestroyed':
        if (isCall) this.notifyEnded(outcomeOfHangupCause(event.cause, this.answered), 'remote_hangup');
        else this.notifyEnded(this.answered ? 'completed' : 'failed', 'media_failed'); // the media leg died under us
        return;
      case 'StasisEnd':
      case 'ChannelHangupRequest':
      case 'ChannelDtmfReceived':
      case 'ChannelVarset':
      case 'ChannelEnteredBridge':
      case 'ChannelLeftBridge':
      case 'BridgeDestroyed':
      case 'Dial':
      case 'PlaybackFinished':
        return; // ChannelDestroyed carries the cause; the rest is not the session's business
    }
  }

  hangup(): Promise<void> {
    this.hangingUp ??= this.teardown();
    return this.hangingUp;
  }

  private markAnswered(): void {
    if (this.answered) return;
    this.answered = true;
    this.events.answered();
  }

  private notifyEnded(outcome: LegEndOutcome, detail: LegEndDetail): void {
    if (this.endNotified || this.closed) return;
    this.endNotified = true;
    this.events.ended(outcome, detail);
  }

  private async setupMedia(): Promise<void> {
    const { ari, options } = this.owner;
    try {
      await ari.createBridge({ bridgeId: this.ids.bridgeId, type: 'mixing', name: this.ids.bridgeId });
      if (this.closed) return;
      this.endpoint = await RtpEndpoint.open({
        pool: options.pool,
        pacer: options.pacer,
        onFrame: (frame) => this.events.audio(frame.payload),
        jitter: options.jitter,
        playout: options.playout,
        onError: (err) => this.owner.report(err, 'rtp'),
      });
      if (this.closed) return;
      const media = await ari.externalMedia({
        channelId: this.ids.mediaChannelId,
        externalHost: `${options.rtpHost}:${this.endpoint.port}`,
      });
      if (this.closed) return;
      const address =
        media.channelvars?.UNICASTRTP_LOCAL_ADDRESS ?? (await ari.getChannelVar(this.ids.mediaChannelId, 'UNICASTRTP_LOCAL_ADDRESS'));
      const port = media.channelvars?.UNICASTRTP_LOCAL_PORT ?? (await ari.getChannelVar(this.ids.mediaChannelId, 'UNICASTRTP_LOCAL_PORT'));
      if (!address || !port || !Number.isInteger(Number(port)))
        throw new Error('externalMedia channel without UNICASTRTP_LOCAL_ADDRESS/PORT');
      this.endpoint.setRemote(address, Number(port));
      await ari.addChannel(this.ids.bridgeId, [this.ids.channelId, this.ids.mediaChannelId]);
      if (this.closed) return;
      this.mediaUp = true;
      this.events.mediaUp();
    } catch (err) {
      if (this.closed) return;
      this.owner.report(err, 'media set-up');
      this.notifyEnded(this.answered && this.mediaUp ? 'completed' : 'failed', 'media_failed');
    }
  }

  /** Always the same steps, each on its own, whoever ends the call and whatever failed before. */
  private async teardown(): Promise<void> {
    this.closed = true;
    await this.setup; // never rejects; it stops at its next step once `closed` is set
    const { ari } = this.owner;
    const step = async (operation: string, fn: () => Promise<unknown>): Promise<void> => {
      try {
        await fn();
      } catch (err) {
        this.owner.report(err, operation);
      }
    };
    await Promise.all([
      step('destroy bridge', () => ari.destroyBridge(this.ids.bridgeId)),
      step('hang up media channel', () => ari.hangup(this.ids.mediaChannelId)),
      step('hang up call channel', () => ari.hangup(this.ids.channelId)),
    ]);
    this.endpoint?.close(); // releases the port and the playout registration
    this.owner.forget(this);
  }
}

/** AsteriskTelephony from AppConfig.ari / AppConfig.rtp (ARI_URL, ARI_USERNAME/PASSWORD, ARI_APP, ARI_DIAL_TEMPLATE, RTP_HOST). */
export function createAsteriskTelephony(
  config: {
    ari: { url: string | undefined; username: string | undefined; password: string | undefined; app: string; dialTemplate: string };
    rtp: { host: string };
  },
  media: { pool: RtpPortPool; pacer: PlayoutPacer },
  onError?: (error: Error) => void,
): AsteriskTelephony {
  const { url, username, password, app, dialTemplate } = config.ari;
  if (!url || !username || !password) throw new Error('ARI_URL, ARI_USERNAME and ARI_PASSWORD are required for the Asterisk provider');
  const ari = new AriClient({ url, username, password, app, onError });
  return new AsteriskTelephony({ ari, pool: media.pool, pacer: media.pacer, rtpHost: config.rtp.host, dialTemplate, onError });
}
