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
