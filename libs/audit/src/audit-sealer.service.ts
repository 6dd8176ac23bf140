import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, DatabaseService, JobHandler, QueueService, defineJob, serializeError, type Tx } from '@app/platform';
import { AuditChainRepository } from './audit-chain.repository';
import { chainHash, leafHash, merkleRoot } from './audit-hashing';
import { signCheckpoint } from './checkpoint-note';
import { CheckpointStore, type BatchExport } from './checkpoint-store';

/**
 * The sealer: turns unsealed entries into the tamper-evident chain.
 *
 * Writers INSERT concurrently and never wait for each other. A sealer locks the single chain-head
 * row (so sealers serialise among themselves only), takes unsealed entries (those without a row in
 * audit_entry_seals) in insert-id order, gives them the next gap-free `seq`s (identity ids have gaps
 * on rollback; seq never does), hashes each (leaf), records the batch's seals with one INSERT (an
 * entry is never rewritten), builds the batch's Merkle root, links it to the previous batch, signs
 * the resulting checkpoint (Ed25519) and commits — all in one transaction. An entry committed late
 * by a slow transaction simply lands in a later batch (the search floor never passes it). After
 * commit, batches are exported to the checkpoint directory; a failed export is retried by the next
 * run (`exported_at` stays null).
 *
 * Runs as a repeating job (`audit.seal`, every AUDIT_SEAL_INTERVAL_MS) in the worker role; tests
 * and tools call `seal()` directly.
 */
declare module '@app/platform' {
  interface JobPayloads {
    'audit.seal': Record<string, never>;
  }
}

export const sealAuditJob = defineJob({
  name: 'audit.seal',
  queue: 'audit',
  // A failed run is simply repeated by the next tick; no retry pile-up.
  options: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
  concurrency: 1,
});

export interface SealOptions {
  /** Entries per batch (default 1000). */
  batchSize?: number;
  /** Batches per call (default 100), so one run is bounded. */
  maxBatches?: number;
}

export interface SealResult {
  batches: number;
  entries: number;
  lastSeq: number;
  exported: number;
}

@Injectable()
export class AuditSealer implements OnApplicationBootstrap {
  private readonly logger = new Logger('AuditSealer');
  readonly store: CheckpointStore;

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly chain: AuditChainRepository,
    private readonly queues: QueueService,
  ) {
    this.store = new CheckpointStore(config.audit.checkpointDir);
  }

  onApplicationBootstrap(): void {
    if (!this.config.hasRole('worker') || this.config.audit.sealIntervalMs === 0) return;
    this.queues.declareSchedule('audit-seal', 'audit.seal', { every: this.config.audit.sealIntervalMs }, {});
  }

  @JobHandler('audit.seal')
  async handleSealJob(): Promise<void> {
    await this.seal();
  }

  async seal(options: SealOptions = {}): Promise<SealResult> {
    const batchSize = options.batchSize ?? 1000;
    const result: SealResult = { batches: 0, entries: 0, lastSeq: 0, exported: 0 };
    let exportFailed = false;
    for (let i = 0; i < (options.maxBatches ?? 100); i++) {
      const sealed = await this.database.transaction((tx) => this.sealBatch(tx, batchSize));
      if (!sealed) break;
      result.batches += 1;
      result.entries += sealed.leafHashes.length;
      result.lastSeq = sealed.lastSeq;
      // Exported from memory right after commit; a failure leaves exported_at null for exportPending.
      if (!exportFailed && (await this.exportBatch(sealed, true))) result.exported += 1;
      else exportFailed = true;
      if (sealed.leafHashes.length < batchSize) break;
    }
    if (exportFailed || result.batches === 0) result.exported += await this.exportPending();
    return result;
  }

  private async sealBatch(tx: Tx, batchSize: number): Promise<BatchExport | undefined> {
    const head = await this.chain.lockHead(tx);
    const floor = await this.chain.advanceFloor(tx, head);
    const entries = await this.chain.unsealed(tx, batchSize, floor);
    if (entries.length === 0) return undefined;
    const batchId = head.lastBatchId + 1;
    const firstSeq = head.lastSeq + 1;
    const seqs = entries.map((_, i) => firstSeq + i);
    const leaves = entries.map((entry, i) => leafHash({ ...entry.doc, seq: seqs[i], batch_id: batchId }));
    const lastSeq = firstSeq + entries.length - 1;
    const root = merkleRoot(leaves);
    const chain = chainHash(Buffer.from(head.chainHash, 'hex'), firstSeq, lastSeq, root);
    const checkpoint = signCheckpoint({ origin: this.config.audit.origin, treeSize: lastSeq, root: chain }, this.config.audit.signingKey);
    const leafHex = leaves.map((l) => l.toString('hex'));
    await this.chain.insertSeals(
      tx,
      batchId,
      entries.map((e) => e.id),
      seqs,
      leafHex,
    );
    await this.chain.insertBatch(tx, {
      id: batchId,
      firstSeq,
      lastSeq,
      batchRoot: root.toString('hex'),
      prevChainHash: head.chainHash,
      chainHash: chain.toString('hex'),
      checkpoint,
    });
    await this.chain.updateHead(tx, { lastSeq, lastBatchId: batchId, chainHash: chain.toString('hex') });
    return {
      format: 'bianca-audit-batch/v1',
      origin: this.config.audit.origin,
      batchId,
      firstSeq,
      lastSeq,
      prevChainHash: head.chainHash,
      batchRoot: root.toString('hex'),
      leafHashes: leafHex,
      checkpoint,
    };
  }

  private async exportBatch(batch: BatchExport, isLatest: boolean): Promise<boolean> {
    try {
      await this.store.writeBatch(batch, isLatest);
      await this.chain.markExported(batch.batchId);
      return true;
    } catch (err) {
      // Sealing itself succeeded; the export is retried on the next run. Operators alert on this.
      this.logger.error({ err: serializeError(err), dir: this.store.dir, batchId: batch.batchId }, 'audit checkpoint export failed');
      return false;
    }
  }

  /** Writes sealed-but-unexported batches (an earlier export failed) to the checkpoint directory, oldest first. */
  async exportPending(): Promise<number> {
    let exported = 0;
    for (;;) {
      const batches = await this.chain.unexportedBatches(100);
      for (const [i, batch] of batches.entries()) {
        const leafHashes = await this.chain.leafHashesOf(batch);
        const ok = await this.exportBatch(
          {
            format: 'bianca-audit-batch/v1',
            origin: this.config.audit.origin,
            batchId: batch.id,
            firstSeq: batch.firstSeq,
            lastSeq: batch.lastSeq,
            prevChainHash: batch.prevChainHash,
            batchRoot: batch.batchRoot,
            leafHashes,
            checkpoint: batch.checkpoint,
          },
          i === batches.length - 1,
        );
        if (!ok) return exported;
        exported += 1;
      }
      if (batches.length < 100) return exported;
    }
  }
}
