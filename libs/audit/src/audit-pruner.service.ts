import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, DatabaseService, type Tx } from '@app/platform';
import { AuditChainRepository } from './audit-chain.repository';
import { AuditService } from './audit.service';
import { AuditPruneRefusedError } from './audit.errors';
import { leafHash, merkleRoot } from './audit-hashing';
import { signPruneStatement } from './prune-anchor';

/** The retention floor (HIPAA documentation: 6 years): nothing younger is ever pruned. */
export const AUDIT_PRUNE_FLOOR_DAYS = 2192;
const DAY_MS = 86_400_000;

export interface AuditPruneOptions {
  /**
   * Every pruned entry must have occurred before this instant (checked, and signed into the
   * anchor). Must itself be at least AUDIT_PRUNE_FLOOR_DAYS before `now`.
   */
  cutoff: Date;
  now: Date;
  /**
   * The first sealed seq in (afterSeq, uptoSeq] that must be kept (inside its org's retention or
   * under legal hold), or undefined when all of them may go. Runs in the prune transaction, after
   * the chain head is locked, so no batch is sealed meanwhile.
   */
  firstRetainedSeq(tx: Tx, afterSeq: number, uptoSeq: number): Promise<number | undefined>;
  /** Entries removed per transaction (default 50 000); the run repeats until nothing is left. */
  maxEntriesPerRun?: number;
}

export interface AuditPruneResult {
  anchors: number;
  entries: number;
  /** The seq the chain now starts after (0: never pruned). */
  prunedThroughSeq: number;
}

class PruneRefused extends Error {
  constructor(readonly reason: 'inside_retention' | 'chain_damaged') {
    super(reason);
  }
}

/**
 * Retention pruning of the audit log that keeps it verifiable (security.md L6). The log is one
 * chain for all orgs, so only a seq prefix can go, and only up to the end of a sealed, exported
 * batch: its signed checkpoint commits to the chain hash there. Each step, in one transaction:
 * lock the chain head, find the furthest such batch end before the first entry that must be kept,
 * insert a signed prune anchor (through seq, chain hash, checkpoint, cutoff), delete the entries
 * through the guarded path, and audit the prune itself. The verifier starts from the newest anchor;
 * a deletion without a valid anchor remains a gap.
 */
@Injectable()
export class AuditPruner {
  private readonly logger = new Logger('AuditPruner');

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly chain: AuditChainRepository,
    private readonly audit: AuditService,
  ) {}

  async prune(options: AuditPruneOptions): Promise<AuditPruneResult> {
    if (options.now.getTime() - options.cutoff.getTime() < AUDIT_PRUNE_FLOOR_DAYS * DAY_MS) {
      await this.refused('cutoff_inside_floor');
      throw new AuditPruneRefusedError('cutoff_inside_floor');
    }
    const result: AuditPruneResult = { anchors: 0, entries: 0, prunedThroughSeq: 0 };
    for (;;) {
      let step: { through: number; entries: number } | undefined;
      try {
        step = await this.database.transaction((tx) => this.step(tx, options, result));
      } catch (err) {
        if (!(err instanceof PruneRefused)) throw err;
        await this.refused(err.reason);
        throw new AuditPruneRefusedError(err.reason);
      }
      if (!step) break;
      result.anchors += 1;
      result.entries += step.entries;
      result.prunedThroughSeq = step.through;
    }
    if (result.anchors > 0) this.logger.log({ msg: 'audit entries pruned', ...result });
    return result;
  }

  private async step(
    tx: Tx,
    options: AuditPruneOptions,
    result: AuditPruneResult,
  ): Promise<{ through: number; entries: number } | undefined> {
    const head = await this.chain.lockHead(tx);
    const previous = await this.chain.latestPruneAnchor(tx);
    const after = previous?.throughSeq ?? 0;
    result.prunedThroughSeq = after;
    const upto = Math.min(head.lastSeq, after + (options.maxEntriesPerRun ?? 50_000));
    if (upto <= after) return undefined;
    const keep = await options.firstRetainedSeq(tx, after, upto);
    const boundary = await this.chain.pruneBoundary(tx, after, keep === undefined ? upto : Math.min(upto, keep - 1));
    if (!boundary) return undefined;
    const through = boundary.lastSeq;
    // The safety net: whatever the caller computed, nothing at or after the cutoff goes.
    const newest = await this.chain.lastOccurrence(tx, after, through);
    if (newest && newest.getTime() >= options.cutoff.getTime()) throw new PruneRefused('inside_retention');
    // Never launder damage: what is about to go must still match its sealed batches exactly.
    await this.checkRange(tx, after, through);
    const statement = {
      origin: this.config.audit.origin,
      throughSeq: through,
      prevThroughSeq: after,
      batchId: boundary.id,
      chainHash: boundary.chainHash,
      cutoff: options.cutoff,
    };
    await this.chain.insertPruneAnchor(tx, {
      throughSeq: through,
      prevThroughSeq: after,
      batchId: boundary.id,
      chainHash: boundary.chainHash,
      checkpoint: boundary.checkpoint,
      cutoff: options.cutoff,
      entries: through - after,
      signature: signPruneStatement(statement, this.config.audit.signingKey),
    });
    const entries = await this.chain.deletePruned(tx, after, through);
    if (entries !== through - after) throw new PruneRefused('chain_damaged');
    await this.audit.record(
      {
        action: 'audit.prune',
        resourceType: 'audit_chain',
        resourceIds: [`seq:${after + 1}-${through}`, `batch:${boundary.id}`],
        outcome: 'success',
        reason: 'audit_retention',
        severity: 'warning',
        actor: null,
        orgId: null,
      },
      tx,
    );
    return { through, entries };
  }

  /** Every entry in (after, through] present, in its batch, hashing to its sealed leaf; every batch root reproduced. */
  private async checkRange(tx: Tx, after: number, through: number): Promise<void> {
    const batches = await this.chain.batchesWithin(tx, after, through);
    let cursor = after;
    let page: Awaited<ReturnType<AuditChainRepository['sealedAfter']>> = [];
    let index = 0;
    for (const batch of batches) {
      if (batch.firstSeq !== cursor + 1) throw new PruneRefused('chain_damaged');
      const leaves: Buffer[] = [];
      for (let seq = batch.firstSeq; seq <= batch.lastSeq; seq++) {
        if (index >= page.length) {
          page = await this.chain.sealedAfter(tx, seq - 1, 5000);
          index = 0;
        }
        const entry = page[index++];
        const leaf = entry?.doc ? leafHash(entry.doc) : undefined;
        if (!entry || !leaf || entry.seq !== seq || entry.batchId !== batch.id || entry.leafHash !== leaf.toString('hex')) {
          throw new PruneRefused('chain_damaged');
        }
        leaves.push(leaf);
      }
      if (merkleRoot(leaves).toString('hex') !== batch.batchRoot) throw new PruneRefused('chain_damaged');
      cursor = batch.lastSeq;
    }
    if (cursor !== through) throw new PruneRefused('chain_damaged');
  }

  /** A refused prune is itself audit-worthy (high: someone tried to cut into retention). */
  private async refused(reason: string): Promise<void> {
    await this.audit.record({
      action: 'audit.prune',
      resourceType: 'audit_chain',
      outcome: 'denied',
      reason,
      severity: 'high',
      actor: null,
      orgId: null,
    });
  }
}
