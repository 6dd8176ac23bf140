import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { AUDIT_PRUNE_FLOOR_DAYS, AuditPruner, AuditService, type AuditPruneResult } from '@app/audit';
import type { AuthActor } from '@app/auth';
import {
  Clock,
  DatabaseService,
  ForbiddenError,
  JobHandler,
  QueueService,
  ValidationError,
  defineJob,
  queryRows,
  type Tx,
  serializeError,
} from '@app/platform';
import { withinHours } from './breach-rules';
import { orgComplianceSettings, type BusinessHours, type OrgComplianceSettingsRow } from './compliance.table';

declare module '@app/platform' {
  interface JobPayloads {
    'compliance.retention-purge': Record<string, never>;
  }
}

export const retentionPurgeJob = defineJob({
  name: 'compliance.retention-purge',
  queue: 'compliance',
  options: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: true, removeOnFail: { count: 100 } },
  concurrency: 1,
});

const DAY_MS = 86_400_000;
/** L6: audit entries are kept 7 years (HIPAA documentation floor: 6 years). */
export const AUDIT_RETENTION_DEFAULT_DAYS = 2557;
export const AUDIT_RETENTION_MIN_DAYS = AUDIT_PRUNE_FLOOR_DAYS;
/** Conversations and transcripts: at least 30 days (care follow-up, billing disputes), at most 25 years. */
export const CONVERSATION_RETENTION_MIN_DAYS = 30;
export const RETENTION_MAX_DAYS = 9131;
export const RETENTION_PURGE_INTERVAL_MS = DAY_MS;
/** Conversations deleted per transaction (bounded lock time). */
const PURGE_BATCH = 500;

export interface ComplianceSettings {
  orgId: string;
  businessHours: BusinessHours | null;
  auditRetentionDays: number;
  conversationRetentionDays: number | null;
  legalHold: boolean;
  updatedAt: Date | null;
}

export interface ComplianceSettingsPatch {
  businessHours?: BusinessHours | null;
  auditRetentionDays?: number;
  conversationRetentionDays?: number | null;
  legalHold?: boolean;
}

export interface PurgeResult {
  orgs: number;
  conversations: number;
  /** Audit entries pruned (L6) and the seq the verified chain now starts after. */
  auditEntries: number;
  auditPrunedThroughSeq: number;
}

const view = (orgId: string, row: OrgComplianceSettingsRow | undefined): ComplianceSettings => ({
  orgId,
  businessHours: row?.businessHours ?? null,
  auditRetentionDays: row?.auditRetentionDays ?? AUDIT_RETENTION_DEFAULT_DAYS,
  conversationRetentionDays: row?.conversationRetentionDays ?? null,
  legalHold: row?.legalHold ?? false,
  updatedAt: row?.updatedAt ?? null,
});

