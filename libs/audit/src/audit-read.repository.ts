import { Injectable } from '@nestjs/common';
import { DatabaseService, type DbOrTx, type PageRequest, type SortTerm } from '@app/platform';
import { and, arrayContains, asc, count, desc, eq, getTableColumns, gt, gte, lt, type SQL } from 'drizzle-orm';
import { auditEntries, auditEntrySeals, type AuditEntryRow } from './audit.table';

/** An entry with its seal's seq (null: not sealed yet). */
export type AuditEntryReadRow = AuditEntryRow & { seq: number | null };

const READ_COLUMNS = { ...getTableColumns(auditEntries), seq: auditEntrySeals.seq };

/** Which entries: `orgId` null means every org (platform scope; the service decides who may). */
export interface AuditEntryFilter {
  orgId: string | null;
  patientId?: string;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
}

export type AuditSortField = 'occurredAt' | 'seq';

function where(filter: AuditEntryFilter): SQL | undefined {
  return and(
    filter.orgId === null ? undefined : eq(auditEntries.orgId, filter.orgId),
    filter.patientId ? arrayContains(auditEntries.patientIds, [filter.patientId]) : undefined,
    filter.actorId ? eq(auditEntries.actorId, filter.actorId) : undefined,
    filter.action ? eq(auditEntries.action, filter.action) : undefined,
    filter.from ? gte(auditEntries.occurredAt, filter.from) : undefined,
    filter.to ? lt(auditEntries.occurredAt, filter.to) : undefined,
  );
}

/** Reads for compliance officers: every query is filtered by the caller's org scope. */
@Injectable()
export class AuditReadRepository {
  constructor(private readonly database: DatabaseService) {}

  async page(
    filter: AuditEntryFilter,
    page: PageRequest,
    sort: SortTerm<AuditSortField>[],
    tx: DbOrTx = this.database.db,
  ): Promise<{ rows: AuditEntryReadRow[]; total: number }> {
    const order = sort.map((s) => (s.direction === 'desc' ? desc : asc)(s.field === 'seq' ? auditEntrySeals.seq : auditEntries.occurredAt));
    const rows = await tx
      .select(READ_COLUMNS)
      .from(auditEntries)
      .leftJoin(auditEntrySeals, eq(auditEntrySeals.entryId, auditEntries.id))
      .where(where(filter))
      .orderBy(...order, desc(auditEntries.id))
      .limit(page.limit)
      .offset(page.offset);
    const [total] = await tx.select({ n: count() }).from(auditEntries).where(where(filter));
    return { rows, total: total?.n ?? 0 };
  }

  /** Keyset pages in insert order, for streaming exports of any size. */
  async after(filter: AuditEntryFilter, afterId: number, limit: number, tx: DbOrTx = this.database.db): Promise<AuditEntryReadRow[]> {
    return tx
      .select(READ_COLUMNS)
      .from(auditEntries)
      .leftJoin(auditEntrySeals, eq(auditEntrySeals.entryId, auditEntries.id))
      .where(and(where(filter), gt(auditEntries.id, afterId)))
      .orderBy(asc(auditEntries.id))
      .limit(limit);
  }
}
