import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const ONE_TIME_TOKEN_TYPES = ['verifyEmail', 'resetPassword', 'invite'] as const;
export type OneTimeTokenType = (typeof ONE_TIME_TOKEN_TYPES)[number];

/** E-mailed link tokens (verify e-mail, reset password, invite): random, stored hashed, single-use, expiring. */
export const oneTimeTokens = pgTable(
  'auth_one_time_tokens',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    caregiverId: uuid('caregiver_id').notNull(),
    type: text('type').$type<OneTimeTokenType>().notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('auth_one_time_tokens_caregiver_idx').on(t.caregiverId, t.type)],
);

export type OneTimeTokenRow = typeof oneTimeTokens.$inferSelect;
