import { sql } from 'drizzle-orm';
import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export interface CallRetrySettings {
  retryCount: number;
  retryIntervalMinutes: number;
  alertOnAllMissedCalls: boolean;
}

export const DEFAULT_CALL_RETRY_SETTINGS: CallRetrySettings = {
  retryCount: 2,
  retryIntervalMinutes: 15,
  alertOnAllMissedCalls: true,
};

/** The tenant. Every org-owned table references it; every repository filters by it. */
export const orgs = pgTable('orgs', {
  id: uuid('id')
    .primaryKey()
    .default(sql`gen_random_uuid()`),
  name: text('name').notNull(),
  timezone: text('timezone').notNull().default('America/New_York'),
  callRetrySettings: jsonb('call_retry_settings').$type<CallRetrySettings>().notNull().default(DEFAULT_CALL_RETRY_SETTINGS),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
});

export type OrgRow = typeof orgs.$inferSelect;
export type NewOrgRow = typeof orgs.$inferInsert;
