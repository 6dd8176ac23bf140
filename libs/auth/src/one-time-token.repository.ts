import { Injectable } from '@nestjs/common';
import { DatabaseService, type DbOrTx } from '@app/platform';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { oneTimeTokens, type OneTimeTokenRow, type OneTimeTokenType } from './one-time-token.table';

@Injectable()
export class OneTimeTokenRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(values: typeof oneTimeTokens.$inferInsert, tx: DbOrTx = this.database.db): Promise<void> {
    await tx.insert(oneTimeTokens).values(values);
  }

  async findByHash(type: OneTimeTokenType, tokenHash: string, tx: DbOrTx = this.database.db): Promise<OneTimeTokenRow | undefined> {
    const [row] = await tx
      .select()
      .from(oneTimeTokens)
      .where(and(eq(oneTimeTokens.type, type), eq(oneTimeTokens.tokenHash, tokenHash)))
      .limit(1);
    return row;
  }

  /** Consumes one token atomically: false when it was already used (a concurrent or repeated use). */
  async consume(id: string, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx
      .update(oneTimeTokens)
      .set({ usedAt: sql`now()` })
      .where(and(eq(oneTimeTokens.id, id), isNull(oneTimeTokens.usedAt)))
      .returning({ id: oneTimeTokens.id });
    return rows.length > 0;
  }

  /** Voids every outstanding token of a type for an account (a new invite, a completed reset). */
  async consumeAll(caregiverId: string, type: OneTimeTokenType, tx: DbOrTx = this.database.db): Promise<void> {
    await tx
      .update(oneTimeTokens)
      .set({ usedAt: sql`now()` })
      .where(and(eq(oneTimeTokens.caregiverId, caregiverId), eq(oneTimeTokens.type, type), isNull(oneTimeTokens.usedAt)));
  }
}
