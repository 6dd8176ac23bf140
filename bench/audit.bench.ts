import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import { AuditSealer, AuditService, AuditVerifier } from '@app/audit';
import {
  PgliteConnection,
  PostgresConnection,
  RedisServerProcess,
  RequestContext,
  queryRows,
  readProcessEnv,
  type DatabaseConnection,
} from '@app/platform';
import { createTestApp, type TestApp, type TestDatabase } from '@app/testing';
import type { Benchmark, BenchResult } from './support/benchmark';
import { median, round } from './support/stats';

/**
 * Audit append throughput (security.md L1/L4, goal ≥ 0.8×): 32 concurrent writers calling
 * AuditService.record() while the sealer runs continuously (lock chain head, assign seq, hash,
 * insert the batch's seal rows into audit_entry_seals — entries are never rewritten —, Merkle
 * root, sign, export), versus the same writers doing plain INSERTs into a table of the same
 * shape (`LIKE audit_entries INCLUDING ALL`: same columns, defaults, identity and indexes; no
 * triggers, no sealing). Real PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set (a
 * throwaway database is created and dropped); embedded PGlite otherwise, where one connection
 * serialises everything and the ratio says little. Also reports the verifier's throughput.
 */
const WRITERS = 32;
const SEAL_EVERY_MS = 250;

function settings(): { durationMs: number; rounds: number } {
  const env = readProcessEnv();
  const int = (name: string, fallback: number): number => {
    const value = Number(env[name]);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  return { durationMs: int('BENCH_DURATION_MS', 3000), rounds: int('BENCH_ROUNDS', 3) };
}

async function withAdmin<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A private database: a throwaway one on the configured server (pool ≥ writers), else PGlite. */
async function benchDatabase(): Promise<TestDatabase & { kind: string }> {
  const env = readProcessEnv();
  const server = env.TEST_DATABASE_URL || env.DATABASE_URL;
  if (!server) {
    const connection: DatabaseConnection = await PgliteConnection.open();
    await connection.migrate();
    return { kind: 'pglite', connection, drop: () => connection.close() };
  }
  const name = `bianca_bench_audit_${randomBytes(4).toString('hex')}`;
  await withAdmin(server, (c) => c.query(`create database "${name}"`));
  const url = new URL(server);
  url.pathname = `/${name}`;
  const connection = PostgresConnection.create(url.toString(), { max: WRITERS + 4 });
  await connection.migrate();
  return {
    kind: 'postgres',
    connection,
    url: url.toString(),
    drop: async () => {
      await connection.close();
      await withAdmin(server, (c) => c.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

async function resolveRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const env = readProcessEnv();
  const configured = env.TEST_REDIS_URL || env.REDIS_URL;
  if (configured) return { url: configured, stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'bianca-bench-redis-'));
  const redis = await RedisServerProcess.start(dir, { persist: false });
  return {
    url: redis.url,
    stop: async () => {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * WRITERS closed loops for `durationMs`, each inside its own request context (as an HTTP request
 * would be, for both variants); returns completed operations per second.
 */
async function closedLoop(durationMs: number, op: () => Promise<unknown>): Promise<number> {
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, () =>
      RequestContext.run(
        { requestId: randomUUID(), ip: '198.51.100.7', userAgent: 'bench', actor: { id: randomUUID(), role: 'staff', orgId: null } },
        async () => {
          while (performance.now() < deadline) {
            await op();
            done += 1;
          }
        },
      ),
    ),
  );
  return done / ((performance.now() - started) / 1000);
}

function plainInsert(t: TestApp, orgId: string): () => Promise<unknown> {
  return () =>
    t.database.db.execute(sql`
      insert into audit_bench_plain (org_id, actor_id, actor_role, request_id, ip, user_agent, action, resource_type, resource_ids, patient_ids, outcome, severity)
      values (${orgId}, ${randomUUID()}, 'staff', ${randomUUID()}, '198.51.100.7', 'bench', 'patient.read', 'patient',
              ${`{${randomUUID()}}`}::text[], ${`{${randomUUID()}}`}::text[], 'success', 'info')`);
}

function auditRecord(audit: AuditService, orgId: string): () => Promise<unknown> {
  return () => {
    const patientId = randomUUID();
    return audit.record({
      action: 'patient.read',
      resourceType: 'patient',
      resourceIds: [patientId],
      patientIds: [patientId],
      orgId,
      outcome: 'success',
    });
  };
}

/** The sealer every SEAL_EVERY_MS (20× the 5 s production default, so it works throughout each round). */
function startSealing(sealer: AuditSealer): { stop(): Promise<number> } {
  let running = true;
  let batches = 0;
  const loop = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, SEAL_EVERY_MS));
      batches += (await sealer.seal()).batches;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return batches;
    },
  };
}

