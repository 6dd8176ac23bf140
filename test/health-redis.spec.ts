import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisServerProcess } from '@app/platform';
import { createTestApp, type TestApp } from '@app/testing';

/** Polls until the predicate holds; the test fails (by jest timeout) if it never does. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 100));
}

describe('readiness follows Redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bianca-redis-'));
  let redis: RedisServerProcess;
  let t: TestApp;

  beforeAll(async () => {
    redis = await RedisServerProcess.start(dir, { persist: false });
    t = await createTestApp({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 naming redis while it is down, then recovers', async () => {
    const initial = await t.http().get('/health/ready');
    expect(initial.status).toBe(200);

    await redis.stop();
    const down = await t.http().get('/health/ready').expect(503);
    expect(down.body).toMatchObject({ status: 'error', code: 503, message: 'Not ready: redis', failing: ['redis'] });
    expect(down.body.checks.database).toEqual({ status: 'up' });
    expect(down.body.checks.redis.status).toBe('down');
    const compat = await t.http().get('/health').expect(200);
    expect(compat.body.services.redis).toBe('down');

    redis = await RedisServerProcess.start(dir, { persist: false });
    await eventually(async () => (await t.http().get('/health/ready')).status === 200);
    const up = await t.http().get('/health/ready').expect(200);
    expect(up.body.checks.redis).toEqual({ status: 'up' });
  });
});

describe('private redis-server child', () => {
  it('explains how to install redis-server when the binary is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bianca-noredis-'));
    try {
      await expect(RedisServerProcess.start(dir, { binary: 'redis-server-that-does-not-exist' })).rejects.toThrow(
        /redis-server was not found on PATH\. Install it \(Debian\/Ubuntu: `apt-get install -y redis-server`.*or set REDIS_URL/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reuses a server already answering on the socket and leaves it running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bianca-reuse-'));
    const owner = await RedisServerProcess.start(dir, { persist: false });
    try {
      const guest = await RedisServerProcess.start(dir, { persist: false });
      expect(owner.owned).toBe(true);
      expect(guest.owned).toBe(false);
      expect(guest.url).toBe(owner.url);
      await guest.stop();
      const again = await RedisServerProcess.start(dir, { persist: false });
      expect(again.owned).toBe(false); // still the owner's server
    } finally {
      await owner.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
