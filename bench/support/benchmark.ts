/**
 * The contract between `bench/run.ts` and a benchmark module. A module is a file named
 * `bench/<area>.bench.ts` exporting `benchmark: Benchmark`; the runner finds it by its name.
 */
export interface BenchRatio {
  /** What is divided by what, e.g. `nest/bare req/s`. */
  name: string;
  value: number;
  /** The goal as written in the performance notes (e.g. `≥0.8 (G14)`); printed, never enforced. */
  goal?: string;
}

export interface BenchResult {
  /** Raw measurements; numbers carry their unit in the key (`_ms`, `_us`, `rps`). */
  metrics: Record<string, number | string>;
  ratios: BenchRatio[];
}

export interface Benchmark {
  /** Short, unique, used on the command line: `npm run bench -- platform`. */
  name: string;
  description: string;
  run(): Promise<BenchResult>;
}
