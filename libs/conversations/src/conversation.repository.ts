import { Injectable } from '@nestjs/common';
import { DatabaseService, type DbOrTx } from '@app/platform';
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import { conversations, messages, type ConversationRow, type MessageRow, type NewConversationRow } from './conversation.table';

export type ConversationInsert = Omit<NewConversationRow, 'createdAt' | 'updatedAt' | 'deletedAt' | 'lastSeq'>;
export type ConversationPatch = Partial<
  Omit<NewConversationRow, 'id' | 'orgId' | 'patientId' | 'createdAt' | 'updatedAt' | 'deletedAt' | 'lastSeq'>
>;
export type ConversationSortField = 'startTime' | 'endTime' | 'duration' | 'createdAt' | 'status';

const live = isNull(conversations.deletedAt);

/** Billing's query: ended before `endedBefore` (and since `endedSince`), keyset-paged after `after`. */
export interface UnbilledConversationFilter {
  orgId?: string;
  patientId?: string;
  endedBefore: Date;
  endedSince?: Date;
  after?: { endTime: Date; id: string };
  limit: number;
}

@Injectable()
export class ConversationRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(values: ConversationInsert, tx: DbOrTx = this.database.db): Promise<ConversationRow> {
    const [row] = await tx.insert(conversations).values(values).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async findInOrg(orgId: string, id: string, tx: DbOrTx = this.database.db): Promise<ConversationRow | undefined> {
    const [row] = await tx
      .select()
      .from(conversations)
      .where(and(eq(conversations.id, id), eq(conversations.orgId, orgId), live))
      .limit(1);
    return row;
  }

  async findByCallSid(provider: string, callSid: string, tx: DbOrTx = this.database.db): Promise<ConversationRow | undefined> {
    const [row] = await tx
      .select()
      .from(conversations)
      .where(and(eq(conversations.provider, provider), eq(conversations.callSid, callSid), live))
      .limit(1);
    return row;
  }

  async orgOf(id: string, tx: DbOrTx = this.database.db): Promise<string | undefined> {
    const [row] = await tx
      .select({ orgId: conversations.orgId })
      .from(conversations)
      .where(and(eq(conversations.id, id), live))
      .limit(1);
    return row?.orgId;
  }

  /** Calls in progress (`initiated`/`in-progress`) of an org, optionally of one agent (who placed them), newest first. */
  async activeCalls(orgId: string, agentId: string | undefined, tx: DbOrTx = this.database.db): Promise<ConversationRow[]> {
    return tx
      .select()
      .from(conversations)
      .where(
        and(
          eq(conversations.orgId, orgId),
          agentId ? eq(conversations.agentId, agentId) : undefined,
          inArray(conversations.status, ['initiated', 'in-progress']),
          sql`${conversations.callType} <> 'manual'`,
          live,
        ),
      )
      .orderBy(desc(conversations.startTime))
      .limit(500);
  }

  /** The latest ended calls of a patient that have a summary (newest first). */
  async recentSummarised(orgId: string, patientId: string, limit: number, tx: DbOrTx = this.database.db): Promise<ConversationRow[]> {
    return tx
      .select()
      .from(conversations)
      .where(and(eq(conversations.orgId, orgId), eq(conversations.patientId, patientId), sql`${conversations.summary} is not null`, live))
      .orderBy(desc(conversations.startTime))
      .limit(limit);
  }

  async pageOfPatient(
    orgId: string,
    patientId: string,
    sort: Array<{ field: ConversationSortField; direction: 'asc' | 'desc' }>,
    page: { limit: number; offset: number },
    tx: DbOrTx = this.database.db,
  ): Promise<{ rows: ConversationRow[]; total: number }> {
    const where = and(eq(conversations.orgId, orgId), eq(conversations.patientId, patientId), live);
    const columns = {
      startTime: conversations.startTime,
      endTime: conversations.endTime,
      duration: conversations.duration,
      createdAt: conversations.createdAt,
      status: conversations.status,
    } as const;
    const rows = await tx
      .select()
      .from(conversations)
      .where(where)
      .orderBy(...sort.map((s) => (s.direction === 'desc' ? desc(columns[s.field]) : asc(columns[s.field]))), asc(conversations.id))
      .limit(page.limit)
      .offset(page.offset);
    const [total] = await tx.select({ n: count() }).from(conversations).where(where);
    return { rows, total: Number(total?.n ?? 0) };
  }

