import { Injectable } from '@nestjs/common';
import { DatabaseService, queryRows, type DbOrTx } from '@app/platform';
import { and, asc, desc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { alertReads, alerts, type AlertRow, type NewAlertRow } from './alert.table';

export type AlertInsert = Omit<NewAlertRow, 'createdAt' | 'updatedAt'>;
export type AlertPatch = Partial<Omit<NewAlertRow, 'id' | 'orgId' | 'createdAt' | 'updatedAt'>>;

/** Bound on one caller's alert list (alerts expire; a list is "what needs attention now"). */
export const MAX_ALERTS = 1000;

@Injectable()
export class AlertRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(values: AlertInsert, tx: DbOrTx = this.database.db): Promise<AlertRow> {
    const [row] = await tx.insert(alerts).values(values).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async findInOrg(orgId: string, id: string, tx: DbOrTx = this.database.db): Promise<AlertRow | undefined> {
    const [row] = await tx
      .select()
      .from(alerts)
      .where(and(eq(alerts.id, id), eq(alerts.orgId, orgId)))
      .limit(1);
    return row;
  }

  async existsElsewhere(id: string, tx: DbOrTx = this.database.db): Promise<string | undefined> {
    const [row] = await tx.select({ orgId: alerts.orgId }).from(alerts).where(eq(alerts.id, id)).limit(1);
    return row?.orgId;
  }

  /** The org's alerts still relevant at `now` (no relevanceUntil = relevant until deleted), newest first. */
  async relevantInOrg(orgId: string, now: Date, ids: string[] | undefined, tx: DbOrTx = this.database.db): Promise<AlertRow[]> {
    return tx
      .select()
      .from(alerts)
      .where(
        and(
          eq(alerts.orgId, orgId),
          or(isNull(alerts.relevanceUntil), gte(alerts.relevanceUntil, now)),
          ids ? inArray(alerts.id, ids.length ? ids : ['00000000-0000-0000-0000-000000000000']) : undefined,
        ),
      )
      .orderBy(desc(alerts.createdAt), asc(alerts.id))
      .limit(MAX_ALERTS);
  }

  /** Counts of a patient's alerts created in [from, to) by importance and severity (reports). */
  async countsOfPatient(
    orgId: string,
    patientId: string,
    from: Date,
    to: Date,
    tx: DbOrTx = this.database.db,
  ): Promise<Array<{ importance: string; severity: string | null; n: number }>> {
    const rows = await tx
      .select({ importance: alerts.importance, severity: alerts.severity, n: sql<number>`count(*)::int` })
      .from(alerts)
      .where(and(eq(alerts.orgId, orgId), eq(alerts.relatedPatientId, patientId), gte(alerts.createdAt, from), lt(alerts.createdAt, to)))
      .groupBy(alerts.importance, alerts.severity);
    return rows.map((r) => ({ importance: r.importance, severity: r.severity, n: Number(r.n) }));
  }

  /** The latest alert of the same patient+category raised since `since` (dedupe/merge). */
  async latestSimilar(orgId: string, patientId: string, category: string, since: Date, tx: DbOrTx): Promise<AlertRow | undefined> {
    const [row] = await tx
      .select()
      .from(alerts)
      .where(
        and(
          eq(alerts.orgId, orgId),
          eq(alerts.relatedPatientId, patientId),
          eq(alerts.category, category),
          gte(alerts.lastRaisedAt, since),
        ),
      )
      .orderBy(desc(alerts.lastRaisedAt))
      .limit(1);
    return row;
  }

  /** Serialises raises of one patient+category (transaction-scoped advisory lock). */
  async lockKey(key: string, tx: DbOrTx): Promise<void> {
    await queryRows(tx, sql`select pg_advisory_xact_lock(hashtext(${key}))`);
  }

  async update(orgId: string, id: string, patch: AlertPatch, tx: DbOrTx = this.database.db): Promise<AlertRow | undefined> {
    const [row] = await tx
      .update(alerts)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(and(eq(alerts.id, id), eq(alerts.orgId, orgId)))
      .returning();
    return row;
  }

  async delete(orgId: string, id: string, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx
      .delete(alerts)
      .where(and(eq(alerts.id, id), eq(alerts.orgId, orgId)))
      .returning({ id: alerts.id });
    return rows.length > 0;
  }

  async deleteOfPatients(orgId: string, patientIds: string[], tx: DbOrTx): Promise<void> {
    if (patientIds.length === 0) return;
    await tx.delete(alerts).where(and(eq(alerts.orgId, orgId), inArray(alerts.relatedPatientId, patientIds)));
  }

  async markRead(alertId: string, caregiverId: string, tx: DbOrTx = this.database.db): Promise<void> {
    await tx.insert(alertReads).values({ alertId, caregiverId }).onConflictDoNothing();
  }

  async readersOf(alertIds: string[], tx: DbOrTx = this.database.db): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>(alertIds.map((id) => [id, []]));
    if (alertIds.length === 0) return map;
    const rows = await tx.select().from(alertReads).where(inArray(alertReads.alertId, alertIds)).orderBy(asc(alertReads.readAt));
    for (const r of rows) map.get(r.alertId)?.push(r.caregiverId);
    return map;
  }
}
