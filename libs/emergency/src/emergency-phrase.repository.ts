import { Injectable } from '@nestjs/common';
import { DatabaseService, type DbOrTx } from '@app/platform';
import { and, asc, count, desc, eq, gt, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { emergencyPhrases, type EmergencyPhraseRow, type NewEmergencyPhraseRow } from './emergency-phrase.table';

export type PhraseInsert = Omit<NewEmergencyPhraseRow, 'id' | 'createdAt' | 'updatedAt'>;
export type PhraseFilter = { language?: string; severity?: string; category?: string; isActive?: boolean };
export type PhrasePatch = Partial<Omit<NewEmergencyPhraseRow, 'id' | 'orgId' | 'createdAt' | 'updatedAt'>>;

/** `orgId` null addresses the platform-wide rows (superAdmin). */
const owner = (orgId: string | null): SQL => (orgId === null ? isNull(emergencyPhrases.orgId) : eq(emergencyPhrases.orgId, orgId));

const filtered = (orgId: string | null, filter: PhraseFilter): SQL | undefined =>
  and(
    owner(orgId),
    filter.language ? eq(emergencyPhrases.language, filter.language as EmergencyPhraseRow['language']) : undefined,
    filter.severity ? eq(emergencyPhrases.severity, filter.severity) : undefined,
    filter.category ? eq(emergencyPhrases.category, filter.category) : undefined,
    filter.isActive !== undefined ? eq(emergencyPhrases.isActive, filter.isActive) : undefined,
  );

/** Per language × severity × category × active: how many rows and how often they matched. */
export interface PhraseCountRow {
  language: string;
  severity: string;
  category: string;
  isActive: boolean;
  n: number;
  usage: number;
}

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

  /** One multi-row INSERT (ids chosen by the caller, so results map back to the input). */
  async insertMany(values: (PhraseInsert & { id: string })[], tx: DbOrTx): Promise<EmergencyPhraseRow[]> {
    if (values.length === 0) return [];
    return tx.insert(emergencyPhrases).values(values).returning();
  }

  async page(
    orgId: string | null,
    filter: PhraseFilter,
    direction: 'asc' | 'desc',
    page: { limit: number; offset: number },
    tx: DbOrTx = this.database.db,
  ): Promise<{ rows: EmergencyPhraseRow[]; total: number }> {
    const where = filtered(orgId, filter);
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

  /** The owner's rows for an export: sorted by language, severity, category (then phrase, id). */
  async exportRows(orgId: string | null, filter: PhraseFilter, tx: DbOrTx = this.database.db): Promise<EmergencyPhraseRow[]> {
    return tx
      .select()
      .from(emergencyPhrases)
      .where(filtered(orgId, filter))
      .orderBy(
        asc(emergencyPhrases.language),
        asc(emergencyPhrases.severity),
        asc(emergencyPhrases.category),
        asc(emergencyPhrases.phrase),
        asc(emergencyPhrases.id),
      );
  }

  /** What an import must not duplicate: the owner's override keys and (language, lower-cased phrase) pairs. */
  async identities(
    orgId: string | null,
    tx: DbOrTx = this.database.db,
  ): Promise<{ defaultKey: string | null; language: string; phrase: string }[]> {
    return tx
      .select({ defaultKey: emergencyPhrases.defaultKey, language: emergencyPhrases.language, phrase: emergencyPhrases.phrase })
      .from(emergencyPhrases)
      .where(owner(orgId));
  }

  async counts(orgId: string | null, language: string | undefined, tx: DbOrTx = this.database.db): Promise<PhraseCountRow[]> {
    const rows = await tx
      .select({
        language: emergencyPhrases.language,
        severity: emergencyPhrases.severity,
        category: emergencyPhrases.category,
        isActive: emergencyPhrases.isActive,
        n: count(),
        usage: sql<string>`coalesce(sum(${emergencyPhrases.usageCount}), 0)`,
      })
      .from(emergencyPhrases)
      .where(filtered(orgId, { language }))
      .groupBy(emergencyPhrases.language, emergencyPhrases.severity, emergencyPhrases.category, emergencyPhrases.isActive);
    return rows.map((r) => ({ ...r, n: Number(r.n), usage: Number(r.usage) }));
  }

  async mostUsed(
    orgId: string | null,
    language: string | undefined,
    limit: number,
    tx: DbOrTx = this.database.db,
  ): Promise<EmergencyPhraseRow[]> {
    return tx
      .select()
      .from(emergencyPhrases)
      .where(and(filtered(orgId, { language }), gt(emergencyPhrases.usageCount, 0)))
      .orderBy(desc(emergencyPhrases.usageCount), asc(emergencyPhrases.phrase), asc(emergencyPhrases.id))
      .limit(limit);
  }

  /** The org's and the platform's rows for a language (what the detector combines with the defaults). */
  /** Platform and org rows of the given languages (every language when omitted). */
  async forDetection(orgId: string, languages?: readonly string[], tx: DbOrTx = this.database.db): Promise<EmergencyPhraseRow[]> {
    return tx
      .select()
      .from(emergencyPhrases)
      .where(
        and(
          or(isNull(emergencyPhrases.orgId), eq(emergencyPhrases.orgId, orgId)),
          languages ? inArray(emergencyPhrases.language, languages as EmergencyPhraseRow['language'][]) : undefined,
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

  /** One detector hit on a row of the org or the platform: `usage_count + 1`, `last_used_at = now()`. */
  async recordUsage(orgId: string, id: string, tx: DbOrTx = this.database.db): Promise<void> {
    await tx
      .update(emergencyPhrases)
      .set({ usageCount: sql`${emergencyPhrases.usageCount} + 1`, lastUsedAt: sql`now()` })
      .where(and(eq(emergencyPhrases.id, id), or(isNull(emergencyPhrases.orgId), eq(emergencyPhrases.orgId, orgId))));
  }

  async deleteOfOrg(orgId: string, tx: DbOrTx): Promise<void> {
    await tx.delete(emergencyPhrases).where(eq(emergencyPhrases.orgId, orgId));
  }
}
