import { Injectable } from '@nestjs/common';
import { DatabaseService, type DbOrTx } from '@app/platform';
import { and, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { authSessions, refreshTokens, type AuthSessionRow, type RefreshTokenRow } from './session.table';

@Injectable()
export class SessionRepository {
  constructor(private readonly database: DatabaseService) {}

  async insertSession(values: typeof authSessions.$inferInsert, tx: DbOrTx = this.database.db): Promise<AuthSessionRow> {
    const [row] = await tx.insert(authSessions).values(values).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async insertRefreshToken(values: typeof refreshTokens.$inferInsert, tx: DbOrTx = this.database.db): Promise<void> {
    await tx.insert(refreshTokens).values(values);
  }

  /** The token and its session, row-locked so concurrent refreshes of one token serialise. */
  async lockRefreshToken(tokenHash: string, tx: DbOrTx): Promise<{ token: RefreshTokenRow; session: AuthSessionRow } | undefined> {
    const [row] = await tx
      .select({ token: refreshTokens, session: authSessions })
      .from(refreshTokens)
      .innerJoin(authSessions, eq(authSessions.id, refreshTokens.sessionId))
      .where(eq(refreshTokens.tokenHash, tokenHash))
      .limit(1)
      .for('update');
    return row;
  }

  async markRotated(tokenId: string, at: Date, tx: DbOrTx): Promise<boolean> {
    const rows = await tx
      .update(refreshTokens)
      .set({ rotatedAt: at })
      .where(and(eq(refreshTokens.id, tokenId), isNull(refreshTokens.rotatedAt)))
      .returning({ id: refreshTokens.id });
    return rows.length > 0;
  }

  async revokeSession(sessionId: string, reason: string, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx
      .update(authSessions)
      .set({ revokedAt: sql`now()`, revokedReason: reason })
      .where(and(eq(authSessions.id, sessionId), isNull(authSessions.revokedAt)))
      .returning({ id: authSessions.id });
    return rows.length > 0;
  }

  /** Revokes every live session of the given accounts; returns the session ids. */
  async revokeForCaregivers(caregiverIds: string[], reason: string, tx: DbOrTx = this.database.db): Promise<string[]> {
    if (caregiverIds.length === 0) return [];
    const rows = await tx
      .update(authSessions)
      .set({ revokedAt: sql`now()`, revokedReason: reason })
      .where(and(inArray(authSessions.caregiverId, caregiverIds), isNull(authSessions.revokedAt)))
      .returning({ id: authSessions.id });
    return rows.map((r) => r.id);
  }

  /** A caregiver's sessions neither revoked nor past their absolute lifetime (live state is in Redis). */
  async listOpen(caregiverId: string, now: Date, tx: DbOrTx = this.database.db): Promise<AuthSessionRow[]> {
    return tx
      .select()
      .from(authSessions)
      .where(and(eq(authSessions.caregiverId, caregiverId), isNull(authSessions.revokedAt), gt(authSessions.expiresAt, now)))
      .orderBy(desc(authSessions.createdAt))
      .limit(100);
  }

  async findSession(sessionId: string, tx: DbOrTx = this.database.db): Promise<AuthSessionRow | undefined> {
    const [row] = await tx.select().from(authSessions).where(eq(authSessions.id, sessionId)).limit(1);
    return row;
  }
}
