import { Injectable } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { AppConfig, DatabaseService, type Tx } from '@app/platform';
import { AuditChainRepository, type EntryDocument } from './audit-chain.repository';
import { GENESIS_CHAIN_HASH, chainHash, leafHash, merkleRoot } from './audit-hashing';
import type { AuditBatchRow, AuditPruneAnchorRow } from './audit.table';
import { openCheckpoint } from './checkpoint-note';
import { CheckpointStore } from './checkpoint-store';
import { ExportCursor, ExportProblem } from './export-cursor';
import { verifyPruneStatement } from './prune-anchor';
import type { AuditVerifyFailure, AuditVerifyOptions, AuditVerifyProblem, AuditVerifyReport } from './audit-verify.types';

/**
 * Recomputes the whole chain from the rows (never trusting a stored hash) and reports the first
 * bad entry by seq. Checks, in seq order: gap-free seq and batch ranges, every entry's leaf hash
 * (JCS of all its columns), each batch's Merkle root, chain link and signed checkpoint, and — when
 * the exported checkpoints are available — every leaf and root against the export. Only the
 * export detects a truncated tail or a suffix rewritten with recomputed hashes and signatures.
 */
class VerifyFailed extends Error {
  constructor(readonly problem: AuditVerifyProblem) {
    super(problem.detail);
  }
}

function fail(seq: number, reason: AuditVerifyFailure, detail: string, batchId?: number): never {
  throw new VerifyFailed({ seq, reason, detail, batchId });
}

const PAGE = 5000;

/** One verification pass: the state carried between batches. */
interface Pass {
  origin: string;
  keys: KeyObject[];
  exports: ExportCursor | undefined;
  extra: Map<number, string>;
  report: AuditVerifyReport;
  prevChain: Buffer;
  entries: EntryDocument[];
  entryIndex: number;
  afterSeq: number;
  /** Valid prune anchors by batch id; entries up to the newest one's seq are legitimately gone. */
  anchors: Map<number, AuditPruneAnchorRow>;
  prunedThroughSeq: number;
}

