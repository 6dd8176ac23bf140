import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Breach log (security.md B1/B2): one row per detection-rule firing. `dedupe_key` makes a firing
 * unique per rule + subject + window, so a re-run never doubles an incident. Evidence holds ids and
 * counts only (never PHI). `discovered_at` starts the 60-day notification clock (164.404(b)).
 */
export const breaches = pgTable(
  'compliance_breaches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The org whose data or members are concerned; null: platform-wide (e.g. verifier failure). */
    orgId: uuid('org_id'),
    rule: text('rule').notNull(),
    /** Who or what it is about: an account id, an org id, or `audit_chain`. */
    subject: text('subject').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    severity: text('severity').notNull(),
    status: text('status').notNull().default('open'),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    windowEnd: timestamp('window_end', { withTimezone: true }).notNull(),
    evidence: jsonb('evidence').$type<BreachEvidence>().notNull(),
    discoveredAt: timestamp('discovered_at', { withTimezone: true }).notNull(),
    notificationDeadline: timestamp('notification_deadline', { withTimezone: true }).notNull(),
    escalatedDay30At: timestamp('escalated_day30_at', { withTimezone: true }),
    escalatedDay50At: timestamp('escalated_day50_at', { withTimezone: true }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
    notifiedBy: text('notified_by'),
  },
  (t) => [
    uniqueIndex('compliance_breaches_dedupe_key_unique').on(t.dedupeKey),
    index('compliance_breaches_org_discovered_idx').on(t.orgId, t.discoveredAt),
    index('compliance_breaches_rule_subject_idx').on(t.rule, t.subject, t.windowEnd),
    check('compliance_breaches_status_check', sql`${t.status} in ('open', 'acknowledged', 'notified')`),
    check('compliance_breaches_severity_check', sql`${t.severity} in ('medium', 'high', 'critical')`),
  ],
);

export interface BreachEvidence {
  /** Matching events in the window (distinct patients for the volume rule). */
  count: number;
  threshold: number;
  windowMs: number;
  /** Audit seqs of the first and last entry of the window (look them up in the audit log). */
  firstSeq: number;
  lastSeq: number;
}

/** The detector's cursor: the last sealed audit seq it has processed (single row). */
export const breachDetectorState = pgTable(
  'compliance_breach_detector_state',
  {
    id: smallint('id').primaryKey().default(1),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('compliance_breach_detector_state_single_row', sql`${t.id} = 1`)],
);

/**
 * Break-glass grants (security.md Z6): a superAdmin's time-boxed PHI read access to one org. The
 * reason is free text (it may name a person), so it is stored encrypted (FieldCipher).
 */
export const breakGlassGrants = pgTable(
  'compliance_break_glass_grants',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    actorId: text('actor_id').notNull(),
    reasonEncrypted: text('reason_encrypted').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: text('revoked_by'),
  },
  (t) => [index('compliance_break_glass_actor_idx').on(t.actorId, t.expiresAt)],
);

/** Business hours: accesses outside them fire `off_hours_access` (none configured: rule off). */
export interface BusinessHours {
  /** IANA zone, e.g. America/Vancouver. */
  timezone: string;
  /** ISO weekdays 1 (Mon) … 7 (Sun). */
  days: number[];
  /** `HH:MM` 24 h, start inclusive, end exclusive. */
  start: string;
  end: string;
}

/** Per-org compliance settings: business hours, retention (days) and legal hold (L6). */
export const orgComplianceSettings = pgTable('compliance_org_settings', {
  orgId: uuid('org_id').primaryKey(),
  businessHours: jsonb('business_hours').$type<BusinessHours | null>(),
  auditRetentionDays: integer('audit_retention_days').notNull().default(2557),
  /** Conversations and transcripts; null: kept indefinitely. */
  conversationRetentionDays: integer('conversation_retention_days'),
  legalHold: boolean('legal_hold').notNull().default(false),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** In-app security notifications for admins (breach alerts, escalations, break-glass use). */
export const complianceAlerts = pgTable(
  'compliance_alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: uuid('org_id'),
    recipientId: text('recipient_id').notNull(),
    kind: text('kind').notNull(),
    /** The breach or grant the alert is about. */
    refId: uuid('ref_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [
    index('compliance_alerts_recipient_idx').on(t.recipientId, t.createdAt),
    uniqueIndex('compliance_alerts_once_unique').on(t.recipientId, t.kind, t.refId),
  ],
);

export type BreachRow = typeof breaches.$inferSelect;
export type NewBreachRow = typeof breaches.$inferInsert;
export type BreakGlassGrantRow = typeof breakGlassGrants.$inferSelect;
export type OrgComplianceSettingsRow = typeof orgComplianceSettings.$inferSelect;

/** Key rotation (D2): how far the re-encryption job has walked each registered table. */
export const reencryptProgress = pgTable('compliance_reencrypt_progress', {
  tableName: text('table_name').primaryKey(),
  /** The key the walk re-encrypts to; a new current key restarts the walk. */
  keyId: text('key_id').notNull(),
  lastId: text('last_id'),
  done: boolean('done').notNull().default(false),
  rewritten: integer('rewritten').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
