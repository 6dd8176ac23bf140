import { Injectable, Logger } from '@nestjs/common';
import { DatabaseService, QueueService, ValidationError, serializeError, type DbOrTx } from '@app/platform';
import { StripeGateway } from './stripe.gateway';
import { BillingRepository } from './billing.repository';
import {
  ROUNDING_RULES,
  type BillingSettingsRow,
  type ProviderCost,
  type RoundingRule,
  type UsageRecordRow,
  type UsageSource,
} from './billing.table';

export const DEFAULT_RATE_CENTS_PER_MINUTE = 10;
export const DEFAULT_MINIMUM_SECONDS = 0;

/** Outcomes that mean the callee answered; everything else (no_answer, busy, failed, voicemail…) bills 0 s. */
export const BILLABLE_OUTCOMES = ['answered', 'completed'] as const;

export interface OrgBillingSettings {
  rateCentsPerMinute: number;
  minimumSeconds: number;
  rounding: RoundingRule;
}

/** What the voice pipeline reports when a call has finished (ids and times only, never PHI). */
export interface CallUsageReport {
  /** The conversation of the call: the idempotency key (one usage record per call). */
  conversationId: string;
  /** The carrier's call id (e.g. Twilio CallSid), for reconciliation. */
  callId?: string | null;
  orgId: string;
  patientId: string;
  /** When dialling started (informational). */
  startedAt?: Date | null;
  /** The carrier's answer time; null when the call was never answered. */
  answeredAt?: Date | null;
  /** Hang-up time. */
  endedAt: Date;
  /** `answered` (or `completed`) bills; `no_answer`, `busy`, `failed`, `voicemail`… do not. */
  outcome: string;
  /**
   * The carrier's answered duration in seconds (e.g. Twilio `CallDuration`), when known: it then
   * replaces `endedAt − answeredAt` for an answered call. Ignored for unanswered/failed calls (0 s).
   */
  durationSeconds?: number | null;
  /** Provider cost inputs: AI audio in/out seconds, tokens, carrier seconds, total cost in cents. */
  providerCost?: ProviderCost;
}

/** The fields of a conversation row billing derives a usage report from (see `usageReportOfConversation`). */
export interface ConversationUsageSource {
  id: string;
  orgId: string;
  patientId: string;
  callSid: string | null;
  callOutcome: string | null;
  startTime: Date;
  endTime: Date | null;
  callStartTime: Date | null;
  callEndTime: Date | null;
  callDuration: number;
  usage: Record<string, number> | null;
  costCents: number;
}

/**
 * The usage of an ended conversation whose call was never reported by the pipeline (a crash, a
 * manual conversation): only a carrier-confirmed `answered` outcome bills, else 0 s ($0.00).
 */
export function usageReportOfConversation(c: ConversationUsageSource): CallUsageReport {
  const answered = c.callOutcome === 'answered' && c.callStartTime !== null;
  const endedAt = c.callEndTime ?? c.endTime ?? c.startTime;
  return {
    conversationId: c.id,
    callId: c.callSid,
    orgId: c.orgId,
    patientId: c.patientId,
    startedAt: c.startTime,
    answeredAt: answered ? c.callStartTime : null,
    endedAt: answered && c.callStartTime && endedAt < c.callStartTime ? c.callStartTime : endedAt,
    outcome: c.callOutcome ?? 'unreported',
    durationSeconds: answered && c.callDuration > 0 ? c.callDuration : null,
    providerCost: { ...(c.usage ?? {}), costCents: c.costCents },
  };
}

/** Billable seconds from answer to hang-up (whole seconds, rounded up), 0 for unanswered calls; min applied to answered calls. */
export function billableSecondsOf(
  report: Pick<CallUsageReport, 'answeredAt' | 'endedAt' | 'outcome' | 'durationSeconds'>,
  minimumSeconds: number,
): number {
  if (!report.answeredAt || !(BILLABLE_OUTCOMES as readonly string[]).includes(report.outcome)) return 0;
  const ms =
    report.durationSeconds !== undefined && report.durationSeconds !== null && Number.isFinite(report.durationSeconds)
      ? report.durationSeconds * 1000
      : report.endedAt.getTime() - report.answeredAt.getTime();
  if (ms <= 0) return 0;
  return Math.max(Math.ceil(ms / 1000), minimumSeconds);
}

