import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Consent kinds a patient grants or withdraws (feature-inventory §3.20). */
export const CONSENT_TYPES = ['ai_disclosure', 'recording', 'data_processing'] as const;
export type ConsentType = (typeof CONSENT_TYPES)[number];
export const CONSENT_STATUSES = ['granted', 'withdrawn'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

/**
 * Consent records: append-only history, one row per grant or withdrawal (the latest row per
 * patient + type is the current state). Ids and codes only: nothing here is PHI text.
 */
export const consentRecords = pgTable(
  'compliance_consents',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    type: text('type').$type<ConsentType>().notNull(),
    status: text('status').$type<ConsentStatus>().notNull(),
    /** When the consent was given or withdrawn (as stated by the caller; default now). */
    effectiveAt: timestamp('effective_at', { withTimezone: true }).notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('compliance_consents_patient_idx').on(t.orgId, t.patientId, t.type, t.recordedAt),
    check('compliance_consents_status_check', sql`${t.status} in ('granted', 'withdrawn')`),
  ],
);

export const PRIVACY_REQUEST_KINDS = ['export', 'erasure'] as const;
export type PrivacyRequestKind = (typeof PRIVACY_REQUEST_KINDS)[number];
export const PRIVACY_REQUEST_STATUSES = ['pending', 'completed', 'failed'] as const;
export type PrivacyRequestStatus = (typeof PRIVACY_REQUEST_STATUSES)[number];

/**
 * Data-subject requests (export, erasure) for a patient: who asked, when, and how it ended. The
 * row outlives an erasure (it proves the request was honoured); it holds ids only.
 */
export const privacyRequests = pgTable(
  'compliance_privacy_requests',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    kind: text('kind').$type<PrivacyRequestKind>().notNull(),
    status: text('status').$type<PrivacyRequestStatus>().notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /** Failure code (never a message with data in it). */
    errorCode: text('error_code'),
  },
  (t) => [
    index('compliance_privacy_requests_org_idx').on(t.orgId, t.requestedAt),
    check('compliance_privacy_requests_kind_check', sql`${t.kind} in ('export', 'erasure')`),
    check('compliance_privacy_requests_status_check', sql`${t.status} in ('pending', 'completed', 'failed')`),
  ],
);

export type ConsentRow = typeof consentRecords.$inferSelect;
export type PrivacyRequestRow = typeof privacyRequests.$inferSelect;
