import { Injectable } from '@nestjs/common';
import { DatabaseService, queryRows, type DbOrTx, type Tx } from '@app/platform';
import { and, asc, desc, eq, gt, gte, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import {
  auditBatches,
  auditChainHead,
  auditEntrySeals,
  auditPruneAnchors,
  type AuditBatchRow,
  type AuditPruneAnchorRow,
} from './audit.table';
import type { Json } from './audit-hashing';

export interface ChainHead {
  lastSeq: number;
  lastBatchId: number;
  chainHash: string;
  sealedFloorId: number;
  floorCandidateId: number;
  floorCandidateAt: Date | null;
}

/**
 * An entry as hashed: every column of audit_entries plus the seal's `seq` and `batch_id` (see
 * ENTRY_HASH_COLUMNS). For a seal whose entry row is gone, `doc` is null.
 */
export interface EntryDocument {
  id: number;
  seq: number | null;
  batchId: number | null;
  leafHash: string | null;
  doc: { [key: string]: Json } | null;
}

/** An entry's hash document, present (the verifier's and pruner's view). */
export interface SealedEntryDocument extends EntryDocument {
  doc: { [key: string]: Json };
}

export type NewBatch = Omit<AuditBatchRow, 'sealedAt' | 'exportedAt'>;
export type NewPruneAnchor = Omit<AuditPruneAnchorRow, 'id' | 'prunedAt'>;

/**
 * The hash input: every column of audit_entries plus `seq` and `batch_id` from its seal row
 * (audit_entry_seals); a test compares this list with information_schema, so a new column cannot
 * silently escape the hash. Values are read in a driver-independent text form: bigints as text,
 * the timestamp in UTC with microseconds, arrays as JSON. (An explicit projection is ~5x cheaper
 * than to_jsonb(row) per sealed entry.) The document is the same as when the seal columns lived on
 * audit_entries (before migration `audit_seal_table`), so older seals still verify.
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

/** The seal columns of the hash document (the rest are audit_entries columns). */
export const SEAL_HASH_COLUMNS = ['seq', 'batch_id'] as const;

const ENTRY_PROJECTION = `e.id::text as id,
  to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at, e.org_id::text as org_id,
  e.actor_id, e.actor_role, e.session_id, e.request_id, e.ip, e.user_agent, e.action, e.resource_type,
  array_to_json(e.resource_ids)::text as resource_ids, array_to_json(e.patient_ids)::text as patient_ids,
  e.outcome, e.reason, e.severity`;

/** Sealed entries: the seal row drives, the entry may be missing (id null then). */
const SEALED_PROJECTION = sql.raw(
  `s.seq::text as seq, s.batch_id::text as batch_id, s.leaf_hash, s.entry_id::text as entry_id, ${ENTRY_PROJECTION}`,
);

/** Unsealed entries (no seal row yet). */
const UNSEALED_PROJECTION = sql.raw(
  `null::text as seq, null::text as batch_id, null::text as leaf_hash, e.id::text as entry_id, ${ENTRY_PROJECTION}`,
);

type ProjectedRow = Record<(typeof ENTRY_HASH_COLUMNS)[number] | 'leaf_hash' | 'entry_id', string | null>;

const num = (value: string | null): number | null => (value === null ? null : Number(value));

function toDocument(row: ProjectedRow): EntryDocument {
  const base = { id: Number(row.entry_id), seq: num(row.seq), batchId: num(row.batch_id), leafHash: row.leaf_hash };
  if (row.id === null) return { ...base, doc: null };
  const doc: { [key: string]: Json } = {};
  for (const column of ENTRY_HASH_COLUMNS) {
    const value = row[column];
    if (column === 'id' || column === 'seq' || column === 'batch_id') doc[column] = num(value);
    else if (column === 'resource_ids' || column === 'patient_ids') doc[column] = value === null ? null : (JSON.parse(value) as Json);
    else doc[column] = value;
  }
  return { ...base, doc };
}

/** Sealer and verifier access to the chain; they run inside explicit transactions. */
@Injectable()
export class AuditChainRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Serialises sealers (only them: writers never touch this row). */
  async lockHead(tx: Tx): Promise<ChainHead> {
    const [head] = await tx.select().from(auditChainHead).where(eq(auditChainHead.id, 1)).for('update');
    if (!head) throw new Error('audit_chain_head is missing (migration audit_append_only not applied)');
    return {
      lastSeq: head.lastSeq,
      lastBatchId: head.lastBatchId,
      chainHash: head.chainHash,
      sealedFloorId: head.sealedFloorId,
      floorCandidateId: head.floorCandidateId,
      floorCandidateAt: head.floorCandidateAt,
    };
  }

  /**
   * Advances the search floor for unsealed entries (called under the head lock). Every id up to
   * the recorded candidate was allocated before `floor_candidate_at`, so by a transaction that
   * started before it; once no open transaction of this database is that old, each of those ids is
   * committed (visible now) or gone for good, and the floor may move up to the candidate, but never
   * past a visible unsealed entry. Then a new candidate is recorded: the highest committed id (the
   * identity has CACHE 1, so every lower id was allocated before it, so before this moment),
   * stamped after it was read. Sessions whose transaction start is hidden (another role without
   * pg_read_all_stats) count as old, which only keeps the floor where it is (still correct).
   */
  async advanceFloor(tx: Tx, head: ChainHead): Promise<number> {
    let floor = head.sealedFloorId;
    if (head.floorCandidateAt && head.floorCandidateId > floor) {
      const [old] = await queryRows<{ n: string | number }>(
        tx,
        sql`select count(*) as n from pg_stat_activity
             where pid <> pg_backend_pid() and datname = current_database() and backend_type = 'client backend'
               and (state is null or (xact_start is not null and xact_start <= ${head.floorCandidateAt.toISOString()}::timestamptz))`,
      );
      if (Number(old?.n ?? 0) === 0) {
        const [first] = await queryRows<{ id: string | null }>(
          tx,
          sql`select min(e.id)::text as id from audit_entries e
               where e.id > ${floor} and e.id <= ${head.floorCandidateId}
                 and not exists (select 1 from audit_entry_seals s where s.entry_id = e.id)`,
        );
        floor = first?.id === null || first?.id === undefined ? head.floorCandidateId : Number(first.id) - 1;
      }
    }
    // One statement: its snapshot (taken at its start) precedes the clock reading.
    const [candidate] = await queryRows<{ id: string; at: string | Date }>(
      tx,
      sql`select coalesce((select max(id) from audit_entries), 0)::text as id, clock_timestamp() as at`,
    );
    await tx
      .update(auditChainHead)
      .set({ sealedFloorId: floor, floorCandidateId: Number(candidate.id), floorCandidateAt: new Date(candidate.at) })
      .where(eq(auditChainHead.id, 1));
    return floor;
  }

  async unsealed(tx: Tx, limit: number, afterId = 0): Promise<SealedEntryDocument[]> {
    const rows = await queryRows<ProjectedRow>(
      tx,
      sql`select ${UNSEALED_PROJECTION} from audit_entries e
           where e.id > ${afterId} and not exists (select 1 from audit_entry_seals s where s.entry_id = e.id)
           order by e.id limit ${limit}`,
    );
    return rows.map(toDocument) as SealedEntryDocument[];
  }

  /** One statement for the whole batch (arrays as text: identical on both drivers). Inserts only. */
  async insertSeals(tx: Tx, batchId: number, ids: number[], seqs: number[], leafHashes: string[]): Promise<void> {
    await tx.execute(sql`
      insert into audit_entry_seals (seq, entry_id, batch_id, leaf_hash)
      select v.seq, v.id, ${batchId}, v.leaf_hash
        from unnest(string_to_array(${ids.join(',')}, ',')::bigint[],
                    string_to_array(${seqs.join(',')}, ',')::bigint[],
                    string_to_array(${leafHashes.join(',')}, ',')::text[]) as v(id, seq, leaf_hash)`);
  }

  async insertBatch(tx: Tx, batch: NewBatch): Promise<void> {
    await tx.insert(auditBatches).values(batch);
  }

  async updateHead(tx: Tx, head: Pick<ChainHead, 'lastSeq' | 'lastBatchId' | 'chainHash'>): Promise<void> {
    await tx
      .update(auditChainHead)
      .set({ lastSeq: head.lastSeq, lastBatchId: head.lastBatchId, chainHash: head.chainHash })
      .where(eq(auditChainHead.id, 1));
  }

  async unexportedBatches(limit: number, tx: DbOrTx = this.database.db): Promise<AuditBatchRow[]> {
    return tx.select().from(auditBatches).where(isNull(auditBatches.exportedAt)).orderBy(asc(auditBatches.id)).limit(limit);
  }

  async leafHashesOf(batch: Pick<AuditBatchRow, 'firstSeq' | 'lastSeq'>, tx: DbOrTx = this.database.db): Promise<string[]> {
    const rows = await tx
      .select({ leafHash: auditEntrySeals.leafHash })
      .from(auditEntrySeals)
      .where(and(gte(auditEntrySeals.seq, batch.firstSeq), lte(auditEntrySeals.seq, batch.lastSeq)))
      .orderBy(asc(auditEntrySeals.seq));
    return rows.map((r) => r.leafHash);
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

  /**
   * Verifier: seals after `afterSeq`, in seq order, with their entries' hash documents (`doc` null
   * when the sealed entry row is gone).
   */
  async sealedAfter(tx: Tx, afterSeq: number, limit: number): Promise<EntryDocument[]> {
    const rows = await queryRows<ProjectedRow>(
      tx,
      sql`select ${SEALED_PROJECTION} from audit_entry_seals s left join audit_entries e on e.id = s.entry_id
           where s.seq > ${afterSeq} order by s.seq limit ${limit}`,
    );
    return rows.map(toDocument);
  }

  /** The head as the verifier's snapshot sees it (never trusted, only compared). */
  async headSnapshot(tx: Tx): Promise<ChainHead> {
    const [head] = await tx.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
    return {
      lastSeq: head?.lastSeq ?? 0,
      lastBatchId: head?.lastBatchId ?? 0,
      chainHash: head?.chainHash ?? '',
      sealedFloorId: head?.sealedFloorId ?? 0,
      floorCandidateId: head?.floorCandidateId ?? 0,
      floorCandidateAt: head?.floorCandidateAt ?? null,
    };
  }

  async countUnsealed(tx: DbOrTx = this.database.db): Promise<number> {
    const [row] = await queryRows<{ n: string | number }>(
      tx,
      sql`select count(*) as n from audit_entries e where not exists (select 1 from audit_entry_seals s where s.entry_id = e.id)`,
    );
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
      sql`select max(e.occurred_at) as at from audit_entry_seals s join audit_entries e on e.id = s.entry_id
           where s.seq > ${afterSeq} and s.seq <= ${throughSeq}`,
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
   * The one delete of audit entries, through `audit_prune_entries` (migration `audit_grants`: it
   * runs with the owner's rights, the app role has no DELETE on the log). It names the anchor in a
   * local setting; the guard trigger admits the delete only at or below an anchor that exists
   * (insert it first, same transaction).
   */
  async deletePruned(tx: Tx, afterSeq: number, throughSeq: number): Promise<number> {
    const rows = await queryRows<{ n: string | number }>(
      tx,
      sql`select audit_prune_entries(${afterSeq}::bigint, ${throughSeq}::bigint) as n`,
    );
    return Number(rows[0]?.n ?? 0);
  }
}
