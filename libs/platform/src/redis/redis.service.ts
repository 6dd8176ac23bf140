import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import { withDeadline } from '../shutdown';
import { createRedis } from './redis-connection';
import type { RedisServerProcess } from './redis-server-process';

export interface RedisEndpoint {
  url: string;
  prefix: string;
  /** Set when this process started a private redis-server and must stop it. */
  process?: RedisServerProcess;
}

/**
 * Redis connections for the process. `client` fails fast while Redis is down (no offline queue),
 * so HTTP requests answer 503 instead of hanging; BullMQ workers and the socket.io adapter get
 * their own connections through `connect()` with the options they need.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;
  private readonly extra = new Set<Redis>();

  constructor(readonly endpoint: RedisEndpoint) {
    this.client = this.connect({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  }

  get prefix(): string {
    return this.endpoint.prefix;
  }

  /** A namespaced key: every key we write starts with the deployment's prefix. */
  key(...parts: Array<string | number>): string {
    return [this.endpoint.prefix, ...parts].join(':');
  }

  /** A new connection that is closed with the service. */
  connect(options: RedisOptions = {}): Redis {
    const client = createRedis(this.endpoint.url, { connectionName: 'bianca', ...options });
    this.extra.add(client);
    client.once('end', () => this.extra.delete(client));
    return client;
  }

  /**
   * Resolves when the main client is connected, or after `timeoutMs` (false) — a Redis that is
   * down at boot leaves the process running and unready (503) rather than crash-looping.
   */
  async waitUntilReady(timeoutMs = 5_000): Promise<boolean> {
    if (this.client.status === 'ready') return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.client.off('ready', onReady);
        resolve(false);
      }, timeoutMs);
      const onReady = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.client.once('ready', onReady);
    });
  }

  async ping(): Promise<void> {
    const answer = await this.client.ping();
    if (answer !== 'PONG') throw new Error(`unexpected PING answer: ${String(answer)}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [...this.extra].map(async (c) => {
        if (
          (await withDeadline(
            c.quit().catch(() => 'failed'),
            2_000,
          )) !== 'OK'
        )
          c.disconnect();
      }),
    );
    await this.endpoint.process?.stop();
  }
}
