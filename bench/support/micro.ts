import { Bench } from 'tinybench';
import { round } from './stats';

export interface MicroStats {
  samples: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
  opsPerSec: number;
  /** Relative margin of error of the mean, in percent. */
  rmePct: number;
}

export interface MicroOptions {
  /** Measuring time budget per task (ms). */
  timeMs?: number;
  warmupMs?: number;
}

/**
 * Micro-benchmarks through tinybench: each task runs sequentially (one call at a time) for the
 * time budget after a warm-up; latency is reported in microseconds. A task that throws fails the
 * whole run (a benchmark of an error path would measure the wrong thing).
 */
export async function microBench(tasks: Record<string, () => unknown>, options: MicroOptions = {}): Promise<Record<string, MicroStats>> {
  const bench = new Bench({ time: options.timeMs ?? 1000, warmupTime: options.warmupMs ?? 200, throws: true });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  const out: Record<string, MicroStats> = {};
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== 'completed') {
      throw new Error(`micro-benchmark ${task.name} ended in state ${result.state}`);
    }
    out[task.name] = {
      samples: result.latency.samplesCount,
      meanUs: round(result.latency.mean * 1000),
      p50Us: round(result.latency.p50 * 1000),
      p99Us: round(result.latency.p99 * 1000),
      opsPerSec: round(result.throughput.mean),
      rmePct: round(result.latency.rme),
    };
  }
  return out;
}
