import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const ROLES = ['invited', 'staff', 'orgAdmin', 'superAdmin'] as const;
export type Role = (typeof ROLES)[number];
export const SSO_PROVIDERS = ['google', 'microsoft'] as const;
export type SsoProvider = (typeof SSO_PROVIDERS)[number];
export const THEMES = ['healthcare', 'colorblind'] as const;
export type ThemePreference = (typeof THEMES)[number];

/**
 * A person who uses the dashboard (workforce identity, not patient PHI). `org_id` is null only for
 * platform superAdmins. E-mails are lower-cased and unique among live accounts. Credentials beyond
 * the password hash (MFA secrets, backup codes, sessions) live in @app/auth's own tables.
 */
export const caregivers = pgTable(
  'caregivers',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    orgId: uuid('org_id'),
    name: text('name').notNull(),
    email: text('email').notNull(),
    phone: text('phone'),
    avatar: text('avatar'),
    passwordHash: text('password_hash'),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
    role: text('role').$type<Role>().notNull().default('staff'),
    isEmailVerified: boolean('is_email_verified').notNull().default(false),
    isPhoneVerified: boolean('is_phone_verified').notNull().default(false),
    phoneVerifiedAt: timestamp('phone_verified_at', { withTimezone: true }),
    ssoProvider: text('sso_provider').$type<SsoProvider>(),
    ssoProviderId: text('sso_provider_id'),
    mfaEnabled: boolean('mfa_enabled').notNull().default(false),
    mfaEnrolledAt: timestamp('mfa_enrolled_at', { withTimezone: true }),
    accountLocked: boolean('account_locked').notNull().default(false),
    lockedReason: text('locked_reason'),
    lockedAt: timestamp('locked_at', { withTimezone: true }),
    failedLoginAttempts: integer('failed_login_attempts').notNull().default(0),
    lastFailedLoginAt: timestamp('last_failed_login_at', { withTimezone: true }),
    themePreference: text('theme_preference').$type<ThemePreference>().notNull().default('healthcare'),
    preferredLanguage: text('preferred_language').notNull().default('en'),
    telemetryOptIn: boolean('telemetry_opt_in'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('caregivers_email_live_unique')
      .on(t.email)
      .where(sql`${t.deletedAt} is null`),
    index('caregivers_org_role_idx').on(t.orgId, t.role),
  ],
);

export type CaregiverRow = typeof caregivers.$inferSelect;
export type NewCaregiverRow = typeof caregivers.$inferInsert;
