import { loadConfig } from '@app/platform';
import { testRedisUrl } from '@app/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulatedCall } from './commands/simulate-call.command';

describe('simulate-call', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bianca-sim-test-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, REDIS_URL: testRedisUrl() });
    const code = await runSimulatedCall({
      config,
      args,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      app: () => Promise.reject(new Error('unused')),
    });
    return { code, out, err };
  }

  it('runs a scripted call with an emergency and prints transcript, alert and a clean teardown', async () => {
    const { code, out } = await run([]);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/emergency alert raised \d+ ms after the patient's words/);
    expect(text).toContain('patient   I slept well, but I had some chest pain this morning.');
    expect(text).toMatch(/\[HIGH Medical\]/);
    expect(text).toContain('Asterisk after teardown: 0 channels, 0 bridges left');
  }, 60_000);

  it('refuses unknown options with the usage and exit code 2', async () => {
    const { code, err } = await run(['--language', 'xx']);
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('Usage: npm run cli -- simulate-call');
  });
});
