import { Injectable } from '@nestjs/common';
import { RedisService } from '@app/platform';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { IssuedTokens } from './presenters';

/** How long a rotated refresh token still answers with its successor (security.md S2: ≤ 10 s). */
export const REFRESH_GRACE_MS = 10_000;

/** Redis only collects garbage; whether the grace still holds is decided against the Clock (rotated_at). */
const GC_SECONDS = 120;
const INFO = Buffer.from('bianca refresh-token grace v1');

/**
 * The successor of a just-rotated refresh token, kept for the grace window so that concurrent
 * refreshes of one token (or a retry whose answer was lost) all get the same new pair instead of
 * revoking the family. Stored under the old token's SHA-256 (the same lookup hash as the database)
 * and encrypted (AES-256-GCM) with a key derived from the old token itself: only a holder of that
 * token can read the successor, and Redis never sees a usable secret.
 */
@Injectable()
export class RefreshGraceStore {
  constructor(private readonly redis: RedisService) {}

  private key(oldTokenHash: string): string {
    return this.redis.key('auth', 'refresh-grace', oldTokenHash);
  }

  private static cipherKey(oldToken: string, oldTokenHash: string): Buffer {
    return Buffer.from(hkdfSync('sha256', Buffer.from(oldToken), Buffer.from(oldTokenHash), INFO, 32));
  }

  async remember(oldToken: string, oldTokenHash: string, successor: IssuedTokens): Promise<void> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', RefreshGraceStore.cipherKey(oldToken, oldTokenHash), iv);
    cipher.setAAD(Buffer.from(oldTokenHash));
    const body = Buffer.concat([cipher.update(JSON.stringify(successor), 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    await this.redis.client.set(this.key(oldTokenHash), sealed, 'EX', GC_SECONDS);
  }

  /** The successor pair, or undefined when it is gone or does not decrypt with this token. */
  async recall(oldToken: string, oldTokenHash: string): Promise<IssuedTokens | undefined> {
    const sealed = await this.redis.client.get(this.key(oldTokenHash));
    if (!sealed) return undefined;
    try {
      const raw = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', RefreshGraceStore.cipherKey(oldToken, oldTokenHash), raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(oldTokenHash));
      decipher.setAuthTag(raw.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      return JSON.parse(plain) as IssuedTokens;
    } catch {
      return undefined;
    }
  }

  async forget(oldTokenHash: string): Promise<void> {
    await this.redis.client.del(this.key(oldTokenHash));
  }
}
