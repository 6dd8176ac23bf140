import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The tamper-evident audit log (security.md L1–L5).
 *
 * Writers only INSERT (`id` is an identity: cheap, concurrent, but with gaps on rollback). Rows are
 * never rewritten: the sealer records each entry's gap-free `seq`, `batch_id` and `leaf_hash` in
 * the insert-only `audit_entry_seals` (one narrow row per entry), under a row lock on
 * `audit_chain_head`, so writers never serialise on the chain. Triggers (migrations
 * `audit_append_only`, `audit_prune_guard`, `audit_seal_table`) reject every UPDATE, TRUNCATE, and
 * every DELETE except the retention prune below a signed anchor (AuditPruner, `audit_prune_anchors`).
 *
 * Adding a column: add it to ENTRY_HASH_COLUMNS (audit-chain.repository.ts) too, or a test fails.
 */
export const auditEntries = pgTable(
  'audit_entries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
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
    index('audit_entries_org_time_idx').on(t.orgId, t.occurredAt),
    index('audit_entries_actor_time_idx').on(t.actorId, t.occurredAt),
    index('audit_entries_patient_ids_idx').using('gin', t.patientIds),
    check('audit_entries_outcome_check', sql`${t.outcome} in ('success', 'denied', 'failure')`),
    check('audit_entries_severity_check', sql`${t.severity} in ('info', 'warning', 'high')`),
  ],
);

/**
 * The seal of one entry (insert-only): its gap-free `seq`, its batch and its RFC 6962 leaf hash (of
 * the JCS of the entry's columns plus `seq` and `batch_id`). Sealing adds these rows instead of
 * rewriting the entry, so an entry is written exactly once. No foreign key: the seals of pruned
 * entries stay (hashes only, no PHI). An entry without a seal row is unsealed.
 */
export const auditEntrySeals = pgTable('audit_entry_seals', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  entryId: bigint('entry_id', { mode: 'number' }).notNull().unique('audit_entry_seals_entry_id_unique'),
  batchId: bigint('batch_id', { mode: 'number' }).notNull(),
  leafHash: text('leaf_hash').notNull(),
});

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
    /**
     * Where the sealer's search for unsealed entries starts: every entry with id <= this is sealed
     * or will never exist (rolled back). Advanced only to ids allocated before a moment no still-open
     * transaction predates (`floor_candidate_*`), so a slow writer's entry is never skipped.
     */
    sealedFloorId: bigint('sealed_floor_id', { mode: 'number' }).notNull().default(0),
    floorCandidateId: bigint('floor_candidate_id', { mode: 'number' }).notNull().default(0),
    floorCandidateAt: timestamp('floor_candidate_at', { withTimezone: true }),
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
export type AuditEntrySealRow = typeof auditEntrySeals.$inferSelect;
export type AuditBatchRow = typeof auditBatches.$inferSelect;
export type AuditPruneAnchorRow = typeof auditPruneAnchors.$inferSelect;