export const benchmark: Benchmark = {
  name: 'audit',
  description:
    `Audit append throughput: ${WRITERS} concurrent writers through AuditService.record() with the sealer running ` +
    'continuously (seq, JCS leaf hashes, Merkle root, Ed25519 checkpoint, export) vs plain INSERTs into a table of the ' +
    'same shape; rounds alternate, medians reported. Plus full-chain verification throughput.',

  async run(): Promise<BenchResult> {
    const { durationMs, rounds } = settings();
    const redis = await resolveRedis();
    const database = await benchDatabase();
    let t: TestApp | undefined;
    try {
      t = await createTestApp({ database, env: { REDIS_URL: redis.url, AUDIT_SEAL_INTERVAL_MS: '0', ROLES: 'api' } });
      await t.database.db.execute(sql`create table audit_bench_plain (like audit_entries including all)`);
      const audit = t.get(AuditService);
      const sealer = t.get(AuditSealer);
      const orgId = randomUUID();
      const runs = { plain: [] as number[], audit: [] as number[], unsealed: [] as number[] };
      let batches = 0;
      // Warm-up of both paths (JIT, connection pool, plans).
      await closedLoop(300, plainInsert(t, orgId));
      await closedLoop(300, auditRecord(audit, orgId));
      for (let i = 0; i < rounds; i++) {
        for (const name of i % 2 === 0 ? (['plain', 'unsealed', 'audit'] as const) : (['audit', 'unsealed', 'plain'] as const)) {
          if (name === 'plain') {
            runs.plain.push(await closedLoop(durationMs, plainInsert(t, orgId)));
          } else if (name === 'unsealed') {
            runs.unsealed.push(await closedLoop(durationMs, auditRecord(audit, orgId)));
          } else {
            const sealing = startSealing(sealer);
            runs.audit.push(await closedLoop(durationMs, auditRecord(audit, orgId)));
            batches += await sealing.stop();
          }
        }
      }
      const [unsealed] = await queryRows<{ n: string }>(
        t.database.db,
        sql`select count(*) as n from audit_entries e where not exists (select 1 from audit_entry_seals s where s.entry_id = e.id)`,
      );
      await sealer.seal({ maxBatches: 1_000_000 });
      const verifyStarted = performance.now();
      const report = await t.get(AuditVerifier).verify();
      const verifySeconds = (performance.now() - verifyStarted) / 1000;
      if (!report.ok) throw new Error(`verifier failed on an untouched chain: ${JSON.stringify(report.problem)}`);
      const plain = median(runs.plain);
      const sealed = median(runs.audit);
      return {
        metrics: {
          database: database.kind,
          writers: WRITERS,
          plain_insert_rps: round(plain),
          audit_record_no_sealer_rps: round(median(runs.unsealed)),
          audit_record_rps: round(sealed),
          seal_batches: batches,
          unsealed_at_end_of_load: Number(unsealed?.n ?? 0),
          chain_entries: report.entries,
          verify_rows_per_s: round(report.entries / verifySeconds),
        },
        ratios: [
          { name: 'audit.record with sealing / plain insert (rows/s)', value: round(sealed / plain), goal: '≥0.8' },
          { name: 'verifier rows/s / 50k', value: round(report.entries / verifySeconds / 50_000), goal: '≥1 (security.md §5)' },
        ],
      };
    } finally {
      await t?.close();
      await database.drop();
      await redis.stop();
    }
  },
};
