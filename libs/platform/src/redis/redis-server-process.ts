import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

const INSTALL_HINT =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: `apt-get install -y redis-server`, ' +
  'macOS: `brew install redis`) or set REDIS_URL to an existing Redis server.';

/** Unix socket paths are limited to ~107 bytes; deep DATA_DIRs get a short, stable path in /tmp. */
function socketPathFor(dir: string): string {
  const preferred = join(dir, 'redis.sock');
  if (Buffer.byteLength(preferred) <= 100) return preferred;
  const digest = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  return join(tmpdir(), `bianca-redis-${digest}.sock`);
}

async function answersPing(socketPath: string): Promise<boolean> {
  if (!existsSync(socketPath)) return false;
  const probe = new Redis({ path: socketPath, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * A private `redis-server` for development and tests, listening only on a unix socket inside
 * DATA_DIR (no TCP port). If one is already answering on that socket (e.g. the server is running
 * and an operator runs the CLI), it is reused and left alone on stop: we only stop what we started.
 */
export class RedisServerProcess {
  private child: ChildProcess | undefined;

  private constructor(readonly socketPath: string) {}

  get url(): string {
    return `unix://${this.socketPath}`;
  }

  get owned(): boolean {
    return this.child !== undefined;
  }

  static async start(dir: string, options: { persist?: boolean; binary?: string } = {}): Promise<RedisServerProcess> {
    mkdirSync(dir, { recursive: true });
    const socketPath = socketPathFor(dir);
    const server = new RedisServerProcess(socketPath);
    if (await answersPing(socketPath)) return server;
    rmSync(socketPath, { force: true });

    const args = [
      '--port',
      '0',
      '--unixsocket',
      socketPath,
      '--unixsocketperm',
      '700',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      options.persist === false ? 'no' : 'yes',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ];
    const child = spawn(options.binary ?? 'redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    let failure: Error | undefined;
    child.once('error', (err: NodeJS.ErrnoException) => {
      failure = err.code === 'ENOENT' ? new Error(INSTALL_HINT) : err;
    });
    child.once('exit', (code) => {
      failure ??= new Error(`redis-server exited with code ${code}: ${stderr.trim()}`);
    });
    server.child = child;

    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (failure) {
        server.child = undefined;
        throw failure;
      }
      if (await answersPing(socketPath)) {
        child.removeAllListeners('exit');
        return server;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    throw new Error(`redis-server did not become ready on ${socketPath} within 10 s: ${stderr.trim()}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    this.child = undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
