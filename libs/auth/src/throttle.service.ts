import { Injectable } from '@nestjs/common';
import { AppConfig, Clock, RedisService, ServiceUnavailableError, TooManyRequestsError } from '@app/platform';
import { createHash } from 'node:crypto';

export const LOCKOUT_WINDOW_MS = 15 * 60_000;
export const LOCKOUT_DURATION_MS = 15 * 60_000;
export const LOCKOUT_MESSAGE = 'Too many failed login attempts. Please try again in 15 minutes.';

/**
 * Brute-force limits in Redis, so they hold across instances: fixed windows per (purpose, subject)
 * and the per-account failure lock. Windows are computed from our Clock (TTLs only collect
 * garbage), so fake clocks move them in tests. Subjects are hashed: no e-mail addresses in keys.
 */
@Injectable()
export class ThrottleService {
  constructor(
    private readonly redis: RedisService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  private subject(value: string): string {
    return createHash('sha256').update(value.trim().toLowerCase()).digest('base64url').slice(0, 22);
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof TooManyRequestsError) throw err;
      throw new ServiceUnavailableError('Rate limiting is unavailable; please retry shortly.', 'RateLimitUnavailable');
    }
  }

  /** Counts one event in the current window; throws 429 once `limit` is exceeded. */
  async consume(purpose: string, subject: string, limit: number, windowMs: number, message?: string): Promise<void> {
    const now = this.clock.now().getTime();
    const window = Math.floor(now / windowMs);
    const key = this.redis.key('rl', purpose, this.subject(subject), window);
    const count = await this.run(async () => {
      const [[, n]] = (await this.redis.client
        .multi()
        .incr(key)
        .pexpire(key, windowMs * 2)
        .exec()) as [[unknown, number]];
      return n;
    });
    if (count > limit) {
      const retryAfter = Math.ceil(((window + 1) * windowMs - now) / 1000);
      throw new TooManyRequestsError(message ?? 'Too many requests, please try again later.', 'TooManyRequests', { retryAfter });
    }
  }

  /** How many events are counted in the current window (without counting one). */
  async peek(purpose: string, subject: string, windowMs: number): Promise<number> {
    const window = Math.floor(this.clock.now().getTime() / windowMs);
    const value = await this.run(() => this.redis.client.get(this.redis.key('rl', purpose, this.subject(subject), window)));
    return Number(value ?? 0);
  }

  /** Per-IP limit of the auth, MFA, phone and SSO routes (AUTH_RATE_LIMIT_PER_MINUTE). */
  consumeAuthRequest(ip: string): Promise<void> {
    return this.consume('auth-ip', ip, this.config.authRateLimitPerMinute, 60_000);
  }

  private lockKey(account: string): string {
    return this.redis.key('auth', 'lock', this.subject(account));
  }

  /** Throws 429 while the account is temporarily locked (even for the right password). */
  async assertNotLocked(account: string): Promise<void> {
    const lockedUntil = await this.run(() => this.redis.client.hget(this.lockKey(account), 'until'));
    if (lockedUntil && Number(lockedUntil) > this.clock.now().getTime()) {
      throw new TooManyRequestsError(LOCKOUT_MESSAGE, 'AccountLocked', {
        retryAfter: Math.ceil((Number(lockedUntil) - this.clock.now().getTime()) / 1000),
      });
    }
  }

  /**
   * Records a failed login (or MFA answer) for an account and its IP. Returns true when this
   * failure locked the account (LOGIN_MAX_FAILURES consecutive failures within 15 minutes).
   */
  async recordFailure(account: string, ip: string | undefined): Promise<boolean> {
    const now = this.clock.now().getTime();
    const key = this.lockKey(account);
    const locked = await this.run(async () => {
      const state = await this.redis.client.hmget(key, 'count', 'first');
      const first = Number(state[1] ?? 0);
      const fresh = !state[1] || now - first > LOCKOUT_WINDOW_MS;
      const count = fresh ? 1 : Number(state[0] ?? 0) + 1;
      if (count >= this.config.loginMaxFailures) {
        await this.redis.client
          .multi()
          .hset(key, { count: '0', first: String(now), until: String(now + LOCKOUT_DURATION_MS) })
          .expire(key, 3600)
          .exec();
        return true;
      }
      await this.redis.client
        .multi()
        .hset(key, fresh ? { count: String(count), first: String(now) } : { count: String(count) })
        .expire(key, 3600)
        .exec();
      return false;
    });
    // Per-IP failure budget: stuffing across many accounts from one address trips it.
    if (ip) await this.consume('login-fail-ip', ip, this.config.loginMaxFailures * 10, LOCKOUT_WINDOW_MS).catch(() => undefined);
    return locked;
  }

  /** Throws 429 when one address has failed too often across accounts. */
  async assertIpBudget(ip: string | undefined): Promise<void> {
    if (!ip) return;
    const failures = await this.peek('login-fail-ip', ip, LOCKOUT_WINDOW_MS);
    if (failures >= this.config.loginMaxFailures * 10)
      throw new TooManyRequestsError('Too many failed login attempts from this address. Please try again later.', 'IpLocked');
  }

  async clearFailures(account: string): Promise<void> {
    await this.run(() => this.redis.client.del(this.lockKey(account)));
  }
}
