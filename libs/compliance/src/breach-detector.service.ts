import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AuditSealer } from '@app/audit';
import { Clock, DatabaseService, JobHandler, QueueService, defineJob } from '@app/platform';
import { BREACH_RULES, detect, type BreachFiring } from './breach-rules';
import { BreachRepository } from './breach.repository';
import { ComplianceAlertService } from './compliance-alert.service';
import type { BreachRow } from './compliance.table';

declare module '@app/platform' {
  interface JobPayloads {
    'compliance.breach-detect': Record<string, never>;
    'compliance.breach-deadlines': Record<string, never>;
  }
}

export const breachDetectJob = defineJob({
  name: 'compliance.breach-detect',
  queue: 'compliance',
  options: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
  concurrency: 1,
});

export const breachDeadlinesJob = defineJob({
  name: 'compliance.breach-deadlines',
  queue: 'compliance',
  options: { attempts: 3, removeOnComplete: true, removeOnFail: { count: 100 } },
});

/** Detection runs every minute (B1: alert ≤ 5 min after the event); deadlines are checked hourly. */
export const BREACH_DETECT_INTERVAL_MS = 60_000;
export const BREACH_DEADLINE_INTERVAL_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** 164.404(b): notify within 60 days of discovery; escalate at day 30 and day 50. */
export const NOTIFICATION_DEADLINE_DAYS = 60;
export const ESCALATION_DAYS = [30, 50] as const;
const PAGE = 2000;
const LONGEST_WINDOW = Math.max(...Object.values(BREACH_RULES).map((r) => r.windowMs));

export interface DetectionRun {
  processed: number;
  lastSeq: number;
  breaches: BreachRow[];
}

/**
 * Runs the breach rules over the audit log incrementally: sealed entries after a stored cursor
 * (seq), with the already-processed entries of the longest window as context, in one transaction
 * that also stores the firings and advances the cursor (a crashed run is simply repeated). Each
 * new breach alerts the org's admins and the superAdmins after commit.
 */
@Injectable()
export class BreachDetector implements OnApplicationBootstrap {
  private readonly logger = new Logger('BreachDetector');

  constructor(
    private readonly database: DatabaseService,
    private readonly repo: BreachRepository,
    private readonly alerts: ComplianceAlertService,
    private readonly queues: QueueService,
    private readonly clock: Clock,
    private readonly sealer: AuditSealer,
  ) {}

  onApplicationBootstrap(): void {
    this.queues.declareWallClockSchedule('compliance-breach-detect', 'compliance.breach-detect', { every: BREACH_DETECT_INTERVAL_MS }, {});
    this.queues.declareWallClockSchedule(
      'compliance-breach-deadlines',
      'compliance.breach-deadlines',
      { every: BREACH_DEADLINE_INTERVAL_MS },
      {},
    );
  }

  @JobHandler('compliance.breach-detect')
  async handleDetect(): Promise<void> {
    await this.run();
  }

  @JobHandler('compliance.breach-deadlines')
  async handleDeadlines(): Promise<void> {
    await this.checkDeadlines();
  }

