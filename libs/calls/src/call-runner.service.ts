import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type Redis from 'ioredis';
import { PatientService, type Patient } from '@app/patients';
import { AppConfig, JobHandler, RedisService, serializeError, withDeadline } from '@app/platform';
import { AsteriskTelephony, CallSessionFactory, TELEPHONY_PROVIDER, type CallSession, type TelephonyProvider } from '@app/voice';
import './call-jobs';
import { CallDispatchRepository } from './call-dispatch.repository';
import { CallService, END_CALL_CHANNEL } from './call.service';

export type InboundResult =
  { accepted: true; callId: string; session: CallSession } | { accepted: false; reason: 'unknown_caller' | 'unavailable' };

/**
 * The voice role: places calls handed over by `voice.dial` jobs and holds each job for the call's
 * duration (so the worker's concurrency caps this process's calls), takes inbound calls, ends a
 * live call when any API process asks over Redis, and ends every call on shutdown.
 */
@Injectable()
export class CallRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CallRunner');
  private subscriber: Redis | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly sessions: CallSessionFactory,
    private readonly calls: CallService,
    private readonly dispatches: CallDispatchRepository,
    private readonly patients: PatientService,
    @Inject(TELEPHONY_PROVIDER) private readonly telephony: TelephonyProvider,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.hasRole('voice')) return;
    this.subscriber = this.redis.connect({ maxRetriesPerRequest: null });
    const channel = this.redis.key(END_CALL_CHANNEL);
    this.subscriber.on('message', (ch: string, callId: string) => {
      if (ch === channel) void this.sessions.end(callId, 'dashboard');
    });
    this.subscriber.on('error', () => undefined);
    void this.subscriber
      .subscribe(channel)
      .catch((err: unknown) => this.logger.warn({ msg: 'end-call channel unavailable', err: serializeError(err) }));
    if (this.telephony instanceof AsteriskTelephony) {
      this.telephony.onInbound((call) => void this.inboundAsterisk(call.channelId, call.callerNumber));
      this.telephony.start();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.config.hasRole('voice')) return;
    await withDeadline(this.sessions.endAll('shutdown'), this.config.shutdownTimeoutMs);
    if (this.telephony instanceof AsteriskTelephony) await withDeadline(this.telephony.stop(), 3_000);
    await this.subscriber?.quit().catch(() => undefined);
  }

  @JobHandler('voice.dial')
  async handleDial(data: { callId: string }): Promise<{ outcome: string }> {
    // Claim the attempt: a re-run (stalled job after a crash) must not dial the patient again.
    if (!(await this.dispatches.transition(data.callId, ['queued'], 'dialing'))) {
      const row = await this.dispatches.find(data.callId);
      if (row && row.state === 'dialing' && !this.sessions.get(data.callId)) await this.calls.abandon(row, 'voice_process_lost');
      return { outcome: 'skipped' };
    }
    const session = this.sessions.create(data.callId);
    await session.start();
    const result = await session.ended;
    return { outcome: result.outcome };
  }

  /** A patient rings in over Asterisk: caller id → patient → the same pipeline; others hear a goodbye. */
  private async inboundAsterisk(channelId: string, callerNumber: string): Promise<void> {
    try {
      const result = await this.inbound(callerNumber, channelId);
      if (!result.accepted) await (this.telephony as AsteriskTelephony).rejectInbound(channelId);
    } catch (err) {
      this.logger.error({ msg: 'inbound call failed', err: serializeError(err) });
      await (this.telephony as AsteriskTelephony).rejectInbound(channelId);
    }
  }

  /** Matches the caller to exactly one patient (blind index on the E.164 number) and starts the call. */
  async inbound(callerNumber: string, providerRef: string): Promise<InboundResult> {
    if (!this.config.hasRole('voice') || this.calls.unavailable()) return { accepted: false, reason: 'unavailable' };
    const patient = await this.patientFor(callerNumber);
    if (!patient) {
      this.logger.log({ msg: 'inbound call from an unknown number refused' });
      return { accepted: false, reason: 'unknown_caller' };
    }
    const placed = await this.calls.place({ orgId: patient.orgId, patientId: patient.id, trigger: 'inbound', inboundRef: providerRef });
    if (!placed) return { accepted: false, reason: 'unavailable' };
    await this.dispatches.transition(placed.dispatch.id, ['queued'], 'dialing');
    const session = this.sessions.create(placed.dispatch.id);
    await session.start();
    return { accepted: true, callId: placed.dispatch.id, session };
  }

  private async patientFor(callerNumber: string): Promise<Patient | undefined> {
    const digits = callerNumber.replace(/[^\d+]/g, '');
    if (!/^\+?\d{6,15}$/.test(digits)) return undefined;
    const e164 = digits.startsWith('+') ? digits : `+${digits}`;
    const matches = await this.patients.findByPhone(e164);
    return matches.length === 1 ? matches[0] : undefined; // ambiguous numbers are not guessed
  }
}
