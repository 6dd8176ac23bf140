import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { AccessTokenCodec, deriveAccessKey } from '@app/auth';
import type { Benchmark, BenchResult } from './support/benchmark';
import { microBench } from './support/micro';

/**
 * The guard's token check (security.md Decisions: access JWT verified with a pre-imported key):
 * verifying a valid token, and rejecting forged ones (wrong key, alg none). Goal: ≤ 10 µs per
 * verify. The session lookup in Redis that follows is a network round trip, measured by the HTTP
 * benchmarks, not here.
 */
export const benchmark: Benchmark = {
  name: 'auth',
  description: 'Access-token verification in the authentication guard (HS256, pre-imported key)',
  async run(): Promise<BenchResult> {
    const codec = new AccessTokenCodec(deriveAccessKey(randomBytes(48).toString('base64url')));
    const now = Math.floor(Date.now() / 1000);
    const { token } = codec.sign(randomUUID(), randomUUID(), now);
    const [header, payload] = token.split('.') as [string, string];
    const forged = `${header}.${payload}.${createHmac('sha256', randomBytes(32)).update(`${header}.${payload}`).digest('base64url')}`;
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    const stats = await microBench({
      verify: () => {
        if (!codec.verify(token, now)) throw new Error('valid token rejected');
      },
      rejectWrongKey: () => {
        if (codec.verify(forged, now)) throw new Error('forged token accepted');
      },
      rejectAlgNone: () => {
        if (codec.verify(none, now)) throw new Error('alg none accepted');
      },
      sign: () => codec.sign('u', 's', now),
    });
    const verify = stats.verify;
    return {
      metrics: {
        verify_mean_us: verify.meanUs,
        verify_p99_us: verify.p99Us,
        reject_wrong_key_mean_us: stats.rejectWrongKey.meanUs,
        reject_alg_none_mean_us: stats.rejectAlgNone.meanUs,
        sign_mean_us: stats.sign.meanUs,
      },
      ratios: [{ name: 'verify mean / 10 µs budget', value: Math.round((verify.meanUs / 10) * 100) / 100, goal: '≤1 (verify ≤ 10 µs)' }],
    };
  },
};