  /** Seals pending entries first (so detection latency is this job's interval), then detects. */
  async run(maxPages = 50): Promise<DetectionRun> {
    const result: DetectionRun = { processed: 0, lastSeq: 0, breaches: [] };
    // Only sealed entries have a seq (the detector's cursor): seal what is pending first.
    await this.sealer.seal();
    for (let i = 0; i < maxPages; i++) {
      const page = await this.database.transaction(async (tx) => {
        const cursor = await this.repo.lockCursor(tx);
        const entries = await this.repo.sealedAfter(tx, cursor, PAGE);
        if (entries.length === 0) return { count: 0, lastSeq: cursor, created: [] as BreachRow[] };
        const earliest = Math.min(...entries.map((e) => e.occurredAt.getTime()));
        const context = await this.repo.contextBefore(tx, cursor, new Date(earliest - LONGEST_WINDOW));
        const quietUntil = new Map<string, number>();
        for (const f of await this.repo.recentFirings(tx, new Date(earliest - 2 * LONGEST_WINDOW))) {
          const spec = BREACH_RULES[f.rule as keyof typeof BREACH_RULES];
          const until = f.windowEnd.getTime() + (spec?.windowMs ?? 0);
          const key = `${f.rule}|${f.subject}`;
          quietUntil.set(key, Math.max(quietUntil.get(key) ?? 0, until));
        }
        const orgIds = [...new Set(entries.map((e) => e.orgId).filter((id): id is string => id !== null))];
        const hours = await this.repo.businessHours(orgIds, tx);
        const firings = detect([...context, ...entries], { hours, quietUntil, contextThroughSeq: cursor });
        const created: BreachRow[] = [];
        for (const firing of firings) {
          const row = await this.repo.insert(tx, this.toRow(firing));
          if (row) created.push(row);
        }
        const lastSeq = entries[entries.length - 1]?.seq ?? cursor;
        await this.repo.saveCursor(tx, lastSeq);
        return { count: entries.length, lastSeq, created };
      });
      result.processed += page.count;
      result.lastSeq = page.lastSeq;
      result.breaches.push(...page.created);
      if (page.count < PAGE) break;
    }
    for (const breach of result.breaches) await this.alert(breach, 'breach.detected');
    return result;
  }

  /** Day-30 and day-50 escalations of incidents not yet marked notified (B2). */
  async checkDeadlines(): Promise<number> {
    const now = this.clock.now();
    const [d30, d50] = ESCALATION_DAYS.map((d) => new Date(now.getTime() - d * DAY_MS)) as [Date, Date];
    let escalated = 0;
    for (const breach of await this.repo.dueEscalations(d30, d50)) {
      if (breach.discoveredAt <= d30 && !breach.escalatedDay30At && (await this.repo.markEscalated(breach.id, 'escalatedDay30At', now))) {
        await this.alert(breach, 'breach.escalation_day30');
        escalated += 1;
      }
      if (breach.discoveredAt <= d50 && !breach.escalatedDay50At && (await this.repo.markEscalated(breach.id, 'escalatedDay50At', now))) {
        await this.alert(breach, 'breach.escalation_day50');
        escalated += 1;
      }
    }
    return escalated;
  }

  private toRow(f: BreachFiring): Parameters<BreachRepository['insert']>[1] {
    const discoveredAt = this.clock.now();
    return {
      orgId: f.orgId,
      rule: f.rule,
      subject: f.subject,
      dedupeKey: `${f.rule}|${f.subject}|${Math.floor(f.windowEnd.getTime() / f.windowMs)}`,
      severity: f.severity,
      windowStart: f.windowStart,
      windowEnd: f.windowEnd,
      evidence: { count: f.count, threshold: f.threshold, windowMs: f.windowMs, firstSeq: f.firstSeq, lastSeq: f.lastSeq },
      discoveredAt,
      notificationDeadline: new Date(discoveredAt.getTime() + NOTIFICATION_DEADLINE_DAYS * DAY_MS),
    };
  }

  private async alert(breach: BreachRow, kind: 'breach.detected' | 'breach.escalation_day30' | 'breach.escalation_day50'): Promise<void> {
    try {
      await this.alerts.raise({
        kind,
        orgId: breach.orgId,
        refId: breach.id,
        superAdmins: true,
        summary: `Rule ${breach.rule} (${breach.severity}) fired for subject ${breach.subject}; incident ${breach.id}; notification deadline ${breach.notificationDeadline.toISOString()}.`,
        realtime:
          kind === 'breach.detected'
            ? { breachId: breach.id, rule: breach.rule, severity: breach.severity, discoveredAt: breach.discoveredAt.toISOString() }
            : undefined,
      });
    } catch (err) {
      this.logger.error({ msg: 'breach alert failed', breachId: breach.id, err: (err as Error).message });
    }
  }
}
