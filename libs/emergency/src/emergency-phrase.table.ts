import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const PHRASE_LANGUAGES = ['en', 'es', 'fr', 'de', 'zh', 'ja', 'pt', 'it', 'ru', 'ar', 'hi', 'zh-cn'] as const;
export type PhraseLanguage = (typeof PHRASE_LANGUAGES)[number];

/**
 * Emergency phrases an org adds to (or uses to switch off) the built-in defaults. `org_id` null =
 * platform-wide rows managed by superAdmins. `default_key` set = this row overrides the built-in
 * default with that key (e.g. to deactivate it). Phrases are detection rules, not PHI.
 */
export const emergencyPhrases = pgTable(
  'emergency_phrases',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    orgId: uuid('org_id'),
    defaultKey: text('default_key'),
    phrase: text('phrase').notNull(),
    language: text('language').$type<PhraseLanguage>().notNull(),
    severity: text('severity').notNull(),
    category: text('category').notNull(),
    pattern: text('pattern').notNull(),
    description: text('description'),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    isActive: boolean('is_active').notNull().default(true),
    usageCount: integer('usage_count').notNull().default(0),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    lastModifiedBy: uuid('last_modified_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('emergency_phrases_org_language_idx').on(t.orgId, t.language, t.isActive),
    uniqueIndex('emergency_phrases_org_default_unique').on(t.orgId, t.defaultKey),
  ],
);

export type EmergencyPhraseRow = typeof emergencyPhrases.$inferSelect;
export type NewEmergencyPhraseRow = typeof emergencyPhrases.$inferInsert;
