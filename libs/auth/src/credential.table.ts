import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** The last password hashes of an account (argon2id), for the "not one of your last 10" rule. */
export const passwordHistory = pgTable(
  'auth_password_history',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    caregiverId: uuid('caregiver_id').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('auth_password_history_caregiver_idx').on(t.caregiverId, t.createdAt)],
);

/**
 * TOTP factor of an account. Secrets are FieldCipher ciphertexts bound to (table, column,
 * caregiver id, org id). `last_step` is the last accepted RFC 6238 time step: codes are single-use.
 */
export const mfaFactors = pgTable('auth_mfa_factors', {
  caregiverId: uuid('caregiver_id').primaryKey(),
  orgId: uuid('org_id'),
  secret: text('secret'),
  pendingSecret: text('pending_secret'),
  lastStep: bigint('last_step', { mode: 'number' }),
  enrolledAt: timestamp('enrolled_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Backup codes: HMAC-SHA256 digests only (keyed by a secret derived from JWT_SECRET); single-use. */
export const mfaBackupCodes = pgTable(
  'auth_mfa_backup_codes',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    caregiverId: uuid('caregiver_id').notNull(),
    codeHash: text('code_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('auth_mfa_backup_codes_caregiver_idx').on(t.caregiverId)],
);

/** A pending phone verification: keyed code digest, expiry, attempt counter. One per account. */
export const phoneVerifications = pgTable('auth_phone_verifications', {
  caregiverId: uuid('caregiver_id').primaryKey(),
  phone: text('phone').notNull(),
  codeHash: text('code_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export type MfaFactorRow = typeof mfaFactors.$inferSelect;
export type PhoneVerificationRow = typeof phoneVerifications.$inferSelect;
