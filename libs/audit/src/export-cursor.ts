import type { KeyObject } from 'node:crypto';
import type { AuditVerifyFailure } from './audit-verify.types';
import { chainHash, merkleRoot } from './audit-hashing';
import { openCheckpoint } from './checkpoint-note';
import type { BatchExport, CheckpointStore } from './checkpoint-store';

/** A problem with the exported evidence itself, reported at the first seq it vouches for. */
export class ExportProblem extends Error {
  constructor(
    readonly seq: number,
    readonly reason: AuditVerifyFailure,
    detail: string,
  ) {
    super(detail);
  }
}

interface OpenedExport {
  firstSeq: number;
  lastSeq: number;
  root: string;
  leafHashes: string[];
}

/**
 * Walks the exported batch files alongside the verifier's seq-ordered pass (a merge join), one
 * file in memory at a time. Each file is checked before use: signed checkpoint by a trusted key,
 * leaves → batch root → chain hash equal to the signed root. A file that fails is reported at the
 * first seq it covers.
 */
export class ExportCursor {
  private index = 0;
  private current: OpenedExport | undefined;

  private constructor(
    private readonly store: CheckpointStore,
    private readonly origin: string,
    private readonly keys: readonly KeyObject[],
    private readonly sizes: number[],
    readonly latest: string | undefined,
  ) {}

  static async open(store: CheckpointStore, origin: string, keys: readonly KeyObject[]): Promise<ExportCursor> {
    return new ExportCursor(store, origin, keys, await store.listBatches(), await store.readLatest());
  }

  /**
   * Tail truncation: the largest exported tree size beyond `lastSeq`, after checking that file
   * (a forged file name is not evidence). 0 when the export ends at or before `lastSeq`.
   */
  async verifiedSizeBeyond(lastSeq: number): Promise<number> {
    const size = this.sizes.at(-1);
    if (size === undefined || size <= lastSeq) return 0;
    await this.load(size, lastSeq + 1);
    return size;
  }

  /** The exported leaf hash of `seq`, or undefined when no export covers it. Calls ascend by seq. */
  async leaf(seq: number): Promise<string | undefined> {
    while (this.index < this.sizes.length && this.sizes[this.index] < seq) this.index += 1;
    const size = this.sizes[this.index];
    if (size === undefined) return undefined;
    if (this.current?.lastSeq !== size) this.current = await this.load(size, this.index > 0 ? this.sizes[this.index - 1] + 1 : 1);
    return seq >= this.current.firstSeq ? this.current.leafHashes[seq - this.current.firstSeq] : undefined;
  }

  /** Exported checkpoint roots whose tree size falls in first..last (checked files only). */
  rootsWithin(first: number, last: number): Array<[number, string]> {
    return this.current && this.current.lastSeq >= first && this.current.lastSeq <= last ? [[this.current.lastSeq, this.current.root]] : [];
  }

  private async load(size: number, fallbackFirst: number): Promise<OpenedExport> {
    const file = await this.store.readBatch(size);
    const first = typeof file?.firstSeq === 'number' ? Math.min(file.firstSeq, size) : fallbackFirst;
    const invalid = (detail: string): never => {
      throw new ExportProblem(first, 'checkpoint_export_invalid', `exported batch ending at ${size}: ${detail}`);
    };
    if (!file || file.format !== 'bianca-audit-batch/v1' || !Array.isArray(file.leafHashes)) return invalid('unreadable');
    const opened = openCheckpoint(String(file.checkpoint), this.origin, this.keys);
    if (!opened.checkpoint) {
      throw new ExportProblem(
        first,
        'checkpoint_signature_invalid',
        `exported checkpoint of tree size ${size} does not verify (${opened.problem})`,
      );
    }
    return this.consistent(file, opened.checkpoint.root, size, invalid);
  }

  /** The file's leaves must reproduce the signed root: then they are exactly what was sealed. */
  private consistent(file: BatchExport, signedRoot: Buffer, size: number, invalid: (detail: string) => never): OpenedExport {
    if (file.lastSeq !== size || file.leafHashes.length !== file.lastSeq - file.firstSeq + 1) return invalid('range does not match');
    const root = merkleRoot(file.leafHashes.map((h) => Buffer.from(h, 'hex')));
    const chain = chainHash(Buffer.from(file.prevChainHash, 'hex'), file.firstSeq, file.lastSeq, root);
    if (!chain.equals(signedRoot)) return invalid('leaf hashes do not reproduce the signed checkpoint');
    return { firstSeq: file.firstSeq, lastSeq: file.lastSeq, root: chain.toString('hex'), leafHashes: file.leafHashes };
  }
}
