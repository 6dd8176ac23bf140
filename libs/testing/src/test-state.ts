import { readProcessEnv } from '../../platform/src';

/**
 * What jest's globalSetup hands to the test files (through the environment, the only channel
 * that reaches jest workers), and what tests may set: TEST_DATABASE_URL (a PostgreSQL server
 * database to CREATE DATABASE from; unset: PGlite) and TEST_REDIS_URL (unset: a private
 * redis-server child started for the run).
 */
export interface TestState {
  runId: string;
  tmpDir: string | undefined;
  databaseUrl: string | undefined;
  templateDatabase: string | undefined;
  pgliteTemplate: string | undefined;
  redisUrl: string | undefined;
  logLevel: string;
}

export const STATE_KEYS = {
  runId: 'BIANCA_TEST_RUN_ID',
  tmpDir: 'BIANCA_TEST_TMP',
  templateDatabase: 'BIANCA_TEST_TEMPLATE_DB',
  pgliteTemplate: 'BIANCA_TEST_PGLITE_TEMPLATE',
  privateRedisUrl: 'BIANCA_TEST_REDIS_URL',
} as const;

export function testState(): TestState {
  const env = readProcessEnv();
  return {
    runId: env[STATE_KEYS.runId] ?? `adhoc${process.pid}`,
    tmpDir: env[STATE_KEYS.tmpDir],
    databaseUrl: env.TEST_DATABASE_URL || undefined,
    templateDatabase: env[STATE_KEYS.templateDatabase],
    pgliteTemplate: env[STATE_KEYS.pgliteTemplate],
    redisUrl: env.TEST_REDIS_URL || env[STATE_KEYS.privateRedisUrl] || undefined,
    logLevel: env.TEST_LOG_LEVEL || 'silent',
  };
}
