import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * A login session (a refresh-token family). Live state (last activity, role) is mirrored in Redis
 * for the per-request check; this row is the durable record and the revocation fact.
 */
export const authSessions = pgTable(
  'auth_sessions',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    caregiverId: uuid('caregiver_id').notNull(),
    orgId: uuid('org_id'),
    method: text('method').$type<'password' | 'sso' | 'invite' | 'email-link' | 'register'>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** Absolute lifetime, whatever the activity. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedReason: text('revoked_reason'),
  },
  (t) => [index('auth_sessions_caregiver_idx').on(t.caregiverId)],
);

/** Refresh tokens: stored as SHA-256 hashes; rotated on every use; a rotated one presented again revokes the family. */
export const refreshTokens = pgTable(
  'auth_refresh_tokens',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => authSessions.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
  },
  (t) => [index('auth_refresh_tokens_session_idx').on(t.sessionId)],
);

export type AuthSessionRow = typeof authSessions.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
