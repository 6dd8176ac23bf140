import { Injectable } from '@nestjs/common';
import { DatabaseService, queryRows, type DbOrTx, type PageRequest, type Tx } from '@app/platform';
import type { TenantScope } from '@app/orgs';
import { and, count, desc, eq, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { DetectorEntry } from './breach-rules';
import {
  breachDetectorState,
  breaches,
  orgComplianceSettings,
  type BreachRow,
  type BusinessHours,
  type NewBreachRow,
} from './compliance.table';

interface EntryRow {
  seq: string | number;
  occurred_at: string | Date;
  org_id: string | null;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  outcome: string;
  reason: string | null;
  resource_ids: string[] | string;
  patient_ids: string[] | string;
}

/** Arrays as JSON text: identical on both drivers (PGlite and node-postgres). */
const ENTRY_COLUMNS = sql.raw(`seq, occurred_at, org_id::text as org_id, actor_id, actor_role, action, outcome, reason,
  array_to_json(resource_ids)::text as resource_ids, array_to_json(patient_ids)::text as patient_ids`);

function list(value: string[] | string): string[] {
  return typeof value === 'string' ? (JSON.parse(value) as string[]) : value;
}

function toEntry(row: EntryRow): DetectorEntry {
  return {
    seq: Number(row.seq),
    occurredAt: new Date(row.occurred_at),
    orgId: row.org_id,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    action: row.action,
    outcome: row.outcome,
    reason: row.reason,
    resourceIds: list(row.resource_ids),
    patientIds: list(row.patient_ids),
  };
}

function inScope(scope: TenantScope): SQL | undefined {
  return scope.kind === 'org' ? eq(breaches.orgId, scope.orgId) : undefined;
}

/**
 * The breach log and the detector's cursor. Reads sealed audit entries read-only through SQL (the
 * audit log's columns are its public contract; the rows belong to @app/audit).
 */
@Injectable()
export class BreachRepository {
  constructor(private readonly database: DatabaseService) {}

  async lockCursor(tx: Tx): Promise<number> {
    await tx.insert(breachDetectorState).values({ id: 1, lastSeq: 0 }).onConflictDoNothing();
    const [row] = await tx.select().from(breachDetectorState).where(eq(breachDetectorState.id, 1)).for('update');
    return row?.lastSeq ?? 0;
  }

  async saveCursor(tx: Tx, lastSeq: number): Promise<void> {
    await tx
      .update(breachDetectorState)
      .set({ lastSeq, updatedAt: sql`now()` })
      .where(eq(breachDetectorState.id, 1));
  }

  /** Sealed entries after the cursor, in seq order. */
  async sealedAfter(tx: Tx, afterSeq: number, limit: number): Promise<DetectorEntry[]> {
    const rows = await queryRows<EntryRow>(
      tx,
      sql`select ${ENTRY_COLUMNS} from audit_entry_seals s join audit_entries e on e.id = s.entry_id
           where s.seq > ${afterSeq} order by s.seq limit ${limit}`,
    );
    return rows.map(toEntry);
  }

  /** Already-processed entries still inside the longest window (they fill the windows). */
  async contextBefore(tx: Tx, throughSeq: number, since: Date): Promise<DetectorEntry[]> {
    const rows = await queryRows<EntryRow>(
      tx,
      sql`select ${ENTRY_COLUMNS} from audit_entry_seals s join audit_entries e on e.id = s.entry_id
           where s.seq <= ${throughSeq} and e.occurred_at >= ${since.toISOString()}::timestamptz
           order by s.seq`,
    );
    return rows.map(toEntry);
  }

  /** Latest firing per rule + subject since `since` (their quiet periods may still run). */
  async recentFirings(tx: Tx, since: Date): Promise<Array<Pick<BreachRow, 'rule' | 'subject' | 'windowEnd'>>> {
    return tx
      .select({ rule: breaches.rule, subject: breaches.subject, windowEnd: breaches.windowEnd })
      .from(breaches)
      .where(gt(breaches.windowEnd, since));
  }

  /** Inserts unless the same rule + subject + window exists; returns the new row (or undefined). */
  async insert(tx: Tx, row: NewBreachRow): Promise<BreachRow | undefined> {
    const [created] = await tx.insert(breaches).values(row).onConflictDoNothing().returning();
    return created;
  }

  async businessHours(orgIds: string[], tx: DbOrTx = this.database.db): Promise<Map<string, BusinessHours>> {
    const map = new Map<string, BusinessHours>();
    if (orgIds.length === 0) return map;
    const rows = await tx
      .select({ orgId: orgComplianceSettings.orgId, hours: orgComplianceSettings.businessHours })
      .from(orgComplianceSettings)
      .where(inArray(orgComplianceSettings.orgId, orgIds));
    for (const row of rows) if (row.hours) map.set(row.orgId, row.hours);
    return map;
  }

  async page(scope: TenantScope, page: PageRequest, status?: string): Promise<{ rows: BreachRow[]; total: number }> {
    const where = and(inScope(scope), status ? eq(breaches.status, status) : undefined);
    const [rows, [total]] = await Promise.all([
      this.database.db
        .select()
        .from(breaches)
        .where(where)
        .orderBy(desc(breaches.discoveredAt), desc(breaches.id))
        .limit(page.limit)
        .offset(page.offset),
      this.database.db.select({ n: count() }).from(breaches).where(where),
    ]);
    return { rows, total: Number(total?.n ?? 0) };
  }

  async findInScope(scope: TenantScope, id: string, tx: DbOrTx = this.database.db): Promise<BreachRow | undefined> {
    const [row] = await tx
      .select()
      .from(breaches)
      .where(and(eq(breaches.id, id), inScope(scope)));
    return row;
  }

  async orgOf(id: string, tx: DbOrTx = this.database.db): Promise<string | null | undefined> {
    const [row] = await tx.select({ orgId: breaches.orgId }).from(breaches).where(eq(breaches.id, id));
    return row ? row.orgId : undefined;
  }

  async update(
    scope: TenantScope,
    id: string,
    patch: Partial<NewBreachRow>,
    tx: DbOrTx = this.database.db,
  ): Promise<BreachRow | undefined> {
    const [row] = await tx
      .update(breaches)
      .set(patch)
      .where(and(eq(breaches.id, id), inScope(scope)))
      .returning();
    return row;
  }

  /** Open incidents whose day-30 or day-50 escalation is due. */
  async dueEscalations(day30: Date, day50: Date, tx: DbOrTx = this.database.db): Promise<BreachRow[]> {
    return tx
      .select()
      .from(breaches)
      .where(
        and(
          isNull(breaches.notifiedAt),
          sql`((${breaches.escalatedDay30At} is null and ${breaches.discoveredAt} <= ${day30.toISOString()}::timestamptz)
            or (${breaches.escalatedDay50At} is null and ${breaches.discoveredAt} <= ${day50.toISOString()}::timestamptz))`,
        ),
      )
      .limit(500);
  }

  async markEscalated(
    id: string,
    field: 'escalatedDay30At' | 'escalatedDay50At',
    at: Date,
    tx: DbOrTx = this.database.db,
  ): Promise<boolean> {
    const column = field === 'escalatedDay30At' ? breaches.escalatedDay30At : breaches.escalatedDay50At;
    const rows = await tx
      .update(breaches)
      .set({ [field]: at })
      .where(and(eq(breaches.id, id), isNull(column)))
      .returning({ id: breaches.id });
    return rows.length > 0;
  }
}
