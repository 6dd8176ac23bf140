import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The tamper-evident audit log (security.md L1–L5).
 *
 * Writers only INSERT (`id` is an identity: cheap, concurrent, but with gaps on rollback). The
 * sealer later assigns the gap-free `seq`, the entry's `leaf_hash` (RFC 6962 leaf hash of the JCS
 * of every other column) and its `batch_id`, under a row lock on `audit_chain_head`, so writers
 * never serialise on the chain. Triggers (migrations `audit_append_only`, `audit_prune_guard`,
 * `audit_guard_when`) reject every other UPDATE, TRUNCATE, and every DELETE except the retention
 * prune below a signed anchor (AuditPruner, `audit_prune_anchors`).
 *
 * Adding a column: add it to ENTRY_HASH_COLUMNS (audit-canonical.ts) too, or a test fails.
 */
export const auditEntries = pgTable(
  'audit_entries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    seq: bigint('seq', { mode: 'number' }).unique('audit_entries_seq_unique'),
    batchId: bigint('batch_id', { mode: 'number' }),
    leafHash: text('leaf_hash'),
    /** Database time (one clock for every instance), UTC, microseconds. */
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    orgId: uuid('org_id'),
    actorId: text('actor_id'),
    actorRole: text('actor_role'),
    sessionId: text('session_id'),
    requestId: text('request_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceIds: text('resource_ids')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    patientIds: text('patient_ids')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    outcome: text('outcome').notNull(),
    reason: text('reason'),
    severity: text('severity').notNull().default('info'),
  },
  (t) => [
    index('audit_entries_unsealed_idx')
      .on(t.id)
      .where(sql`${t.seq} is null`),
    index('audit_entries_org_time_idx').on(t.orgId, t.occurredAt),
    index('audit_entries_actor_time_idx').on(t.actorId, t.occurredAt),
    index('audit_entries_patient_ids_idx').using('gin', t.patientIds),
    check('audit_entries_outcome_check', sql`${t.outcome} in ('success', 'denied', 'failure')`),
    check('audit_entries_severity_check', sql`${t.severity} in ('info', 'warning', 'high')`),
  ],
);

/**
 * One sealed batch: entries `first_seq..last_seq`, their Merkle root (RFC 6962), the chain link
 * to the previous batch and the signed checkpoint (C2SP tlog-checkpoint note) committing to it.
 * `id` is gap-free (1, 2, …). Only `exported_at` may change after insert.
 */
export const auditBatches = pgTable('audit_batches', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  firstSeq: bigint('first_seq', { mode: 'number' }).notNull().unique('audit_batches_first_seq_unique'),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().unique('audit_batches_last_seq_unique'),
  batchRoot: text('batch_root').notNull(),
  prevChainHash: text('prev_chain_hash').notNull(),
  chainHash: text('chain_hash').notNull(),
  checkpoint: text('checkpoint').notNull(),
  sealedAt: timestamp('sealed_at', { withTimezone: true }).notNull().defaultNow(),
  exportedAt: timestamp('exported_at', { withTimezone: true }),
});

/** The single row sealers lock; the verifier never trusts it (it recomputes everything). */
export const auditChainHead = pgTable(
  'audit_chain_head',
  {
    id: smallint('id').primaryKey().default(1),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    lastBatchId: bigint('last_batch_id', { mode: 'number' }).notNull().default(0),
    chainHash: text('chain_hash').notNull(),
  },
  (t) => [check('audit_chain_head_single_row', sql`${t.id} = 1`)],
);

/**
 * Retention pruning (security.md L6): one row per prune. Entries with seq <= `through_seq` were
 * deleted; the batch ending there (`batch_id`) stays, and so does its signed `checkpoint`, whose root
 * is `chain_hash`. `signature` is a signed note over the anchor's fields (prune-anchor.ts), so the
 * verifier starts from the newest anchor and can tell a legitimate prune from a deletion. The
 * delete guard (migration `audit_prune`) admits a DELETE only below an anchor, inside the prune
 * job's transaction; anchors themselves are append-only.
 */
export const auditPruneAnchors = pgTable('audit_prune_anchors', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  throughSeq: bigint('through_seq', { mode: 'number' }).notNull().unique('audit_prune_anchors_through_seq_unique'),
  prevThroughSeq: bigint('prev_through_seq', { mode: 'number' }).notNull(),
  batchId: bigint('batch_id', { mode: 'number' }).notNull(),
  chainHash: text('chain_hash').notNull(),
  checkpoint: text('checkpoint').notNull(),
  /** Every pruned entry occurred before this instant (the retention horizon of the run). */
  cutoff: timestamp('cutoff', { withTimezone: true }).notNull(),
  entries: bigint('entries', { mode: 'number' }).notNull(),
  signature: text('signature').notNull(),
  prunedAt: timestamp('pruned_at', { withTimezone: true }).notNull().defaultNow(),
});

export type AuditEntryRow = typeof auditEntries.$inferSelect;
export type NewAuditEntryRow = typeof auditEntries.$inferInsert;
export type AuditBatchRow = typeof auditBatches.$inferSelect;
export type AuditPruneAnchorRow = typeof auditPruneAnchors.$inferSelect;
