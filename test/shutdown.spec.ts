import { Controller, Get } from '@nestjs/common';
import { get } from 'node:http';
import { HealthService } from '@app/platform';
import { Public } from '@app/auth';
import { createTestApp } from '@app/testing';

let entered!: () => void;
let release!: () => void;
const handlerEntered = new Promise<void>((r) => (entered = r));
const handlerRelease = new Promise<void>((r) => (release = r));

@Public()
@Controller('shutdown-test')
class SlowController {
  @Get('slow')
  async slow(): Promise<{ done: true }> {
    entered();
    await handlerRelease;
    return { done: true };
  }
}

function fetchJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    }).on('error', reject);
  });
}

describe('graceful shutdown', () => {
  it('stops advertising readiness, finishes in-flight requests, then refuses new connections', async () => {
    const t = await createTestApp({ listen: true, controllers: [SlowController] });
    const health = t.get(HealthService);
    const inFlight = fetchJson(`${t.url}/v1/shutdown-test/slow`);
    await handlerEntered;

    let closed = false;
    const closing = t.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    const readiness = await health.readiness();
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.process).toEqual({ status: 'down', message: 'shutting down' });
    expect(closed).toBe(false);

    release();
    await expect(inFlight).resolves.toEqual({ status: 200, body: { done: true } });
    await closing;
    await expect(fetchJson(`${t.url}/health/live`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
