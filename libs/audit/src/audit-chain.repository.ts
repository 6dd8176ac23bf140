import { Injectable } from '@nestjs/common';
import { DatabaseService, queryRows, type DbOrTx, type Tx } from '@app/platform';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { auditBatches, auditChainHead, auditEntries, type AuditBatchRow } from './audit.table';
import type { Json } from './audit-hashing';

export interface ChainHead {
  lastSeq: number;
  lastBatchId: number;
  chainHash: string;
}

/** An entry as hashed: every column except `leaf_hash`, as Postgres renders it in JSON. */
export interface EntryDocument {
  id: number;
  seq: number | null;
  batchId: number | null;
  leafHash: string | null;
  doc: { [key: string]: Json };
}

export type NewBatch = Omit<AuditBatchRow, 'sealedAt' | 'exportedAt'>;

/**
 * `to_jsonb(row) - 'leaf_hash'` is the hash input: it covers every column, including columns added
 * later, with no list to keep in sync. Timestamps render in the session time zone, so every
 * reader sets it to UTC first (`useUtc`).
 */
const DOCUMENT = sql`to_jsonb(e) - 'leaf_hash'`;

/** Sealer and verifier access to the chain; they run inside explicit transactions. */
@Injectable()
export class AuditChainRepository {
  constructor(private readonly database: DatabaseService) {}

  async useUtc(tx: Tx): Promise<void> {
    await tx.execute(sql`set local timezone = 'UTC'`);
  }

  /** Serialises sealers (only them: writers never touch this row). */
  async lockHead(tx: Tx): Promise<ChainHead> {
    const [head] = await tx.select().from(auditChainHead).where(eq(auditChainHead.id, 1)).for('update');
    if (!head) throw new Error('audit_chain_head is missing (migration audit_append_only not applied)');
    return { lastSeq: head.lastSeq, lastBatchId: head.lastBatchId, chainHash: head.chainHash };
  }

  async unsealed(tx: Tx, limit: number): Promise<EntryDocument[]> {
    const rows = await queryRows<{ id: string | number; doc: { [key: string]: Json } }>(
      tx,
      sql`select e.id, ${DOCUMENT} as doc from audit_entries e where e.seq is null order by e.id limit ${limit}`,
    );
    return rows.map((r) => ({ id: Number(r.id), seq: null, batchId: null, leafHash: null, doc: r.doc }));
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
    const rows = await queryRows<{ id: string | number; seq: string | number; batch_id: string | number | null; leaf_hash: string | null; doc: { [key: string]: Json } }>(
      tx,
      sql`select e.id, e.seq, e.batch_id, e.leaf_hash, ${DOCUMENT} as doc
            from audit_entries e where e.seq > ${afterSeq} order by e.seq limit ${limit}`,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      seq: Number(r.seq),
      batchId: r.batch_id === null ? null : Number(r.batch_id),
      leafHash: r.leaf_hash,
      doc: r.doc,
    }));
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
    await this.useUtc(tx);
  }
}