@Injectable()
export class AuditVerifier {
  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly chain: AuditChainRepository,
  ) {}

  async verify(options: AuditVerifyOptions = {}): Promise<AuditVerifyReport> {
    const report: AuditVerifyReport = {
      ok: true,
      entries: 0,
      batches: 0,
      lastSeq: 0,
      unsealed: 0,
      prunedThroughSeq: 0,
      pruneAnchors: 0,
      exportsCompared: 0,
      entriesBackedByExport: 0,
    };
    const keys = options.publicKeys ?? [createPublicKey(this.config.audit.signingKey)];
    const origin = this.config.audit.origin;
    const dir = options.checkpointDir === undefined ? this.config.audit.checkpointDir : options.checkpointDir;
    try {
      const exports = dir === false ? undefined : await ExportCursor.open(new CheckpointStore(dir), origin, keys);
      const extra = this.openExtraCheckpoints([...(options.checkpoints ?? []), ...(exports?.latest ? [exports.latest] : [])], origin, keys);
      await this.database.transaction(async (tx) => {
        await this.chain.snapshot(tx);
        const pass: Pass = {
          origin,
          keys,
          exports,
          extra,
          report,
          prevChain: Buffer.from(GENESIS_CHAIN_HASH, 'hex'),
          entries: [],
          entryIndex: 0,
          afterSeq: Number.MIN_SAFE_INTEGER,
          anchors: new Map(),
          prunedThroughSeq: 0,
        };
        await this.openAnchors(tx, pass);
        await this.walk(tx, pass, options);
        report.unsealed = await this.chain.countUnsealed(tx);
      });
    } catch (err) {
      if (err instanceof ExportProblem) {
        report.ok = false;
        report.problem = { seq: err.seq, reason: err.reason, detail: err.message };
      } else if (err instanceof VerifyFailed) {
        report.ok = false;
        report.problem = err.problem;
      } else {
        throw err;
      }
    }
    return report;
  }

  /** Signed notes from elsewhere, by tree size; a bad one fails at once (it is not evidence). */
  private openExtraCheckpoints(notes: string[], origin: string, keys: KeyObject[]): Map<number, string> {
    const roots = new Map<number, string>();
    for (const note of notes) {
      const opened = openCheckpoint(note, origin, keys);
      if (!opened.checkpoint) {
        const size = Number(/\n(\d+)\n/.exec(note)?.[1] ?? 0);
        fail(size, 'checkpoint_signature_invalid', `checkpoint of tree size ${size} does not verify (${opened.problem})`);
      }
      roots.set(opened.checkpoint.treeSize, opened.checkpoint.root.toString('hex'));
    }
    return roots;
  }

  private async walk(tx: Tx, pass: Pass, options: AuditVerifyOptions): Promise<void> {
    let afterBatch = 0;
    for (;;) {
      const batches = await this.chain.batchesAfter(tx, afterBatch, 500);
      for (const batch of batches) {
        if (batch.id !== afterBatch + 1)
          fail(pass.report.lastSeq + 1, 'batch_missing', `batch ${afterBatch + 1} is missing`, afterBatch + 1);
        if (batch.lastSeq <= pass.prunedThroughSeq) await this.verifyPrunedBatch(tx, pass, batch);
        else await this.verifyBatch(tx, pass, batch);
        afterBatch = batch.id;
        options.onProgress?.({ entries: pass.report.entries, lastSeq: pass.report.lastSeq });
      }
      if (batches.length < 500) break;
    }
    const unmatched = [...pass.anchors.values()][0];
    if (unmatched) fail(unmatched.throughSeq, 'prune_anchor_invalid', `prune anchor at seq ${unmatched.throughSeq} names no sealed batch`);
    await this.verifyTail(tx, pass);
  }

  /**
   * The retention prune anchors (security.md L6), oldest first: each must be signed by a trusted
   * key over exactly its fields, continue the previous one, and carry the signed checkpoint of the
   * chain at its seq. The walk then checks each against its batch; entries up to the newest anchor
   * are not expected any more. An anchor that fails is reported at its seq: the prune is not proven.
   */
  private async openAnchors(tx: Tx, pass: Pass): Promise<void> {
    let previous = 0;
    for (const anchor of await this.chain.pruneAnchors(tx)) {
      const bad = (detail: string): never =>
        fail(anchor.throughSeq, 'prune_anchor_invalid', `prune anchor at seq ${anchor.throughSeq}: ${detail}`);
      if (anchor.prevThroughSeq !== previous || anchor.throughSeq <= previous) bad(`does not continue the previous prune (at ${previous})`);
      const statement = {
        origin: pass.origin,
        throughSeq: anchor.throughSeq,
        prevThroughSeq: anchor.prevThroughSeq,
        batchId: anchor.batchId,
        chainHash: anchor.chainHash,
        cutoff: anchor.cutoff,
      };
      if (!verifyPruneStatement(anchor.signature, statement, pass.keys)) bad('signature does not verify');
      const opened = openCheckpoint(anchor.checkpoint, pass.origin, pass.keys);
      if (
        !opened.checkpoint ||
        opened.checkpoint.treeSize !== anchor.throughSeq ||
        opened.checkpoint.root.toString('hex') !== anchor.chainHash
      ) {
        bad('its checkpoint does not commit to the pruned chain');
      }
      pass.anchors.set(anchor.batchId, anchor);
      previous = anchor.throughSeq;
    }
    pass.prunedThroughSeq = previous;
    pass.afterSeq = previous;
    pass.report.pruneAnchors = pass.anchors.size;
    pass.report.prunedThroughSeq = previous;
  }

  /**
   * A batch whose entries were pruned: its header still chains (link, chain hash from the stored
   * root, signed checkpoint, exported root), and a batch an anchor names must be exactly that anchor.
   */
  private async verifyPrunedBatch(tx: Tx, pass: Pass, batch: AuditBatchRow): Promise<void> {
    const expectedFirst = pass.report.lastSeq + 1;
    if (batch.firstSeq !== expectedFirst || batch.lastSeq < batch.firstSeq) {
      fail(
        expectedFirst,
        'batch_missing',
        `batch ${batch.id} covers ${batch.firstSeq}..${batch.lastSeq}, expected it to start at ${expectedFirst}`,
        batch.id,
      );
    }
    await pass.exports?.leaf(batch.lastSeq);
    this.verifyBatchCommitments(pass, batch, undefined);
    const anchor = pass.anchors.get(batch.id);
    if (anchor) {
      if (anchor.throughSeq !== batch.lastSeq || anchor.chainHash !== batch.chainHash) {
        fail(
          anchor.throughSeq,
          'prune_anchor_invalid',
          `prune anchor at seq ${anchor.throughSeq} does not match batch ${batch.id}`,
          batch.id,
        );
      }
      pass.anchors.delete(batch.id);
    }
    pass.report.lastSeq = batch.lastSeq;
    pass.report.batches += 1;
  }

  private async nextEntry(tx: Tx, pass: Pass): Promise<EntryDocument | undefined> {
    if (pass.entryIndex >= pass.entries.length) {
      pass.entries = await this.chain.sealedAfter(tx, pass.afterSeq, PAGE);
      pass.entryIndex = 0;
      if (pass.entries.length === 0) return undefined;
    }
    return pass.entries[pass.entryIndex];
  }

  private async verifyBatch(tx: Tx, pass: Pass, batch: AuditBatchRow): Promise<void> {
    const expectedFirst = pass.report.lastSeq + 1;
    if (batch.firstSeq !== expectedFirst || batch.lastSeq < batch.firstSeq) {
      fail(
        expectedFirst,
        'batch_missing',
        `batch ${batch.id} covers ${batch.firstSeq}..${batch.lastSeq}, expected it to start at ${expectedFirst}`,
        batch.id,
      );
    }
    const leaves: Buffer[] = [];
    for (let seq = batch.firstSeq; seq <= batch.lastSeq; seq++) {
      leaves.push(await this.verifyEntry(tx, pass, batch, seq));
    }
    this.verifyBatchCommitments(pass, batch, leaves);
    pass.report.batches += 1;
  }

  private async verifyEntry(tx: Tx, pass: Pass, batch: AuditBatchRow, seq: number): Promise<Buffer> {
    const entry = await this.nextEntry(tx, pass);
    if (!entry || entry.seq !== seq) {
      if (entry && (entry.seq as number) < seq)
        fail(entry.seq as number, 'unexpected_entry', `an entry with seq ${entry.seq} is out of sequence`, batch.id);
      fail(seq, 'missing_entry', `entry ${seq} is missing`, batch.id);
    }
    pass.entryIndex += 1;
    pass.afterSeq = seq;
    if (entry.doc === null) fail(seq, 'missing_entry', `entry ${seq} is missing (its seal remains)`, batch.id);
    if (entry.batchId !== batch.id) fail(seq, 'wrong_batch', `entry ${seq} names batch ${entry.batchId}, expected ${batch.id}`, batch.id);
    const leaf = leafHash(entry.doc);
    if (entry.leafHash !== leaf.toString('hex'))
      fail(seq, 'entry_hash_mismatch', `entry ${seq} does not match its sealed hash (altered after sealing)`, batch.id);
    const exported = await pass.exports?.leaf(seq);
    if (exported !== undefined) {
      if (exported !== leaf.toString('hex'))
        fail(seq, 'entry_differs_from_export', `entry ${seq} differs from the exported checkpoint`, batch.id);
      pass.report.entriesBackedByExport += 1;
    }
    pass.report.entries += 1;
    pass.report.lastSeq = seq;
    return leaf;
  }

  /** `leaves` undefined: a pruned batch, whose stored root is taken as committed by its chain hash. */
  private verifyBatchCommitments(pass: Pass, batch: AuditBatchRow, leaves: Buffer[] | undefined): void {
    const at = (reason: AuditVerifyFailure, detail: string): never =>
      fail(batch.firstSeq, reason, `batch ${batch.id}: ${detail}`, batch.id);
    const root = leaves ? merkleRoot(leaves) : Buffer.from(batch.batchRoot, 'hex');
    if (batch.batchRoot !== root.toString('hex')) at('batch_root_mismatch', 'Merkle root does not match its entries');
    if (batch.prevChainHash !== pass.prevChain.toString('hex')) at('chain_link_broken', 'does not link to the previous batch');
    const chain = chainHash(pass.prevChain, batch.firstSeq, batch.lastSeq, root);
    if (batch.chainHash !== chain.toString('hex')) at('chain_hash_mismatch', 'chain hash does not match');
    const opened = openCheckpoint(batch.checkpoint, pass.origin, pass.keys);
    if (!opened.checkpoint) return at('batch_signature_invalid', `checkpoint does not verify (${opened.problem})`);
    if (opened.checkpoint.treeSize !== batch.lastSeq || !opened.checkpoint.root.equals(chain))
      at('batch_signature_invalid', 'signed checkpoint does not commit to this batch');
    for (const [size, exportedRoot] of pass.exports?.rootsWithin(batch.firstSeq, batch.lastSeq) ?? []) {
      pass.report.exportsCompared += 1;
      if (size !== batch.lastSeq || exportedRoot !== chain.toString('hex'))
        at('checkpoint_mismatch', `exported checkpoint of tree size ${size} does not match`);
    }
    for (const [size, extraRoot] of pass.extra) {
      if (size >= batch.firstSeq && size <= batch.lastSeq && (size !== batch.lastSeq || extraRoot !== chain.toString('hex'))) {
        at('checkpoint_mismatch', `checkpoint of tree size ${size} does not match`);
      }
    }
    pass.prevChain = chain;
  }

  /** After the last batch: nothing sealed beyond it, and no evidence of a longer log. */
  private async verifyTail(tx: Tx, pass: Pass): Promise<void> {
    const stray = await this.nextEntry(tx, pass);
    if (stray) fail(stray.seq as number, 'unexpected_entry', `entry ${stray.seq} is sealed outside any batch`);
    const next = pass.report.lastSeq + 1;
    const longest = Math.max((await pass.exports?.verifiedSizeBeyond(pass.report.lastSeq)) ?? 0, ...pass.extra.keys());
    if (longest > pass.report.lastSeq) {
      fail(next, 'truncated', `the log ends at seq ${pass.report.lastSeq} but a signed checkpoint covers ${longest} entries`);
    }
    const head = await this.chain.headSnapshot(tx);
    if (head.lastSeq !== pass.report.lastSeq) {
      fail(
        Math.min(next, head.lastSeq + 1),
        head.lastSeq > pass.report.lastSeq ? 'truncated' : 'unexpected_entry',
        `chain head says ${head.lastSeq} entries`,
      );
    }
  }
}
