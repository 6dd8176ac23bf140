import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const DISPATCH_TRIGGERS = ['manual', 'schedule', 'retry', 'inbound'] as const;
export type DispatchTrigger = (typeof DISPATCH_TRIGGERS)[number];
export const DISPATCH_STATES = ['queued', 'dialing', 'ended'] as const;
export type DispatchState = (typeof DISPATCH_STATES)[number];

/**
 * One attempt to reach a patient: the call id (= its conversation's id), why it was placed and how
 * it ended. No PHI. For scheduled calls, `(schedule_id, slot_at, attempt)` is unique: a dispatch
 * job that runs twice for the same slot finds the row and places no second call.
 */
export const callDispatches = pgTable(
  'call_dispatches',
  {
    /** The call id: also the id of the call's conversation. */
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    scheduleId: uuid('schedule_id'),
    /** The scheduled instant this attempt belongs to (UTC). */
    slotAt: timestamp('slot_at', { withTimezone: true }),
    attempt: integer('attempt').notNull().default(1),
    trigger: text('trigger').$type<DispatchTrigger>().notNull(),
    direction: text('direction').$type<'outbound' | 'inbound'>().notNull().default('outbound'),
    provider: text('provider').notNull(),
    requestedBy: uuid('requested_by'),
    state: text('state').$type<DispatchState>().notNull().default('queued'),
    outcome: text('outcome'),
    endReason: text('end_reason'),
    callbackNeeded: boolean('callback_needed').notNull().default(false),
    /** A retry or the missed-check-in alert has been decided for this attempt (set once). */
    followedUp: boolean('followed_up').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('call_dispatches_slot_attempt_unique').on(t.scheduleId, t.slotAt, t.attempt),
    index('call_dispatches_org_state_idx').on(t.orgId, t.state),
  ],
);

export type CallDispatchRow = typeof callDispatches.$inferSelect;
export type NewCallDispatchRow = typeof callDispatches.$inferInsert;
