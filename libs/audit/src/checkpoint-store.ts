import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCheckpoint } from './checkpoint-note';

/**
 * The exported copy of the log's commitments, meant for a separate system (an object-lock bucket
 * mount, another account; security.md L4). One JSON file per sealed batch — its signed checkpoint
 * plus the leaf hashes it commits to (no entry contents, hence no PHI) — and `checkpoint`, the
 * latest note. The leaf hashes let the verifier name the exact first altered entry even when an
 * attacker rewrote the database suffix with recomputed hashes and signatures; each file is
 * self-authenticating against its signed checkpoint (the verifier recomputes root and chain).
 */
export interface BatchExport {
  format: 'bianca-audit-batch/v1';
  origin: string;
  batchId: number;
  firstSeq: number;
  lastSeq: number;
  prevChainHash: string;
  batchRoot: string;
  leafHashes: string[];
  checkpoint: string;
}

const BATCH_FILE = /^(\d{16})\.json$/;

export function batchFileName(lastSeq: number): string {
  return `${String(lastSeq).padStart(16, '0')}.json`;
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, content, { mode: 0o640 });
  await rename(temp, path);
}

export class CheckpointStore {
  constructor(readonly dir: string) {}

  private get batchesDir(): string {
    return join(this.dir, 'batches');
  }

  async writeBatch(batch: BatchExport, isLatest: boolean): Promise<void> {
    await mkdir(this.batchesDir, { recursive: true });
    await writeAtomically(join(this.batchesDir, batchFileName(batch.lastSeq)), `${JSON.stringify(batch)}\n`);
    // Two sealer processes may export concurrently: never move `checkpoint` backwards.
    if (isLatest && (parseCheckpoint((await this.readLatest()) ?? '')?.treeSize ?? -1) < batch.lastSeq) {
      await writeAtomically(join(this.dir, 'checkpoint'), batch.checkpoint);
    }
  }

  /** Tree sizes (last seqs) of the exported batches, ascending. */
  async listBatches(): Promise<number[]> {
    const names = await readdir(this.batchesDir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    });
    return names
      .map((name) => BATCH_FILE.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  /** The file's JSON, or undefined when it is not parseable (the verifier reports it). */
  async readBatch(lastSeq: number): Promise<BatchExport | undefined> {
    try {
      return JSON.parse(await readFile(join(this.batchesDir, batchFileName(lastSeq)), 'utf8')) as BatchExport;
    } catch {
      return undefined;
    }
  }

  async readLatest(): Promise<string | undefined> {
    return readFile(join(this.dir, 'checkpoint'), 'utf8').catch(() => undefined);
  }
}
