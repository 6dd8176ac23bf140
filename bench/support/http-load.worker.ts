// Worker-thread entry of the HTTP load generator (see http-load.ts). Not a benchmark module.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { HttpTarget, LoadResult, SequentialResult, WorkerJob } from './http-load';
import { microBench } from './micro';
import { percentile, round } from './stats';

/** Gives up on a target that refuses everything instead of spinning for the whole duration. */
const MAX_ERRORS = 1000;

function requester(target: HttpTarget, agent: Agent): () => Promise<number> {
  const url = new URL(target.url);
  const options = {
    agent,
    method: 'GET',
    hostname: url.hostname,
    port: url.port,
    path: `${url.pathname}${url.search}`,
    headers: target.headers,
  };
  return () =>
    new Promise<number>((resolve, reject) => {
      const req = request(options, (res) => {
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.resume();
      });
      req.on('error', reject);
      req.end();
    });
}

async function load(job: Extract<WorkerJob, { kind: 'load' }>): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const get = requester(job.target, agent);
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let recording = false;
  let deadline = performance.now() + job.warmupMs;

  const client = async (): Promise<void> => {
    while (performance.now() < deadline && errors < MAX_ERRORS) {
      const started = performance.now();
      try {
        const status = await get();
        if (!recording) continue;
        latencies.push(performance.now() - started);
        if (status < 200 || status > 299) non2xx++;
      } catch {
        if (recording) errors++;
      }
    }
  };

  if (job.warmupMs > 0) await Promise.all(Array.from({ length: job.concurrency }, client));
  recording = true;
  const started = performance.now();
  deadline = started + job.durationMs;
  await Promise.all(Array.from({ length: job.concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();

  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    non2xx,
    seconds: round(seconds),
    rps: round(latencies.length / seconds),
    p50Ms: round(percentile(sorted, 50)),
    p90Ms: round(percentile(sorted, 90)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.length > 0 ? sorted[sorted.length - 1] : Number.NaN),
  };
}

async function sequential(job: Extract<WorkerJob, { kind: 'sequential' }>): Promise<SequentialResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = requester(job.target, agent);
  const stats = await microBench(
    {
      request: async () => {
        const status = await get();
        if (status < 200 || status > 299) throw new Error(`answered ${status}`);
      },
    },
    { timeMs: job.durationMs, warmupMs: job.warmupMs },
  );
  agent.destroy();
  const { samples, meanUs, p50Us, p99Us, rmePct } = stats.request;
  return { samples, meanUs, p50Us, p99Us, rmePct };
}

async function main(): Promise<void> {
  const job = workerData as WorkerJob;
  try {
    const result = job.kind === 'load' ? await load(job) : await sequential(job);
    parentPort?.postMessage({ ok: true, result });
  } catch (err) {
    parentPort?.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
  }
}

void main();
