// Benchmark runner: `npm run bench [-- <name> ...]`. Runs every bench/*.bench.ts module (or those
// named), prints their metrics and ratios with goals, and writes bench-results.json in the
// current directory. A number never fails the run; only a benchmark that crashes does (exit 1).
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readProcessEnv } from '@app/platform';
import type { Benchmark, BenchResult } from './support/benchmark';

interface Outcome {
  name: string;
  description: string;
  ok: boolean;
  seconds: number;
  metrics: BenchResult['metrics'];
  ratios: BenchResult['ratios'];
  error?: string;
}

const RESULTS_FILE = 'bench-results.json';

/** A benchmark that hangs counts as crashed after BENCH_TIMEOUT_MS (default 10 min). */
function benchTimeoutMs(): number {
  const value = Number(readProcessEnv().BENCH_TIMEOUT_MS);
  return Number.isInteger(value) && value > 0 ? value : 600_000;
}

function withTimeout<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not finish within ${ms} ms (BENCH_TIMEOUT_MS)`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function isBenchmark(value: unknown): value is Benchmark {
  const b = value as Partial<Benchmark> | undefined;
  return typeof b?.name === 'string' && typeof b.description === 'string' && typeof b.run === 'function';
}

/** Every `*.bench.js` next to this file (dist/bench), in name order. */
async function discover(): Promise<Benchmark[]> {
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .sort();
  const found: Benchmark[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(__dirname, file)).href)) as { benchmark?: unknown; default?: { benchmark?: unknown } };
    const candidate = mod.benchmark ?? mod.default?.benchmark;
    if (!isBenchmark(candidate)) throw new Error(`${file} does not export \`benchmark: Benchmark\``);
    found.push(candidate);
  }
  const names = new Set<string>();
  for (const b of found) {
    if (names.has(b.name)) throw new Error(`two benchmarks are named ${b.name}`);
    names.add(b.name);
  }
  return found;
}

function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${indent}${l}`).join('\n');
}

function printOutcome(o: Outcome): void {
  if (!o.ok) {
    out(`  CRASHED after ${o.seconds} s: ${o.error ?? 'unknown error'}`);
    return;
  }
  const keyWidth = Math.max(...Object.keys(o.metrics).map((k) => k.length), ...o.ratios.map((r) => r.name.length), 6);
  for (const [key, value] of Object.entries(o.metrics)) out(`  ${key.padEnd(keyWidth)}  ${String(value)}`);
  if (o.ratios.length > 0) {
    out();
    out(`  ${'ratio'.padEnd(keyWidth)}  ${'value'.padStart(8)}  goal`);
    for (const r of o.ratios) out(`  ${r.name.padEnd(keyWidth)}  ${String(r.value).padStart(8)}  ${r.goal ?? '—'}`);
  }
  out(`  (${o.seconds} s)`);
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const all = await discover();
  if (args.includes('--list') || args.includes('--help')) {
    out('usage: npm run bench [-- <name> ...]   (no name: all)');
    for (const b of all) out(`  ${b.name.padEnd(16)} ${b.description.split('. ')[0]}`);
    return 0;
  }
  const unknown = args.filter((a) => !all.some((b) => b.name === a));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark: ${unknown.join(', ')} (available: ${all.map((b) => b.name).join(', ')})\n`);
    return 2;
  }
  const selected = args.length > 0 ? all.filter((b) => args.includes(b.name)) : all;

  const machine = {
    node: process.version,
    platform: `${platform()} ${release()}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model?.trim(),
  };
  out(`Bianca benchmarks — node ${machine.node}, ${machine.cpus} × ${machine.cpuModel ?? 'unknown CPU'}, load ${loadavg()[0].toFixed(2)}`);
  out('Numbers are from this machine and this run: compare ratios measured side by side, not absolutes across machines.');

  const timeoutMs = benchTimeoutMs();
  const outcomes: Outcome[] = [];
  for (const b of selected) {
    out();
    out(`== ${b.name}`);
    out(wrap(b.description, 100, '   '));
    out();
    const started = Date.now();
    let outcome: Outcome;
    try {
      const result = await withTimeout(b.run(), timeoutMs, b.name);
      outcome = { name: b.name, description: b.description, ok: true, seconds: 0, metrics: result.metrics, ratios: result.ratios };
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `\n  caused by: ${err.cause.message}` : '';
      const error = err instanceof Error ? `${err.stack ?? err.message}${cause}` : String(err);
      outcome = { name: b.name, description: b.description, ok: false, seconds: 0, metrics: {}, ratios: [], error };
    }
    outcome.seconds = Math.round((Date.now() - started) / 100) / 10;
    outcomes.push(outcome);
    printOutcome(outcome);
  }

  const file = resolve(RESULTS_FILE);
  const report = { generatedAt: new Date().toISOString(), commit: gitCommit(), machine, loadavg: loadavg(), results: outcomes };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  out();
  out(`wrote ${file}`);
  const crashed = outcomes.filter((o) => !o.ok);
  if (crashed.length > 0) process.stderr.write(`crashed: ${crashed.map((o) => o.name).join(', ')}\n`);
  return crashed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
    // A benchmark that leaves a handle open (socket, timer, child) must not hang the runner.
    setTimeout(() => {
      process.stderr.write('bench: handles still open 5 s after the last benchmark; exiting\n');
      process.exit(code);
    }, 5_000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`bench runner failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
