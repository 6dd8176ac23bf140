import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { RedisService } from '../redis/redis.service';

export type CheckStatus = 'up' | 'down';
export type ProviderStatus = 'disabled' | 'configured' | 'up' | 'down';

export interface CheckResult {
  status: CheckStatus;
  message?: string;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckResult>;
  providers: Record<string, ProviderStatus>;
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function check(work: () => Promise<string | undefined>, what: string): Promise<CheckResult> {
  try {
    const problem = await withTimeout(work(), what);
    return problem ? { status: 'down', message: problem } : { status: 'up' };
  } catch (err) {
    return { status: 'down', message: err instanceof Error ? err.message.split('\n')[0] : 'unavailable' };
  }
}

/**
 * Readiness of this process: database reachable, migrations applied, Redis reachable, not
 * shutting down. External providers (telephony, AI, payments) are reported but never make the
 * process unready: a disabled provider is a configuration choice, not an outage.
 */
@Injectable()
export class HealthService implements OnModuleDestroy {
  private readonly providers = new Map<string, () => ProviderStatus>();
  private shuttingDown = false;

  constructor(
    private readonly database: DatabaseService,
    private readonly redis: RedisService,
  ) {}

  registerProvider(name: string, status: () => ProviderStatus): void {
    this.providers.set(name, status);
  }

  /** First shutdown phase: stop advertising readiness so load balancers drain this instance. */
  onModuleDestroy(): void {
    this.shuttingDown = true;
  }

  async readiness(): Promise<Readiness> {
    const [database, migrations, redis] = await Promise.all([
      check(async () => void (await this.database.ping()), 'database'),
      check(async () => {
        const state = await this.database.migrationState();
        return state.ok ? undefined : `${state.applied} of ${state.expected} migrations applied`;
      }, 'migrations'),
      check(async () => void (await this.redis.ping()), 'redis'),
    ]);
    const checks: Record<string, CheckResult> = { database, migrations, redis };
    if (this.shuttingDown) checks.process = { status: 'down', message: 'shutting down' };
    const providers = Object.fromEntries([...this.providers].map(([name, status]) => [name, status()]));
    return { ready: Object.values(checks).every((c) => c.status === 'up'), checks, providers };
  }
}
