import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * An HTTP load generator running in a worker thread, so the client has its own event loop (and,
 * on a 2-core box, its own core) instead of competing with the server under test. The same
 * generator and settings drive every target of a comparison.
 */
export interface HttpTarget {
  url: string;
  headers: Record<string, string>;
}

export interface LoadOptions {
  /** Requests in flight at any time (one keep-alive connection each). */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  non2xx: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** One request at a time on one keep-alive connection, timed by tinybench. */
export interface SequentialResult {
  samples: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
  rmePct: number;
}

export type WorkerJob =
  ({ kind: 'load'; target: HttpTarget } & LoadOptions) | { kind: 'sequential'; target: HttpTarget; warmupMs: number; durationMs: number };

function runJob<T>(job: WorkerJob): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'http-load.worker.js'), { workerData: job });
    let settled = false;
    worker.once('message', (message: { ok: true; result: T } | { ok: false; error: string }) => {
      settled = true;
      if (message.ok) resolve(message.result);
      else reject(new Error(message.error));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`load worker exited with code ${code} without a result`));
    });
  });
}

/** Closed-loop load: `concurrency` clients each send the next request when the previous answers. */
export function runLoad(target: HttpTarget, options: LoadOptions): Promise<LoadResult> {
  return runJob<LoadResult>({ kind: 'load', target, ...options });
}

export function runSequential(target: HttpTarget, options: { warmupMs: number; durationMs: number }): Promise<SequentialResult> {
  return runJob<SequentialResult>({ kind: 'sequential', target, ...options });
}
