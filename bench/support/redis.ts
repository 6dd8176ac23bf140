import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisServerProcess, createRedis, readProcessEnv } from '@app/platform';

/** Fails fast on an unreachable Redis (the app would otherwise wait for it at boot). */
async function assertRedisAnswers(url: string): Promise<void> {
  const client = createRedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3000 });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(`Redis at ${url} does not answer; unset TEST_REDIS_URL/REDIS_URL to use a private redis-server`, { cause: err });
  } finally {
    client.disconnect();
  }
}

/** TEST_REDIS_URL or REDIS_URL when set, else a private redis-server child on a unix socket. */
export async function resolveRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const env = readProcessEnv();
  const configured = env.TEST_REDIS_URL || env.REDIS_URL;
  if (configured) {
    await assertRedisAnswers(configured);
    return { url: configured, stop: async () => undefined };
  }
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
