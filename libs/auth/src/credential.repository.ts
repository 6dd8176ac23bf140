import { Injectable } from '@nestjs/common';
import { DatabaseService, type DbOrTx } from '@app/platform';
import { and, count, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import {
  mfaBackupCodes,
  mfaFactors,
  passwordHistory,
  phoneVerifications,
  type MfaFactorRow,
  type PhoneVerificationRow,
} from './credential.table';

/** Credentials beyond the password hash: history, MFA factor and backup codes, phone codes. */
@Injectable()
export class CredentialRepository {
  constructor(private readonly database: DatabaseService) {}

  async recentPasswordHashes(caregiverId: string, limit: number, tx: DbOrTx = this.database.db): Promise<string[]> {
    const rows = await tx
      .select({ hash: passwordHistory.passwordHash })
      .from(passwordHistory)
      .where(eq(passwordHistory.caregiverId, caregiverId))
      .orderBy(desc(passwordHistory.createdAt), desc(passwordHistory.id))
      .limit(limit);
    return rows.map((r) => r.hash);
  }

  /** Appends a hash and keeps only the newest `keep` entries. */
  async pushPasswordHash(caregiverId: string, hash: string, keep: number, tx: DbOrTx = this.database.db): Promise<void> {
    await tx.insert(passwordHistory).values({ caregiverId, passwordHash: hash, createdAt: sql`clock_timestamp()` });
    const kept = tx
      .select({ id: passwordHistory.id })
      .from(passwordHistory)
      .where(eq(passwordHistory.caregiverId, caregiverId))
      .orderBy(desc(passwordHistory.createdAt), desc(passwordHistory.id))
      .limit(keep);
    await tx.delete(passwordHistory).where(and(eq(passwordHistory.caregiverId, caregiverId), sql`${passwordHistory.id} not in (${kept})`));
  }

  async findFactor(caregiverId: string, tx: DbOrTx = this.database.db): Promise<MfaFactorRow | undefined> {
    const [row] = await tx.select().from(mfaFactors).where(eq(mfaFactors.caregiverId, caregiverId)).limit(1);
    return row;
  }

  async upsertPending(caregiverId: string, orgId: string | null, pendingSecret: string, tx: DbOrTx = this.database.db): Promise<void> {
    await tx
      .insert(mfaFactors)
      .values({ caregiverId, orgId, pendingSecret })
      .onConflictDoUpdate({ target: mfaFactors.caregiverId, set: { pendingSecret, orgId, updatedAt: sql`now()` } });
  }

  async activate(caregiverId: string, secret: string, step: number, at: Date, tx: DbOrTx = this.database.db): Promise<void> {
    await tx
      .update(mfaFactors)
      .set({ secret, pendingSecret: null, lastStep: step, enrolledAt: at, updatedAt: sql`now()` })
      .where(eq(mfaFactors.caregiverId, caregiverId));
  }

  /** Records an accepted TOTP step; false when that step (or a later one) was already used: a replay. */
  async advanceStep(caregiverId: string, step: number, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx
      .update(mfaFactors)
      .set({ lastStep: step, updatedAt: sql`now()` })
      .where(and(eq(mfaFactors.caregiverId, caregiverId), or(isNull(mfaFactors.lastStep), lt(mfaFactors.lastStep, step))))
      .returning({ id: mfaFactors.caregiverId });
    return rows.length > 0;
  }

  async deleteFactor(caregiverId: string, tx: DbOrTx = this.database.db): Promise<void> {
    await tx.delete(mfaFactors).where(eq(mfaFactors.caregiverId, caregiverId));
    await tx.delete(mfaBackupCodes).where(eq(mfaBackupCodes.caregiverId, caregiverId));
  }

  async replaceBackupCodes(caregiverId: string, hashes: string[], tx: DbOrTx = this.database.db): Promise<void> {
    await tx.delete(mfaBackupCodes).where(eq(mfaBackupCodes.caregiverId, caregiverId));
    if (hashes.length > 0) await tx.insert(mfaBackupCodes).values(hashes.map((codeHash) => ({ caregiverId, codeHash })));
  }

  /** Consumes a backup code atomically; false when unknown or already used. */
  async consumeBackupCode(caregiverId: string, codeHash: string, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx
      .update(mfaBackupCodes)
      .set({ usedAt: sql`now()` })
      .where(and(eq(mfaBackupCodes.caregiverId, caregiverId), eq(mfaBackupCodes.codeHash, codeHash), isNull(mfaBackupCodes.usedAt)))
      .returning({ id: mfaBackupCodes.id });
    return rows.length > 0;
  }

  async countBackupCodes(caregiverId: string, tx: DbOrTx = this.database.db): Promise<number> {
    const [row] = await tx
      .select({ n: count() })
      .from(mfaBackupCodes)
      .where(and(eq(mfaBackupCodes.caregiverId, caregiverId), isNull(mfaBackupCodes.usedAt)));
    return Number(row?.n ?? 0);
  }

  async findPhoneVerification(caregiverId: string, tx: DbOrTx = this.database.db): Promise<PhoneVerificationRow | undefined> {
    const [row] = await tx.select().from(phoneVerifications).where(eq(phoneVerifications.caregiverId, caregiverId)).limit(1);
    return row;
  }

  async upsertPhoneVerification(
    values: Omit<PhoneVerificationRow, 'attempts' | 'createdAt'>,
    tx: DbOrTx = this.database.db,
  ): Promise<void> {
    await tx
      .insert(phoneVerifications)
      .values({ ...values, attempts: 0 })
      .onConflictDoUpdate({
        target: phoneVerifications.caregiverId,
        set: { phone: values.phone, codeHash: values.codeHash, expiresAt: values.expiresAt, attempts: 0, createdAt: sql`now()` },
      });
  }

  async incrementPhoneAttempts(caregiverId: string, tx: DbOrTx = this.database.db): Promise<number> {
    const [row] = await tx
      .update(phoneVerifications)
      .set({ attempts: sql`${phoneVerifications.attempts} + 1` })
      .where(eq(phoneVerifications.caregiverId, caregiverId))
      .returning({ attempts: phoneVerifications.attempts });
    return row?.attempts ?? 0;
  }

  async deletePhoneVerification(caregiverId: string, tx: DbOrTx = this.database.db): Promise<void> {
    await tx.delete(phoneVerifications).where(eq(phoneVerifications.caregiverId, caregiverId));
  }

  /** Test-route helper: removes MFA for the given accounts. */
  async deleteFactors(caregiverIds: string[], tx: DbOrTx = this.database.db): Promise<void> {
    if (caregiverIds.length === 0) return;
    await tx.delete(mfaFactors).where(inArray(mfaFactors.caregiverId, caregiverIds));
    await tx.delete(mfaBackupCodes).where(inArray(mfaBackupCodes.caregiverId, caregiverIds));
  }
}
