import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * Patients (PHI). Every column marked "enc" holds a FieldCipher envelope bound to
 * (table `patients`, column, row id, org id); the matching `*_index` columns are per-org HMAC
 * blind indexes for exact-match lookups (e-mail uniqueness, inbound-call phone lookup, `name=`
 * filter). Plaintext PHI never reaches the database.
 */
export const patients = pgTable(
  'patients',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    /** enc */
    name: text('name').notNull(),
    /** blind index of normalizeName(name) */
    nameIndex: text('name_index').notNull(),
    /** enc (as sent, lower-cased) */
    email: text('email'),
    /** blind index of normalizeEmail(email) */
    emailIndex: text('email_index'),
    /** enc (as sent) */
    phone: text('phone').notNull(),
    /** blind index of the E.164 form (null when it has none, e.g. a 7-digit local number) */
    phoneIndex: text('phone_index'),
    /** enc */
    preferredName: text('preferred_name'),
    /** enc (YYYY-MM-DD) */
    dateOfBirth: text('date_of_birth'),
    /** enc */
    address: text('address'),
    /** enc */
    notes: text('notes'),
    /** enc JSON string[] */
    medications: text('medications'),
    /** enc JSON string[] */
    conditions: text('conditions'),
    avatar: text('avatar'),
    preferredLanguage: text('preferred_language').notNull().default('en'),
    isEmailVerified: boolean('is_email_verified').notNull().default(false),
    lastContactAt: timestamp('last_contact_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    index('patients_org_created_idx').on(t.orgId, t.createdAt),
    index('patients_org_name_index_idx').on(t.orgId, t.nameIndex),
    index('patients_phone_index_idx').on(t.phoneIndex),
    uniqueIndex('patients_org_email_index_live_unique')
      .on(t.orgId, t.emailIndex)
      .where(sql`${t.deletedAt} is null and ${t.emailIndex} is not null`),
  ],
);

/** Which caregivers look after which patient (both directions of the old denormalised arrays). */
export const patientCaregivers = pgTable(
  'patient_caregivers',
  {
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id, { onDelete: 'cascade' }),
    caregiverId: uuid('caregiver_id').notNull(),
    orgId: uuid('org_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.patientId, t.caregiverId] }), index('patient_caregivers_caregiver_idx').on(t.caregiverId)],
);

export type PatientRow = typeof patients.$inferSelect;
export type NewPatientRow = typeof patients.$inferInsert;