  async ofPatientsBetween(
    orgId: string,
    patientIds: string[],
    from: Date,
    to: Date,
    tx: DbOrTx = this.database.db,
  ): Promise<ConversationRow[]> {
    if (patientIds.length === 0) return [];
    return tx
      .select()
      .from(conversations)
      .where(
        and(
          eq(conversations.orgId, orgId),
          inArray(conversations.patientId, patientIds),
          gte(conversations.startTime, from),
          lt(conversations.startTime, to),
          live,
        ),
      )
      .orderBy(asc(conversations.startTime), asc(conversations.id));
  }

  /** Billing: ended, not-yet-invoiced (`line_item_id` null), live conversations, oldest first (keyset by endTime, id). */
  async unbilledEnded(filter: UnbilledConversationFilter, tx: DbOrTx = this.database.db): Promise<ConversationRow[]> {
    return tx
      .select()
      .from(conversations)
      .where(
        and(
          filter.orgId ? eq(conversations.orgId, filter.orgId) : undefined,
          filter.patientId ? eq(conversations.patientId, filter.patientId) : undefined,
          isNull(conversations.lineItemId),
          lt(conversations.endTime, filter.endedBefore),
          filter.endedSince ? gte(conversations.endTime, filter.endedSince) : undefined,
          filter.after
            ? sql`(${conversations.endTime}, ${conversations.id}) > (${filter.after.endTime.toISOString()}::timestamptz, ${filter.after.id}::uuid)`
            : undefined,
          live,
        ),
      )
      .orderBy(asc(conversations.endTime), asc(conversations.id))
      .limit(filter.limit);
  }

  /** Billing: links conversations to the invoice line item that billed them. */
  async markBilled(orgId: string, ids: string[], lineItemId: string, tx: DbOrTx): Promise<void> {
    if (ids.length === 0) return;
    await tx
      .update(conversations)
      .set({ lineItemId, updatedAt: sql`now()` })
      .where(and(eq(conversations.orgId, orgId), inArray(conversations.id, ids)));
  }

  async update(orgId: string, id: string, patch: ConversationPatch, tx: DbOrTx = this.database.db): Promise<ConversationRow | undefined> {
    const [row] = await tx
      .update(conversations)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(and(eq(conversations.id, id), eq(conversations.orgId, orgId), live))
      .returning();
    return row;
  }

  /** Takes the next sequence number under the conversation's row lock (held until the tx ends). */
  async nextSeq(orgId: string, id: string, tx: DbOrTx): Promise<number | undefined> {
    const [row] = await tx
      .update(conversations)
      .set({ lastSeq: sql`${conversations.lastSeq} + 1`, updatedAt: sql`now()` })
      .where(and(eq(conversations.id, id), eq(conversations.orgId, orgId), live))
      .returning({ seq: conversations.lastSeq });
    return row?.seq;
  }

  async insertMessage(
    values: {
      id: string;
      orgId: string;
      conversationId: string;
      seq: number;
      role: MessageRow['role'];
      messageType: string;
      content: string;
    },
    tx: DbOrTx,
  ): Promise<MessageRow> {
    const [row] = await tx.insert(messages).values(values).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async messagesOf(orgId: string, conversationIds: string[], tx: DbOrTx = this.database.db): Promise<MessageRow[]> {
    if (conversationIds.length === 0) return [];
    return tx
      .select()
      .from(messages)
      .where(and(eq(messages.orgId, orgId), inArray(messages.conversationId, conversationIds)))
      .orderBy(asc(messages.conversationId), asc(messages.seq));
  }

  async softDeleteOfPatients(orgId: string, patientIds: string[], tx: DbOrTx): Promise<void> {
    if (patientIds.length === 0) return;
    await tx
      .update(conversations)
      .set({ deletedAt: sql`now()` })
      .where(and(eq(conversations.orgId, orgId), inArray(conversations.patientId, patientIds), live));
  }
}
