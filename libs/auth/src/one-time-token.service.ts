import { Injectable } from '@nestjs/common';
import { Clock, type DbOrTx } from '@app/platform';
import { randomBytes } from 'node:crypto';
import { OneTimeTokenRepository } from './one-time-token.repository';
import type { OneTimeTokenRow, OneTimeTokenType } from './one-time-token.table';
import { sha256 } from './session.service';

export const TOKEN_TTL_MS: Record<OneTimeTokenType, number> = {
  verifyEmail: 24 * 3600_000,
  resetPassword: 15 * 60_000,
  invite: 7 * 24 * 3600_000,
};

export type TokenCheck =
  { status: 'ok'; row: OneTimeTokenRow } | { status: 'used' | 'expired'; row: OneTimeTokenRow } | { status: 'unknown' };

/** E-mailed link tokens: 256-bit random, only their SHA-256 stored, single-use, expiring. */
@Injectable()
export class OneTimeTokenService {
  constructor(
    private readonly tokens: OneTimeTokenRepository,
    private readonly clock: Clock,
  ) {}

  async create(caregiverId: string, type: OneTimeTokenType, tx?: DbOrTx): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.clock.now().getTime() + TOKEN_TTL_MS[type]);
    await this.tokens.insert({ caregiverId, type, tokenHash: sha256(token), expiresAt }, tx);
    return token;
  }

  async check(type: OneTimeTokenType, token: string, tx?: DbOrTx): Promise<TokenCheck> {
    if (!token || token.length > 512) return { status: 'unknown' };
    const row = await this.tokens.findByHash(type, sha256(token), tx);
    if (!row) return { status: 'unknown' };
    if (row.usedAt) return { status: 'used', row };
    if (row.expiresAt.getTime() <= this.clock.now().getTime()) return { status: 'expired', row };
    return { status: 'ok', row };
  }

  consume(id: string, tx?: DbOrTx): Promise<boolean> {
    return this.tokens.consume(id, tx);
  }

  voidAll(caregiverId: string, type: OneTimeTokenType, tx?: DbOrTx): Promise<void> {
    return this.tokens.consumeAll(caregiverId, type, tx);
  }
}
