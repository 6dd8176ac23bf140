import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AlertService, renderAlertMessage } from '@app/emergency';
import { NotificationService } from '@app/notifications';
import { OrgService } from '@app/orgs';
import { PatientService } from '@app/patients';
import { Clock, JobHandler, QueueService, ServiceUnavailableError, serializeError } from '@app/platform';
import { ScheduleService } from '@app/schedules';
import './call-jobs';
import { CallAudience } from './call-audience';
import { CallDispatchRepository } from './call-dispatch.repository';
import { CallService } from './call.service';

/** Slots older than this when first seen (downtime) are not called late. */
export const SLOT_GRACE_MS = 10 * 60_000;
/** An attempt still `queued`/`dialing` this long after its last change lost its voice process. */
export const STALE_ATTEMPT_MS = 40 * 60_000;
/** Outcomes after which a scheduled check-in is tried again. */
const RETRY_OUTCOMES = new Set(['no_answer', 'busy', 'voicemail', 'failed']);

/**
 * Scheduled calls: a one-minute tick turns due schedule slots (org timezone, DST-safe, from
 * ScheduleService) into `calls.dispatch` jobs keyed by slot; each dispatch inserts the slot's
 * attempt under a unique key, so a job that runs twice places one call. After each call the
 * follow-up applies the org's callRetrySettings and, when every attempt failed, raises a
 * "missed check-in" alert to the patient's caregivers.
 */
@Injectable()
export class CallDispatcher implements OnApplicationBootstrap {
  private readonly logger = new Logger('CallDispatcher');

  constructor(
    private readonly queues: QueueService,
    private readonly schedules: ScheduleService,
    private readonly dispatches: CallDispatchRepository,
    private readonly calls: CallService,
    private readonly orgs: OrgService,
    private readonly patients: PatientService,
    private readonly alerts: AlertService,
    private readonly audience: CallAudience,
    private readonly notifications: NotificationService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.queues.declareWallClockSchedule('calls-tick', 'calls.tick', { pattern: '* * * * *', tz: 'UTC' }, {});
  }

  @JobHandler('calls.tick')
  async handleTick(): Promise<{ slots: number; swept: number }> {
    return this.tick(this.clock.now());
  }

  /** Queues every slot due in (now − grace, now]; sweeps attempts lost with their voice process. */
  async tick(now: Date): Promise<{ slots: number; swept: number }> {
    const due = await this.schedules.dueSlots(new Date(now.getTime() - SLOT_GRACE_MS), new Date(now.getTime() + 1));
    for (const slot of due) {
      const slotAt = slot.at.toISOString();
      await this.queues.enqueue(
        'calls.dispatch',
        { scheduleId: slot.scheduleId, orgId: slot.orgId, slotAt, attempt: 1 },
        { idempotencyKey: `${slot.scheduleId}:${slotAt}:1` },
      );
    }
    return { slots: due.length, swept: await this.sweep(now) };
  }

  @JobHandler('calls.dispatch')
  async handleDispatch(data: {
    scheduleId: string;
    orgId: string;
    slotAt: string;
    attempt: number;
  }): Promise<{ callId?: string; skipped?: string }> {
    const schedule = await this.schedules.find(data.orgId, data.scheduleId);
    if (!schedule || !schedule.isActive) return { skipped: 'schedule_inactive' };
    const patient = await this.patients.find(data.orgId, schedule.patientId);
    if (!patient || !patient.phoneE164) return { skipped: 'patient_unreachable' };
    const reason = this.calls.unavailable();
    if (reason) throw new ServiceUnavailableError(reason, 'VoiceUnavailable'); // 503: retried with backoff
    let placed;
    try {
      placed = await this.calls.place({
        orgId: data.orgId,
        patientId: patient.id,
        trigger: data.attempt > 1 ? 'retry' : 'schedule',
        scheduleId: data.scheduleId,
        slotAt: new Date(data.slotAt),
        attempt: data.attempt,
      });
    } catch (err) {
      // The org's cap is full: wait (the job is retried with backoff), never drop the slot.
      if (err instanceof Error && 'code' in err && err.code === 'CallLimitReached')
        throw new ServiceUnavailableError(err.message, 'CallLimitReached');
      throw err;
    }
    if (!placed) return { skipped: 'already_dispatched' };
    await this.calls.dial(placed.dispatch.id);
    return { callId: placed.dispatch.id };
  }

  @JobHandler('calls.follow-up')
  async handleFollowUp(data: { callId: string }): Promise<{ action: string }> {
    const row = await this.dispatches.find(data.callId);
    if (!row || row.state !== 'ended') return { action: 'none' };
    if (row.trigger !== 'schedule' && row.trigger !== 'retry') return { action: 'none' };
    const answered = row.outcome === 'completed' && !row.callbackNeeded;
    if (answered || !RETRY_OUTCOMES.has(row.outcome ?? 'failed')) return { action: 'none' };
    if (!(await this.dispatches.claimFollowUp(row.id))) return { action: 'none' };
    const org = await this.orgs.get(row.orgId);
    const { retryCount, retryIntervalMinutes, alertOnAllMissedCalls } = org.callRetrySettings;
    if (row.scheduleId && row.slotAt && row.attempt <= retryCount) {
      const slotAt = row.slotAt.toISOString();
      const attempt = row.attempt + 1;
      await this.queues.enqueue(
        'calls.dispatch',
        { scheduleId: row.scheduleId, orgId: row.orgId, slotAt, attempt },
        { idempotencyKey: `${row.scheduleId}:${slotAt}:${attempt}`, delay: retryIntervalMinutes * 60_000 },
      );
      return { action: 'retry' };
    }
    if (!alertOnAllMissedCalls) return { action: 'none' };
    await this.missedCheckIn(row.orgId, row.patientId, row.id, row.attempt);
    return { action: 'missed_alert' };
  }

  private async missedCheckIn(orgId: string, patientId: string, callId: string, attempts: number): Promise<void> {
    const raised = await this.alerts.raise({
      orgId,
      patientId,
      conversationId: callId,
      category: 'Request',
      severity: 'MEDIUM',
      message: renderAlertMessage('en', { messageKey: 'checkin.missed', messageParams: { attempts } }),
      messageKey: 'checkin.missed',
      messageParams: { attempts },
      relevanceSeconds: 24 * 3600,
    });
    if (!raised.created) return;
    try {
      const patient = await this.patients.get(orgId, patientId);
      const members = await this.audience.of(orgId, patientId);
      const name = patient.preferredName || patient.name.split(/\s+/)[0] || patient.name;
      await this.notifications.sendCareAlert(members, { kind: 'missed', patient: name, severity: 'MEDIUM', alertId: raised.alertId });
    } catch (err) {
      this.logger.error({ msg: 'missed check-in notification failed', alertId: raised.alertId, err: serializeError(err) });
    }
  }

  /** Attempts stuck in queued/dialing (their voice process died) end as failed, freeing the org's cap. */
  async sweep(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - STALE_ATTEMPT_MS);
    const stale = await this.dispatches.staleLive(cutoff, 100);
    for (const row of stale) await this.calls.abandon(row, 'voice_process_lost');
    return stale.length;
  }
}
