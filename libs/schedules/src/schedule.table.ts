import { boolean, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Frequency, Interval } from './recurrence';

/**
 * Recurring call schedules. Times are stored as the caller sent them (`HH:mm` wall-clock) together
 * with the IANA zone they are in (the org's zone when saved), not converted to UTC: a wall time
 * keeps its meaning across DST changes, and the client reads back exactly what it wrote.
 */
export const schedules = pgTable(
  'schedules',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    frequency: text('frequency').$type<Frequency>().notNull(),
    intervals: jsonb('intervals').$type<Interval[]>().notNull(),
    /** `HH:mm` local times, ascending; the contract's `time` is the first. */
    times: jsonb('times').$type<string[]>().notNull(),
    timezone: text('timezone').notNull(),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('schedules_org_patient_idx').on(t.orgId, t.patientId), index('schedules_active_idx').on(t.isActive)],
);

export type ScheduleRow = typeof schedules.$inferSelect;
export type NewScheduleRow = typeof schedules.$inferInsert;
