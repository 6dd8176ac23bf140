import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const IMPORTANCES = ['low', 'medium', 'high', 'urgent'] as const;
export const ALERT_TYPES = ['conversation', 'patient', 'system'] as const;
export const CREATED_MODELS = ['Patient', 'Caregiver', 'Org', 'Schedule'] as const;
export const VISIBILITIES = ['orgAdmin', 'allCaregivers', 'assignedCaregivers'] as const;
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM'] as const;
export const CATEGORIES = ['Medical', 'Safety', 'Physical', 'Request'] as const;
export type Importance = (typeof IMPORTANCES)[number];
export type AlertType = (typeof ALERT_TYPES)[number];
export type CreatedModel = (typeof CREATED_MODELS)[number];
export type Visibility = (typeof VISIBILITIES)[number];
export type Severity = (typeof SEVERITIES)[number];
export type Category = (typeof CATEGORIES)[number];

/**
 * Alerts for caregivers. `message` is PHI whatever its origin (an emergency alert quotes the
 * patient): always a FieldCipher envelope. System-raised alerts also keep `message_key` and
 * encrypted `message_params`, rendered in the reader's language (`message` is the English fallback). `occurrences`/`last_raised_at` record merged repeats of
 * the same patient+category within the dedupe window (AlertService.raise).
 */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    /** enc */
    message: text('message').notNull(),
    /** Translation key of a system-raised alert (alert-messages.ts); null: show `message` as written. */
    messageKey: text('message_key'),
    /** enc: JSON parameters of `messageKey` (may quote the patient). */
    messageParams: text('message_params'),
    importance: text('importance').$type<Importance>().notNull().default('low'),
    alertType: text('alert_type').$type<AlertType>().notNull(),
    category: text('category'),
    severity: text('severity').$type<Severity>(),
    relatedPatientId: uuid('related_patient_id'),
    relatedConversationId: uuid('related_conversation_id'),
    createdBy: uuid('created_by').notNull(),
    createdModel: text('created_model').$type<CreatedModel>().notNull(),
    visibility: text('visibility').$type<Visibility>().notNull(),
    relevanceUntil: timestamp('relevance_until', { withTimezone: true }),
    occurrences: integer('occurrences').notNull().default(1),
    lastRaisedAt: timestamp('last_raised_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('alerts_org_created_idx').on(t.orgId, t.createdAt),
    index('alerts_org_patient_category_idx').on(t.orgId, t.relatedPatientId, t.category, t.lastRaisedAt),
  ],
);

export const alertReads = pgTable(
  'alert_reads',
  {
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    caregiverId: uuid('caregiver_id').notNull(),
    readAt: timestamp('read_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.caregiverId] })],
);

export type AlertRow = typeof alerts.$inferSelect;
export type NewAlertRow = typeof alerts.$inferInsert;
