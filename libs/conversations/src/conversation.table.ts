import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const CONVERSATION_STATUSES = ['initiated', 'in-progress', 'completed', 'failed', 'machine'] as const;
export const CALL_STATUSES = ['initiating', 'ringing', 'answered', 'connected', 'ended', 'failed', 'busy', 'no_answer'] as const;
export const CALL_OUTCOMES = ['answered', 'no_answer', 'busy', 'failed', 'voicemail'] as const;
export const MESSAGE_ROLES = ['patient', 'assistant', 'system', 'debug-user'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export type CallStatus = (typeof CALL_STATUSES)[number];
export type CallOutcome = (typeof CALL_OUTCOMES)[number];
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/** Provider usage of a call (not PHI): tokens, audio seconds, whatever billing needs later. */
export type CallUsage = Record<string, number>;

/**
 * A call with a patient (or a manual conversation). Call metadata is plaintext (ids, statuses,
 * times); the summary is PHI (enc, AAD table/column/row/org). `last_seq` hands out the message
 * sequence numbers: the voice pipeline appends under a row lock, so messages keep call order.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    callSid: text('call_sid'),
    provider: text('provider'),
    callType: text('call_type').notNull().default('outbound'),
    status: text('status').$type<ConversationStatus>().notNull().default('initiated'),
    callStatus: text('call_status').$type<CallStatus>().notNull().default('initiating'),
    callOutcome: text('call_outcome').$type<CallOutcome>(),
    endReason: text('end_reason'),
    startTime: timestamp('start_time', { withTimezone: true }).notNull().defaultNow(),
    endTime: timestamp('end_time', { withTimezone: true }),
    /** seconds */
    duration: integer('duration').notNull().default(0),
    callStartTime: timestamp('call_start_time', { withTimezone: true }),
    callEndTime: timestamp('call_end_time', { withTimezone: true }),
    callDuration: integer('call_duration').notNull().default(0),
    usage: jsonb('usage').$type<CallUsage>(),
    costCents: integer('cost_cents').notNull().default(0),
    agentId: uuid('agent_id'),
    lineItemId: uuid('line_item_id'),
    /** enc */
    summary: text('summary'),
    lastSeq: integer('last_seq').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    index('conversations_org_patient_start_idx').on(t.orgId, t.patientId, t.startTime),
    uniqueIndex('conversations_provider_call_sid_unique').on(t.provider, t.callSid),
  ],
);

/** Ordered messages of a conversation; `content` is PHI (enc). */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    role: text('role').$type<MessageRole>().notNull(),
    messageType: text('message_type').notNull().default('text'),
    /** enc */
    content: text('content').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('messages_conversation_seq_unique').on(t.conversationId, t.seq)],
);

export type ConversationRow = typeof conversations.$inferSelect;
export type NewConversationRow = typeof conversations.$inferInsert;
export type MessageRow = typeof messages.$inferSelect;
