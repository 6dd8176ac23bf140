import { Redis, type RedisOptions } from 'ioredis';

/** Turns REDIS_URL (`redis://`, `rediss://` or `unix:///path`) into ioredis options. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  if (parsed.protocol === 'unix:') {
    const db = parsed.searchParams.get('db');
    return { path: decodeURIComponent(parsed.pathname), db: db ? Number(db) : undefined };
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined;
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  };
}

export function createRedis(url: string, overrides: RedisOptions = {}): Redis {
  const client = new Redis({ ...redisOptionsFromUrl(url), ...overrides });
  // Errors surface through commands and health; an unhandled 'error' event would crash the process.
  client.on('error', () => undefined);
  return client;
}