/** Integer cents: per second (rounded half up to the cent) or per started minute. */
export function amountCentsOf(seconds: number, rateCentsPerMinute: number, rounding: RoundingRule): number {
  if (seconds <= 0) return 0;
  if (rounding === 'minute') return Math.ceil(seconds / 60) * rateCentsPerMinute;
  return Math.floor((seconds * rateCentsPerMinute + 30) / 60);
}

/**
 * Usage metering. The voice pipeline calls `recordCall` once per finished call (answered or not);
 * calling it again for the same conversation returns the stored record unchanged.
 */
@Injectable()
export class UsageService {
  private readonly logger = new Logger('UsageService');

  constructor(
    private readonly database: DatabaseService,
    private readonly repo: BillingRepository,
    private readonly stripe: StripeGateway,
    private readonly queues: QueueService,
  ) {}

  async settings(orgId: string, tx?: DbOrTx): Promise<OrgBillingSettings> {
    const row: BillingSettingsRow | undefined = await this.repo.settingsOf(orgId, tx);
    return {
      rateCentsPerMinute: row?.rateCentsPerMinute ?? DEFAULT_RATE_CENTS_PER_MINUTE,
      minimumSeconds: row?.minimumSeconds ?? DEFAULT_MINIMUM_SECONDS,
      rounding: row?.rounding ?? 'second',
    };
  }

  /** Operator/admin tooling: an org's price (applies to calls recorded afterwards). */
  async setSettings(orgId: string, settings: OrgBillingSettings, tx?: DbOrTx): Promise<OrgBillingSettings> {
    if (!Number.isInteger(settings.rateCentsPerMinute) || settings.rateCentsPerMinute < 0)
      throw new ValidationError('rateCentsPerMinute must be a non-negative integer');
    if (!Number.isInteger(settings.minimumSeconds) || settings.minimumSeconds < 0)
      throw new ValidationError('minimumSeconds must be a non-negative integer');
    if (!ROUNDING_RULES.includes(settings.rounding)) throw new ValidationError(`rounding must be one of ${ROUNDING_RULES.join(', ')}`);
    await this.repo.upsertSettings({ orgId, ...settings }, tx);
    return settings;
  }

  /** Records the usage of one finished call; idempotent by conversation id. */
  async recordCall(report: CallUsageReport, tx?: DbOrTx, source: UsageSource = 'pipeline'): Promise<UsageRecordRow> {
    if (report.answeredAt && report.answeredAt.getTime() > report.endedAt.getTime())
      throw new ValidationError('answeredAt is after endedAt');
    if (report.durationSeconds !== undefined && report.durationSeconds !== null && !(report.durationSeconds >= 0))
      throw new ValidationError('durationSeconds must be >= 0');
    const work = async (t: DbOrTx): Promise<{ row: UsageRecordRow; created: boolean }> => {
      const price = await this.settings(report.orgId, t);
      const billableSeconds = billableSecondsOf(report, price.minimumSeconds);
      const cost = report.providerCost ?? {};
      return this.repo.insertUsage(
        {
          orgId: report.orgId,
          patientId: report.patientId,
          conversationId: report.conversationId,
          callId: report.callId ?? null,
          outcome: report.outcome,
          startedAt: report.startedAt ?? null,
          answeredAt: report.answeredAt ?? null,
          endedAt: report.endedAt,
          billableSeconds,
          rateCentsPerMinute: price.rateCentsPerMinute,
          amountCents: amountCentsOf(billableSeconds, price.rateCentsPerMinute, price.rounding),
          providerCost: cost,
          providerCostCents: Math.round(cost.costCents ?? 0),
          source,
        },
        t,
      );
    };
    const { row, created } = tx ? await work(tx) : await this.database.transaction(work);
    if (created && row.billableSeconds > 0) await this.meterSoon(row.id);
    return row;
  }

  /** Asks the worker to report the new usage to Stripe (the periodic sweep catches anything this misses). */
  private async meterSoon(usageId: string): Promise<void> {
    if (!this.stripe.configured) return;
    try {
      await this.queues.enqueue('billing.report-usage', {}, { idempotencyKey: `usage:${usageId}` });
    } catch (err) {
      this.logger.warn({ msg: 'could not enqueue usage reporting; the sweep will report it', usageId, err: serializeError(err) });
    }
  }
}
