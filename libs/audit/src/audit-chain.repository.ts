import { Injectable } from '@nestjs/common';
import { DatabaseService, queryRows, type DbOrTx, type Tx } from '@app/platform';
import { and, asc, desc, eq, gt, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { auditBatches, auditChainHead, auditEntries, auditPruneAnchors, type AuditBatchRow, type AuditPruneAnchorRow } from './audit.table';
import type { Json } from './audit-hashing';

export interface ChainHead {
  lastSeq: number;
  lastBatchId: number;
  chainHash: string;
}

/** An entry as hashed: every column except `leaf_hash` (see ENTRY_HASH_COLUMNS). */
export interface EntryDocument {
  id: number;
  seq: number | null;
  batchId: number | null;
  leafHash: string | null;
  doc: { [key: string]: Json };
}

export type NewBatch = Omit<AuditBatchRow, 'sealedAt' | 'exportedAt'>;
export type NewPruneAnchor = Omit<AuditPruneAnchorRow, 'id' | 'prunedAt'>;

/**
 * The hash input covers every column of audit_entries except `leaf_hash`; a test compares this
 * list with information_schema, so a new column cannot silently escape the hash. Values are read
 * in a driver-independent text form: bigints as text, the timestamp in UTC with microseconds,
 * arrays as JSON. (An explicit projection is ~5x cheaper than to_jsonb(row) per sealed entry.)
 */
export const ENTRY_HASH_COLUMNS = [
  'id',
  'seq',
  'batch_id',
  'occurred_at',
  'org_id',
  'actor_id',
  'actor_role',
  'session_id',
  'request_id',
  'ip',
  'user_agent',
  'action',
  'resource_type',
  'resource_ids',
  'patient_ids',
  'outcome',
  'reason',
  'severity',
] as const;

const PROJECTION = sql.raw(`e.id::text as id, e.seq::text as seq, e.batch_id::text as batch_id, e.leaf_hash,
  to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at, e.org_id::text as org_id,
  e.actor_id, e.actor_role, e.session_id, e.request_id, e.ip, e.user_agent, e.action, e.resource_type,
  array_to_json(e.resource_ids)::text as resource_ids, array_to_json(e.patient_ids)::text as patient_ids,
  e.outcome, e.reason, e.severity`);

type ProjectedRow = Record<(typeof ENTRY_HASH_COLUMNS)[number] | 'leaf_hash', string | null>;

const num = (value: string | null): number | null => (value === null ? null : Number(value));

function toDocument(row: ProjectedRow): EntryDocument {
  const doc: { [key: string]: Json } = {};
  for (const column of ENTRY_HASH_COLUMNS) {
    const value = row[column];
    if (column === 'id' || column === 'seq' || column === 'batch_id') doc[column] = num(value);
    else if (column === 'resource_ids' || column === 'patient_ids') doc[column] = value === null ? null : (JSON.parse(value) as Json);
    else doc[column] = value;
  }
  return { id: Number(row.id), seq: num(row.seq), batchId: num(row.batch_id), leafHash: row.leaf_hash, doc };
}

/** Sealer and verifier access to the chain; they run inside explicit transactions. */
@Injectable()
export class AuditChainRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Serialises sealers (only them: writers never touch this row). */
  async lockHead(tx: Tx): Promise<ChainHead> {
    const [head] = await tx.select().from(auditChainHead).where(eq(auditChainHead.id, 1)).for('update');
    if (!head) throw new Error('audit_chain_head is missing (migration audit_append_only not applied)');
    return { lastSeq: head.lastSeq, lastBatchId: head.lastBatchId, chainHash: head.chainHash };
  }

  async unsealed(tx: Tx, limit: number): Promise<EntryDocument[]> {
    const rows = await queryRows<ProjectedRow>(
      tx,
      sql`select ${PROJECTION} from audit_entries e where e.seq is null order by e.id limit ${limit}`,
    );
    return rows.map(toDocument);
  }

  /** One statement for the whole batch (arrays as text: identical on both drivers). */
  async assignSeal(tx: Tx, batchId: number, ids: number[], seqs: number[], leafHashes: string[]): Promise<void> {
    await tx.execute(sql`
      update audit_entries as e
         set seq = v.seq, batch_id = ${batchId}, leaf_hash = v.leaf_hash
        from unnest(string_to_array(${ids.join(',')}, ',')::bigint[],
                    string_to_array(${seqs.join(',')}, ',')::bigint[],
                    string_to_array(${leafHashes.join(',')}, ',')::text[]) as v(id, seq, leaf_hash)
       where e.id = v.id`);
  }

  async insertBatch(tx: Tx, batch: NewBatch): Promise<void> {
    await tx.insert(auditBatches).values(batch);
  }

  async updateHead(tx: Tx, head: ChainHead): Promise<void> {
    await tx.update(auditChainHead).set(head).where(eq(auditChainHead.id, 1));
  }

  async unexportedBatches(limit: number, tx: DbOrTx = this.database.db): Promise<AuditBatchRow[]> {
    return tx.select().from(auditBatches).where(isNull(auditBatches.exportedAt)).orderBy(asc(auditBatches.id)).limit(limit);
  }

  async leafHashesOf(batchId: number, tx: DbOrTx = this.database.db): Promise<string[]> {
    const rows = await tx
      .select({ leafHash: auditEntries.leafHash })
      .from(auditEntries)
      .where(eq(auditEntries.batchId, batchId))
      .orderBy(asc(auditEntries.seq));
    return rows.map((r) => r.leafHash ?? '');
  }

  /** Only the first marking counts (another sealer process may have exported it meanwhile). */
  async markExported(batchId: number, tx: DbOrTx = this.database.db): Promise<void> {
    await tx
      .update(auditBatches)
      .set({ exportedAt: sql`now()` })
      .where(and(eq(auditBatches.id, batchId), isNull(auditBatches.exportedAt)));
  }

  /** Verifier: batches after `afterId`, in id order. */
  async batchesAfter(tx: Tx, afterId: number, limit: number): Promise<AuditBatchRow[]> {
    return tx.select().from(auditBatches).where(gt(auditBatches.id, afterId)).orderBy(asc(auditBatches.id)).limit(limit);
  }

  /** Verifier: sealed entries after `afterSeq`, in seq order, with their hash documents. */
  async sealedAfter(tx: Tx, afterSeq: number, limit: number): Promise<EntryDocument[]> {
    const rows = await queryRows<ProjectedRow>(
      tx,
      sql`select ${PROJECTION} from audit_entries e where e.seq > ${afterSeq} order by e.seq limit ${limit}`,
    );
    return rows.map(toDocument);
  }

  /** The head as the verifier's snapshot sees it (never trusted, only compared). */
  async headSnapshot(tx: Tx): Promise<ChainHead> {
    const [head] = await tx.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
    return { lastSeq: head?.lastSeq ?? 0, lastBatchId: head?.lastBatchId ?? 0, chainHash: head?.chainHash ?? '' };
  }

  async countUnsealed(tx: DbOrTx = this.database.db): Promise<number> {
    const [row] = await queryRows<{ n: string | number }>(tx, sql`select count(*) as n from audit_entries where seq is null`);
    return Number(row?.n ?? 0);
  }

  /** Starts a consistent read-only snapshot for a verification pass. */
  async snapshot(tx: Tx): Promise<void> {
    await tx.execute(sql`set transaction isolation level repeatable read, read only`);
  }

  /** Prune anchors in seq order (the verifier starts after the last one). */
  async pruneAnchors(tx: Tx): Promise<AuditPruneAnchorRow[]> {
    return tx.select().from(auditPruneAnchors).orderBy(asc(auditPruneAnchors.throughSeq));
  }

  async latestPruneAnchor(tx: Tx): Promise<AuditPruneAnchorRow | undefined> {
    const [row] = await tx.select().from(auditPruneAnchors).orderBy(desc(auditPruneAnchors.throughSeq)).limit(1);
    return row;
  }

  /** The newest exported batch ending in (afterSeq, maxSeq]: the furthest point a prune may reach. */
  async pruneBoundary(tx: Tx, afterSeq: number, maxSeq: number): Promise<AuditBatchRow | undefined> {
    const [row] = await tx
      .select()
      .from(auditBatches)
      .where(and(gt(auditBatches.lastSeq, afterSeq), lte(auditBatches.lastSeq, maxSeq), isNotNull(auditBatches.exportedAt)))
      .orderBy(desc(auditBatches.lastSeq))
      .limit(1);
    return row;
  }

  /** The newest occurrence time among entries afterSeq < seq <= throughSeq (null when none). */
  async lastOccurrence(tx: Tx, afterSeq: number, throughSeq: number): Promise<Date | null> {
    const [row] = await queryRows<{ at: string | Date | null }>(
      tx,
      sql`select max(occurred_at) as at from audit_entries where seq > ${afterSeq} and seq <= ${throughSeq}`,
    );
    return row?.at ? new Date(row.at) : null;
  }

  /** Batches lying entirely in (afterSeq, throughSeq], in order. */
  async batchesWithin(tx: Tx, afterSeq: number, throughSeq: number): Promise<AuditBatchRow[]> {
    return tx
      .select()
      .from(auditBatches)
      .where(and(gt(auditBatches.firstSeq, afterSeq), lte(auditBatches.lastSeq, throughSeq)))
      .orderBy(asc(auditBatches.firstSeq));
  }

  async insertPruneAnchor(tx: Tx, anchor: NewPruneAnchor): Promise<void> {
    await tx.insert(auditPruneAnchors).values(anchor);
  }

  /**
   * The one delete of audit entries: the guard trigger admits it only at or below an anchor that
   * exists (insert it first, same transaction) and only while the local setting names it.
   */
  async deletePruned(tx: Tx, afterSeq: number, throughSeq: number): Promise<number> {
    await tx.execute(sql`select set_config('bianca.audit_prune_through', ${String(throughSeq)}, true)`);
    const rows = await queryRows<{ n: string | number }>(
      tx,
      sql`with gone as (delete from audit_entries where seq > ${afterSeq} and seq <= ${throughSeq} returning 1) select count(*) as n from gone`,
    );
    await tx.execute(sql`select set_config('bianca.audit_prune_through', '', true)`);
    return Number(rows[0]?.n ?? 0);
  }
}
