import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/platform';
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Keyed digests (HMAC-SHA256) of short secrets: backup codes and phone codes. A stolen table is
 * useless without the key (derived from JWT_SECRET), which a plain hash of a 6-digit code is not.
 */
@Injectable()
export class SecretDigest {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(config.jwtSecret, 'utf8'), 'bianca/secret-digest', 'v1', 32));
  }

  digest(purpose: string, value: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\u0000${value}`).digest('base64url');
  }

  matches(purpose: string, value: string, digest: string): boolean {
    const a = Buffer.from(this.digest(purpose, value));
    const b = Buffer.from(digest);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
