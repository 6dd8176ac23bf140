import { rmSync } from 'node:fs';
import { Client } from 'pg';
import type { RedisServerProcess } from '../../../platform/src';
import { deleteRedisPrefix } from '../test-redis';
import { databaseNamePrefix } from '../test-database';
import { testState } from '../test-state';

/** Removes what this run created, and only that: its databases, its Redis keys, its temp dir. */
export default async function globalTeardown(): Promise<void> {
  const state = testState();
  if (state.databaseUrl) {
    const admin = new Client({ connectionString: state.databaseUrl });
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [
      `${databaseNamePrefix(state.runId)}%`,
    ]);
    for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`);
    await admin.end();
  }
  if (state.redisUrl) await deleteRedisPrefix(`bianca-test:${state.runId}:`, state.redisUrl).catch(() => 0);
  await (globalThis as { __biancaRedis?: RedisServerProcess }).__biancaRedis?.stop();
  if (state.tmpDir) rmSync(state.tmpDir, { recursive: true, force: true });
}