/**
 * Per-org compliance settings (business hours for the off-hours rule, retention, legal hold) and
 * the retention purge (L6): a daily job deletes the conversations (messages cascade) that started
 * before the org's retention horizon, unless the org is under legal hold, in bounded batches,
 * each batch audited in its transaction (ids only).
 *
 * Then the audit log (L6): the chain is shared by all orgs, so only a seq prefix can go — the
 * entries before the first one that is still inside its org's `audit_retention_days` (default 7
 * years, never below 6; entries without an org use the default) or belongs to an org under legal
 * hold. AuditPruner cuts at a sealed, exported batch end, leaves a signed prune anchor so the
 * verifier still passes, and audits the prune.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly database: DatabaseService,
    private readonly audit: AuditService,
    private readonly queues: QueueService,
    private readonly clock: Clock,
    private readonly pruner: AuditPruner,
  ) {}

  onApplicationBootstrap(): void {
    this.queues.declareWallClockSchedule(
      'compliance-retention-purge',
      'compliance.retention-purge',
      { every: RETENTION_PURGE_INTERVAL_MS },
      {},
    );
  }

  @JobHandler('compliance.retention-purge')
  async handlePurge(): Promise<void> {
    await this.purge();
  }

  async settings(actor: AuthActor): Promise<ComplianceSettings> {
    const orgId = await this.orgOf(actor, 'read');
    return this.database.transaction(async (tx) => {
      const [row] = await tx.select().from(orgComplianceSettings).where(eq(orgComplianceSettings.orgId, orgId));
      await this.audit.record(
        { action: 'compliance.settings.read', resourceType: 'compliance_settings', resourceIds: [orgId], orgId, outcome: 'success' },
        tx,
      );
      return view(orgId, row);
    });
  }

  async updateSettings(actor: AuthActor, patch: ComplianceSettingsPatch): Promise<ComplianceSettings> {
    const orgId = await this.orgOf(actor, 'update');
    if (patch.businessHours) checkHours(patch.businessHours);
    const values = {
      ...(patch.businessHours !== undefined ? { businessHours: patch.businessHours } : {}),
      ...(patch.auditRetentionDays !== undefined ? { auditRetentionDays: patch.auditRetentionDays } : {}),
      ...(patch.conversationRetentionDays !== undefined ? { conversationRetentionDays: patch.conversationRetentionDays } : {}),
      ...(patch.legalHold !== undefined ? { legalHold: patch.legalHold } : {}),
    };
    return this.database.transaction(async (tx) => {
      const [row] = await tx
        .insert(orgComplianceSettings)
        .values({ orgId, ...values })
        .onConflictDoUpdate({ target: orgComplianceSettings.orgId, set: { ...values, updatedAt: sql`now()` } })
        .returning();
      await this.audit.record(
        {
          action: 'compliance.settings.update',
          resourceType: 'compliance_settings',
          resourceIds: [orgId],
          orgId,
          outcome: 'success',
          reason: Object.keys(values).length > 0 ? `fields_${Object.keys(values).length}` : 'no_change',
          severity: 'warning',
        },
        tx,
      );
      return view(orgId, row);
    });
  }

  /** One pass over every org with a conversation retention (legal hold: skipped). */
  async purge(): Promise<PurgeResult> {
    const result: PurgeResult = { orgs: 0, conversations: 0, auditEntries: 0, auditPrunedThroughSeq: 0 };
    const orgs = await this.database.db
      .select()
      .from(orgComplianceSettings)
      .where(and(isNotNull(orgComplianceSettings.conversationRetentionDays), eq(orgComplianceSettings.legalHold, false)));
    for (const settings of orgs) {
      const days = Math.max(settings.conversationRetentionDays ?? RETENTION_MAX_DAYS, CONVERSATION_RETENTION_MIN_DAYS);
      const cutoff = new Date(this.clock.now().getTime() - days * DAY_MS);
      try {
        const removed = await this.purgeOrg(settings.orgId, cutoff);
        if (removed > 0) result.orgs += 1;
        result.conversations += removed;
      } catch (err) {
        this.logger.error({ msg: 'retention purge failed', orgId: settings.orgId, err: serializeError(err) });
      }
    }
    const pruned = await this.pruneAudit();
    result.auditEntries = pruned.entries;
    result.auditPrunedThroughSeq = pruned.prunedThroughSeq;
    if (result.conversations > 0 || result.auditEntries > 0) this.logger.log({ msg: 'retention purge', ...result });
    return result;
  }

  /** Audit entries beyond retention (L6), by global seq prefix; see the class comment. */
  async pruneAudit(): Promise<AuditPruneResult> {
    const now = this.clock.now();
    return this.pruner.prune({
      now,
      // Every org keeps at least the floor, so nothing pruned is younger than this.
      cutoff: new Date(now.getTime() - AUDIT_RETENTION_MIN_DAYS * DAY_MS),
      firstRetainedSeq: (tx, afterSeq, uptoSeq) => this.firstRetainedAuditSeq(tx, now, afterSeq, uptoSeq),
    });
  }

  private async firstRetainedAuditSeq(tx: Tx, now: Date, afterSeq: number, uptoSeq: number): Promise<number | undefined> {
    const [row] = await queryRows<{ seq: string | number | null }>(
      tx,
      sql`select min(k.seq) as seq
            from audit_entry_seals k
            join audit_entries e on e.id = k.entry_id
            left join ${orgComplianceSettings} s on s.org_id = e.org_id
           where k.seq > ${afterSeq} and k.seq <= ${uptoSeq}
             and (coalesce(s.legal_hold, false)
                  or e.occurred_at >= ${now.toISOString()}::timestamptz
                     - make_interval(days => greatest(coalesce(s.audit_retention_days, ${AUDIT_RETENTION_DEFAULT_DAYS}), ${AUDIT_RETENTION_MIN_DAYS})::int))`,
    );
    return row?.seq === null || row?.seq === undefined ? undefined : Number(row.seq);
  }

  private async purgeOrg(orgId: string, cutoff: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = await this.database.transaction(async (tx) => {
        const rows = await queryRows<{ id: string; patient_id: string }>(
          tx,
          sql`delete from conversations where id in (
                select id from conversations
                 where org_id = ${orgId}::uuid and start_time < ${cutoff.toISOString()}::timestamptz
                 order by start_time limit ${PURGE_BATCH})
              returning id::text as id, patient_id::text as patient_id`,
        );
        if (rows.length === 0) return 0;
        await this.audit.record(
          {
            action: 'retention.purge',
            resourceType: 'conversation',
            resourceIds: rows.map((r) => r.id),
            patientIds: [...new Set(rows.map((r) => r.patient_id))],
            orgId,
            outcome: 'success',
            reason: 'conversation_retention',
            severity: 'warning',
            actor: null,
          },
          tx,
        );
        return rows.length;
      });
      total += removed;
      if (removed < PURGE_BATCH) return total;
    }
  }

  /** orgAdmin: own org only (the settings of another org are not reachable by id). */
  private async orgOf(actor: AuthActor, verb: string): Promise<string> {
    if (actor.role === 'orgAdmin' && actor.orgId) return actor.orgId;
    await this.audit.record({
      action: 'authz.denied',
      resourceType: 'compliance_settings',
      outcome: 'denied',
      reason: `missing_permission_${verb}`,
      severity: 'warning',
    });
    throw new ForbiddenError('Only an orgAdmin may manage the organisation’s compliance settings.');
  }
}

function checkHours(hours: BusinessHours): void {
  try {
    withinHours(hours, new Date());
  } catch {
    throw new ValidationError('businessHours.timezone must be an IANA time zone');
  }
}
