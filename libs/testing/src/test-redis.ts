import { randomBytes } from 'node:crypto';
import { createRedis } from '../../platform/src';
import { testState } from './test-state';

export function testRedisUrl(): string {
  const url = testState().redisUrl;
  if (!url) throw new Error('no test Redis: set TEST_REDIS_URL or run through jest (globalSetup starts one)');
  return url;
}

/** Every test app gets its own key prefix on the shared Redis; nothing else is ever touched. */
export function uniqueRedisPrefix(): string {
  return `bianca-test:${testState().runId}:${randomBytes(5).toString('hex')}`;
}

/** Deletes only the keys under our own prefix (never FLUSHDB: the server may be shared). */
export async function deleteRedisPrefix(prefix: string, url = testRedisUrl()): Promise<number> {
  if (!prefix.startsWith('bianca-test:')) throw new Error(`refusing to delete keys outside a test prefix: ${prefix}`);
  const client = createRedis(url, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return deleted;
}
