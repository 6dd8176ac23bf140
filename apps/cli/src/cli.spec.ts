import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectedMigrations } from '@app/platform';
import { deleteRedisPrefix, testRedisUrl, uniqueRedisPrefix } from '@app/testing';
import { runCli } from './cli';

function io(): { out: string[]; err: string[]; sink: { out: (l: string) => void; err: (l: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, sink: { out: (l) => out.push(l), err: (l) => err.push(l) } };
}

describe('operator CLI', () => {
  let dataDir: string;
  const prefix = uniqueRedisPrefix();
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bianca-cli-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));
  afterAll(async () => {
    await deleteRedisPrefix(prefix);
  });

  it('prints usage and exits 2 without a command; help exits 0', async () => {
    const none = io();
    expect(await runCli([], {}, none.sink)).toBe(2);
    expect(none.out.join('\n')).toContain('Usage: npm run cli -- <command>');
    const help = io();
    expect(await runCli(['help'], {}, help.sink)).toBe(0);
    expect(help.out.join('\n')).toMatch(/migrate\s+Apply the committed database migrations/);
  });

  it('rejects an unknown command with exit code 2 and the list', async () => {
    const result = io();
    expect(await runCli(['frobnicate'], { DATA_DIR: dataDir }, result.sink)).toBe(2);
    expect(result.err.join('\n')).toContain('Unknown command "frobnicate"');
  });

  it('reports invalid configuration with exit code 78 before doing anything', async () => {
    const result = io();
    expect(await runCli(['migrate'], { DATA_DIR: dataDir, PORT: 'x' }, result.sink)).toBe(78);
    expect(result.err.join('\n')).toContain('PORT must be an integer');
  });

  it('migrates a fresh embedded database, then reports it is up to date', async () => {
    const first = io();
    expect(await runCli(['migrate'], { DATA_DIR: dataDir }, first.sink)).toBe(0);
    expect(first.out.join('\n')).toContain(`Applied ${expectedMigrations().length} migration(s)`);
    const second = io();
    expect(await runCli(['migrate'], { DATA_DIR: dataDir }, second.sink)).toBe(0);
    expect(second.out.join('\n')).toContain('Already up to date');
  });

  it('seeds the demo org once, however often it runs', async () => {
    const env = { DATA_DIR: dataDir, REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' };
    const first = io();
    expect(await runCli(['seed:demo'], env, first.sink)).toBe(0);
    const id = /Created demo org ([0-9a-f-]{36})/.exec(first.out.join('\n'))?.[1];
    expect(id).toBeDefined();
    const second = io();
    expect(await runCli(['seed:demo'], env, second.sink)).toBe(0);
    expect(second.out.join('\n')).toContain(`Demo org already present: ${id}`);
  });

  it('creates a superAdmin once and refuses a duplicate with a clear message', async () => {
    const env = { DATA_DIR: dataDir, REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, LOG_LEVEL: 'silent' };
    const usage = io();
    expect(await runCli(['create-superadmin', '--email', 'root@example.org'], env, usage.sink)).toBe(2);
    expect(usage.err.join('\n')).toContain('Usage: npm run cli -- create-superadmin --email');
    const first = io();
    expect(await runCli(['create-superadmin', '--email', 'root@example.org', '--password', 'Quiet-Harbor-42x'], env, first.sink)).toBe(0);
    expect(first.out.join('\n')).toMatch(/Created superAdmin root@example.org \([0-9a-f-]{36}\)/);
    const again = io();
    expect(await runCli(['create-superadmin', '--email', 'root@example.org', '--password', 'Quiet-Harbor-42x'], env, again.sink)).toBe(1);
    expect(again.err.join('\n')).toContain('create-superadmin failed: An account with this e-mail already exists');
    const weak = io();
    expect(await runCli(['create-superadmin', '--email', 'other@example.org', '--password', 'short'], env, weak.sink)).toBe(1);
    expect(weak.err.join('\n')).toContain('create-superadmin failed: password');
  });
});
