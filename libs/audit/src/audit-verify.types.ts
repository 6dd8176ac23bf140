import type { KeyObject } from 'node:crypto';

/** What `AuditVerifier.verify` reports; see audit-verifier.ts. */
export type AuditVerifyFailure =
  | 'unexpected_entry'
  | 'missing_entry'
  | 'wrong_batch'
  | 'entry_hash_mismatch'
  | 'entry_differs_from_export'
  | 'batch_missing'
  | 'batch_root_mismatch'
  | 'chain_link_broken'
  | 'chain_hash_mismatch'
  | 'batch_signature_invalid'
  | 'checkpoint_mismatch'
  | 'checkpoint_signature_invalid'
  | 'checkpoint_export_invalid'
  | 'truncated'
  | 'prune_anchor_invalid';

export interface AuditVerifyProblem {
  /** The first entry that is missing, altered, or no longer backed by valid evidence. */
  seq: number;
  reason: AuditVerifyFailure;
  detail: string;
  batchId?: number;
}

export interface AuditVerifyReport {
  ok: boolean;
  /** Sealed entries and batches verified before the first problem (all of them when ok). */
  entries: number;
  batches: number;
  lastSeq: number;
  unsealed: number;
  /** Entries 1..prunedThroughSeq were removed by a legitimate, signed retention prune (0: none). */
  prunedThroughSeq: number;
  /** Prune anchors checked (each signed, each matching its batch's signed checkpoint). */
  pruneAnchors: number;
  /** Exported batch files compared with the database. */
  exportsCompared: number;
  /** Sealed entries whose leaf hash was compared with an exported one. */
  entriesBackedByExport: number;
  problem?: AuditVerifyProblem;
}

export interface AuditVerifyOptions {
  /** Exported checkpoints to compare with (default: AUDIT_CHECKPOINT_DIR; false: database only). */
  checkpointDir?: string | false;
  /** Further checkpoint notes obtained elsewhere (e.g. from a witness or an auditor's copy). */
  checkpoints?: string[];
  /** Keys trusted to sign checkpoints (default: the configured signing key's public key). */
  publicKeys?: KeyObject[];
  onProgress?: (progress: { entries: number; lastSeq: number }) => void;
}
