import { sql } from 'drizzle-orm';
import { boolean, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

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
export const orgs = pgTable(
  'orgs',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    name: text('name').notNull(),
    /** Lower-cased; unique among live orgs. Null for orgs made by operator tooling. */
    email: text('email'),
    phone: text('phone'),
    logo: text('logo'),
    avatar: text('avatar'),
    isEmailVerified: boolean('is_email_verified').notNull().default(false),
    stripeCustomerId: text('stripe_customer_id'),
    /** Org policy: every member must enrol in MFA (superAdmins always must). */
    requireMfa: boolean('require_mfa').notNull().default(false),
    timezone: text('timezone').notNull().default('America/New_York'),
    callRetrySettings: jsonb('call_retry_settings').$type<CallRetrySettings>().notNull().default(DEFAULT_CALL_RETRY_SETTINGS),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('orgs_email_live_unique')
      .on(t.email)
      .where(sql`${t.deletedAt} is null`),
  ],
);

export type OrgRow = typeof orgs.$inferSelect;
export type NewOrgRow = typeof orgs.$inferInsert;
