import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PgliteConnection, PostgresConnection, RedisServerProcess, readProcessEnv } from '../../../platform/src';
import { STATE_KEYS } from '../test-state';
import { databaseNamePrefix } from '../test-database';

/**
 * Once per jest run: a migrated template database (PGlite dump file, or a template database on
 * the TEST_DATABASE_URL server) so each test app gets a private copy cheaply, and a private
 * redis-server unless TEST_REDIS_URL is set. State goes to workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const env = readProcessEnv();
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const tmp = mkdtempSync(join(tmpdir(), 'bianca-test-'));
  const set = (key: string, value: string): void => {
    process.env[key] = value;
  };
  set(STATE_KEYS.runId, runId);
  set(STATE_KEYS.tmpDir, tmp);

  if (env.TEST_DATABASE_URL) {
    const template = `${databaseNamePrefix(runId)}template`;
    const admin = new Client({ connectionString: env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create database "${template}"`);
    await admin.end();
    const url = new URL(env.TEST_DATABASE_URL);
    url.pathname = `/${template}`;
    const connection = PostgresConnection.create(url.toString(), { max: 1 });
    await connection.migrate();
    // CREATE DATABASE … TEMPLATE fails while anyone is connected to the template.
    await connection.close();
    set(STATE_KEYS.templateDatabase, template);
  } else {
    const connection = await PgliteConnection.open();
    await connection.migrate();
    const dump = await connection.client.dumpDataDir('none');
    const file = join(tmp, 'pglite-template.tar');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await connection.close();
    set(STATE_KEYS.pgliteTemplate, file);
  }

  if (!env.TEST_REDIS_URL) {
    const redis = await RedisServerProcess.start(join(tmp, 'redis'), { persist: false });
    (globalThis as { __biancaRedis?: RedisServerProcess }).__biancaRedis = redis;
    set(STATE_KEYS.privateRedisUrl, redis.url);
  }
}
