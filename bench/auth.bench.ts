import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { hash, verify as verifyHash } from '@node-rs/argon2';
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
    const argon = await argon2Figures();
    return {
      metrics: {
        verify_mean_us: verify.meanUs,
        verify_p99_us: verify.p99Us,
        reject_wrong_key_mean_us: stats.rejectWrongKey.meanUs,
        reject_alg_none_mean_us: stats.rejectAlgNone.meanUs,
        sign_mean_us: stats.sign.meanUs,
        ...argon,
      },
      ratios: [{ name: 'verify mean / 10 µs budget', value: Math.round((verify.meanUs / 10) * 100) / 100, goal: '≤1 (verify ≤ 10 µs)' }],
    };
  },
};

/**
 * argon2id with the parameters PasswordService uses (m=19 MiB, t=2, p=1): time per hash and per
 * verify, and the event loop's worst delay while 8 hashes run at once (they run on libuv's
 * thread pool, so the loop should stay responsive).
 */
async function argon2Figures(): Promise<Record<string, number>> {
  const options = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
  const rounds = 10;
  let started = performance.now();
  let stored = '';
  for (let i = 0; i < rounds; i++) stored = await hash(`Quiet-Harbor-${i}`, options);
  const hashMs = (performance.now() - started) / rounds;
  started = performance.now();
  for (let i = 0; i < rounds; i++) await verifyHash(stored, `Quiet-Harbor-${rounds - 1}`);
  const verifyMs = (performance.now() - started) / rounds;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  await Promise.all(Array.from({ length: 8 }, (_, i) => hash(`parallel-${i}`, options)));
  delay.disable();
  const round2 = (n: number): number => Math.round(n * 100) / 100;
  return {
    argon2id_hash_ms: round2(hashMs),
    argon2id_verify_ms: round2(verifyMs),
    event_loop_max_delay_ms_during_8_hashes: round2(delay.max / 1e6),
  };
}
