import { createHmac, createSecretKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Access tokens: compact JWS, HS256, with a key derived (HKDF) from JWT_SECRET and imported once.
 *
 * Verification is deliberately narrow, so it is both fast (a few µs: one HMAC, no key parsing, no
 * header JSON parsing) and hard to confuse: the header segment must be byte-identical to the one we
 * issue, which rejects `alg: none`, other algorithms, `kid`/`jku`/`x5u`/`jwk` headers and key
 * confusion in one comparison; then `typ`, `iss`, `aud`, `exp` and `iat` (≤ 30 s in the future) are
 * checked. Refresh tokens are opaque random strings, never JWTs, so they cannot pass as access tokens.
 */
export interface AccessClaims {
  /** Caregiver id. */
  sub: string;
  /** Session (refresh-token family) id. */
  sid: string;
  type: 'access';
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = 'bianca';
const AUDIENCE = 'bianca-api';
const CLOCK_SKEW_SECONDS = 30;
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const HEADER_PREFIX = `${HEADER}.`;
const SIGNATURE_LENGTH = 43; // base64url of 32 bytes, no padding

export function deriveAccessKey(jwtSecret: string): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', Buffer.from(jwtSecret, 'utf8'), 'bianca/jwt', 'access-token-v1', 32)));
}

export class AccessTokenCodec {
  constructor(private readonly key: KeyObject) {}

  sign(subject: string, sessionId: string, nowSeconds: number, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS): { token: string; expires: number } {
    const exp = nowSeconds + ttlSeconds;
    const claims: AccessClaims = { sub: subject, sid: sessionId, type: 'access', iss: ISSUER, aud: AUDIENCE, iat: nowSeconds, exp };
    const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature = createHmac('sha256', this.key).update(signingInput).digest('base64url');
    return { token: `${signingInput}.${signature}`, expires: exp };
  }

  /** The claims of a valid, unexpired access token; null for anything else (never throws). */
  verify(token: string, nowSeconds: number): AccessClaims | null {
    if (typeof token !== 'string' || token.length > 2048 || !token.startsWith(HEADER_PREFIX)) return null;
    const dot = token.lastIndexOf('.');
    if (dot <= HEADER_PREFIX.length || token.length - dot - 1 !== SIGNATURE_LENGTH) return null;
    const expected = createHmac('sha256', this.key).update(token.slice(0, dot)).digest();
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let claims: Partial<AccessClaims>;
    try {
      claims = JSON.parse(Buffer.from(token.slice(HEADER_PREFIX.length, dot), 'base64url').toString('utf8')) as Partial<AccessClaims>;
    } catch {
      return null;
    }
    if (
      claims === null ||
      typeof claims !== 'object' ||
      claims.type !== 'access' ||
      claims.iss !== ISSUER ||
      claims.aud !== AUDIENCE ||
      typeof claims.sub !== 'string' ||
      typeof claims.sid !== 'string' ||
      typeof claims.exp !== 'number' ||
      typeof claims.iat !== 'number' ||
      claims.exp <= nowSeconds ||
      claims.iat > nowSeconds + CLOCK_SKEW_SECONDS ||
      claims.exp - claims.iat > ACCESS_TOKEN_TTL_SECONDS
    ) {
      return null;
    }
    return claims as AccessClaims;
  }
}
