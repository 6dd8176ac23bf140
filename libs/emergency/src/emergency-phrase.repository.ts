import { Injectable } from '@nestjs/common';
import { DatabaseService, type DbOrTx } from '@app/platform';
import { and, asc, count, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import { emergencyPhrases, type EmergencyPhraseRow, type NewEmergencyPhraseRow } from './emergency-phrase.table';

export type PhraseInsert = Omit<NewEmergencyPhraseRow, 'id' | 'createdAt' | 'updatedAt'>;
export type PhrasePatch = Partial<Omit<NewEmergencyPhraseRow, 'id' | 'orgId' | 'createdAt' | 'updatedAt'>>;

/** `orgId` null addresses the platform-wide rows (superAdmin). */
const owner = (orgId: string | null): SQL => (orgId === null ? isNull(emergencyPhrases.orgId) : eq(emergencyPhrases.orgId, orgId));

@Injectable()
export class EmergencyPhraseRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(values: PhraseInsert, tx: DbOrTx = this.database.db): Promise<EmergencyPhraseRow> {
    const [row] = await tx.insert(emergencyPhrases).values(values).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async find(orgId: string | null, id: string, tx: DbOrTx = this.database.db): Promise<EmergencyPhraseRow | undefined> {
    const [row] = await tx
      .select()
      .from(emergencyPhrases)
      .where(and(eq(emergencyPhrases.id, id), owner(orgId)))
      .limit(1);
    return row;
  }

  async page(
    orgId: string | null,
    filter: { language?: string; severity?: string; category?: string; isActive?: boolean },
    direction: 'asc' | 'desc',
    page: { limit: number; offset: number },
    tx: DbOrTx = this.database.db,
  ): Promise<{ rows: EmergencyPhraseRow[]; total: number }> {
    const where = and(
      owner(orgId),
      filter.language ? eq(emergencyPhrases.language, filter.language as EmergencyPhraseRow['language']) : undefined,
      filter.severity ? eq(emergencyPhrases.severity, filter.severity) : undefined,
      filter.category ? eq(emergencyPhrases.category, filter.category) : undefined,
      filter.isActive !== undefined ? eq(emergencyPhrases.isActive, filter.isActive) : undefined,
    );
    const rows = await tx
      .select()
      .from(emergencyPhrases)
      .where(where)
      .orderBy(direction === 'desc' ? desc(emergencyPhrases.createdAt) : asc(emergencyPhrases.createdAt), asc(emergencyPhrases.id))
      .limit(page.limit)
      .offset(page.offset);
    const [total] = await tx.select({ n: count() }).from(emergencyPhrases).where(where);
    return { rows, total: Number(total?.n ?? 0) };
  }

  /** The org's and the platform's rows for a language (what the detector combines with the defaults). */
  async forDetection(orgId: string, language: string, tx: DbOrTx = this.database.db): Promise<EmergencyPhraseRow[]> {
    return tx
      .select()
      .from(emergencyPhrases)
      .where(
        and(
          or(isNull(emergencyPhrases.orgId), eq(emergencyPhrases.orgId, orgId)),
          eq(emergencyPhrases.language, language as EmergencyPhraseRow['language']),
        ),
      )
      .orderBy(asc(emergencyPhrases.createdAt));
  }

  async update(
    orgId: string | null,
    id: string,
    patch: PhrasePatch,
    tx: DbOrTx = this.database.db,
  ): Promise<EmergencyPhraseRow | undefined> {
    const [row] = await tx
      .update(emergencyPhrases)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(and(eq(emergencyPhrases.id, id), owner(orgId)))
      .returning();
    return row;
  }

  async delete(orgId: string | null, id: string, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx
      .delete(emergencyPhrases)
      .where(and(eq(emergencyPhrases.id, id), owner(orgId)))
      .returning({ id: emergencyPhrases.id });
    return rows.length > 0;
  }

  async deleteOfOrg(orgId: string, tx: DbOrTx): Promise<void> {
    await tx.delete(emergencyPhrases).where(eq(emergencyPhrases.orgId, orgId));
  }
}
