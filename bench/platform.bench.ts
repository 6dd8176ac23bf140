import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readProcessEnv } from '@app/platform';
import { createTestApp } from '@app/testing';
import type { Benchmark, BenchResult } from './support/benchmark';
import { runLoad, runSequential, type HttpTarget, type LoadResult } from './support/http-load';
import { resolveRedis } from './support/redis';
import { median, round } from './support/stats';

const ROUTE = '/health/live';
const BODY = JSON.stringify({ status: 'ok' });

/** Knobs (environment): BENCH_DURATION_MS per measured round, BENCH_ROUNDS, BENCH_CONCURRENCY. */
function settings(): { durationMs: number; rounds: number; concurrency: number; warmupMs: number } {
  const env = readProcessEnv();
  const int = (name: string, fallback: number): number => {
    const value = Number(env[name]);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  return {
    durationMs: int('BENCH_DURATION_MS', 3000),
    rounds: int('BENCH_ROUNDS', 3),
    concurrency: int('BENCH_CONCURRENCY', 50),
    warmupMs: 1000,
  };
}

/** A well-formed HS256 JWT of realistic size, so both servers parse the same header bytes. */
function bearerToken(): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: randomBytes(16).toString('hex'), org: randomBytes(16).toString('hex'), role: 'staff', type: 'access', iat: now, exp: now + 900 })}`;
  return `${unsigned}.${createHmac('sha256', randomBytes(32)).update(unsigned).digest('base64url')}`;
}

/** The floor: node:http answering the same JSON as the Nest route, nothing else. */
async function startBareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(BODY) });
    res.end(BODY);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function expectSameAnswer(target: HttpTarget): Promise<void> {
  const res = await fetch(target.url, { headers: target.headers });
  const text = await res.text();
  if (res.status !== 200 || JSON.stringify(JSON.parse(text)) !== BODY) {
    throw new Error(`${target.url} answered ${res.status} ${text.slice(0, 200)}; both targets must answer ${BODY}`);
  }
}

function summarize(runs: LoadResult[]): { rps: number; p50Ms: number; p99Ms: number; errors: number } {
  return {
    rps: round(median(runs.map((r) => r.rps))),
    p50Ms: round(median(runs.map((r) => r.p50Ms))),
    p99Ms: round(median(runs.map((r) => r.p99Ms))),
    errors: runs.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
  };
}

export const benchmark: Benchmark = {
  name: 'platform',
  description:
    `GET ${ROUTE} with an Authorization: Bearer header through the full Nest stack (createTestApp: real module graph, ` +
    'configureApp middleware — helmet, compression, CORS, pino-http, request context, validation pipe, error filter — ' +
    'PGlite + Redis) vs a bare node:http handler answering the same JSON. Same keep-alive client in a worker thread; ' +
    'closed loop at fixed concurrency, rounds alternate targets, medians reported. Probes are anonymous, so the token is ' +
    'carried but not verified (the auth benchmark measures verification).',

  async run(): Promise<BenchResult> {
    const { durationMs, rounds, concurrency, warmupMs } = settings();
    const redis = await resolveRedis();
    const bare = await startBareServer();
    let app: Awaited<ReturnType<typeof createTestApp>> | undefined;
    try {
      app = await createTestApp({ listen: true, env: { REDIS_URL: redis.url } });
      const headers = { authorization: `Bearer ${bearerToken()}`, accept: 'application/json' };
      const targets = {
        bare: { url: `${bare.url}${ROUTE}`, headers },
        nest: { url: `${app.url as string}${ROUTE}`, headers },
      };
      await expectSameAnswer(targets.bare);
      await expectSameAnswer(targets.nest);

      const runs: Record<'bare' | 'nest', LoadResult[]> = { bare: [], nest: [] };
      for (let i = 0; i < rounds; i++) {
        // Alternate the order so neither side always runs on a warmer (or more throttled) machine.
        const order = i % 2 === 0 ? (['bare', 'nest'] as const) : (['nest', 'bare'] as const);
        for (const name of order) runs[name].push(await runLoad(targets[name], { concurrency, warmupMs, durationMs }));
      }
      const seq = {
        bare: await runSequential(targets.bare, { warmupMs: 300, durationMs: 1500 }),
        nest: await runSequential(targets.nest, { warmupMs: 300, durationMs: 1500 }),
      };
      const bareSummary = summarize(runs.bare);
      const nestSummary = summarize(runs.nest);

      return {
        metrics: {
          route: `GET ${ROUTE}`,
          concurrency,
          'round duration s': durationMs / 1000,
          rounds,
          'bare rps': bareSummary.rps,
          'nest rps': nestSummary.rps,
          'bare p50 ms': bareSummary.p50Ms,
          'nest p50 ms': nestSummary.p50Ms,
          'bare p99 ms': bareSummary.p99Ms,
          'nest p99 ms': nestSummary.p99Ms,
          'bare rps per round': runs.bare.map((r) => r.rps).join(' / '),
          'nest rps per round': runs.nest.map((r) => r.rps).join(' / '),
          'bare c=1 p50 us': seq.bare.p50Us,
          'nest c=1 p50 us': seq.nest.p50Us,
          'bare c=1 p99 us': seq.bare.p99Us,
          'nest c=1 p99 us': seq.nest.p99Us,
          'errors + non-2xx': bareSummary.errors + nestSummary.errors,
        },
        ratios: [
          {
            name: 'nest/bare req/s',
            value: round(nestSummary.rps / bareSummary.rps),
            goal: 'informational (no spec goal for this pair; G10 targets a DB-backed authenticated GET)',
          },
          { name: 'nest/bare p99 latency', value: round(nestSummary.p99Ms / bareSummary.p99Ms) },
          { name: 'nest/bare c=1 p50 latency', value: round(seq.nest.p50Us / seq.bare.p50Us) },
        ],
      };
    } finally {
      await app?.close();
      await bare.close();
      await redis.stop();
    }
  },
};
