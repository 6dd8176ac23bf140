import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '@app/audit';
import type { AuthActor } from '@app/auth';
import { PatientService } from '@app/patients';
import { DatabaseService, FieldCipher, NotFoundError, pageRequest, parseSort, toPage, type DbOrTx, type Page } from '@app/platform';
import { ConversationExtensions, type StoredSentiment } from './conversation-extensions';
import type { ConversationResponse, MessageResponse } from './conversation.dto';
import {
  ConversationRepository,
  type ConversationPatch,
  type ConversationSortField,
  type UnbilledConversationFilter,
} from './conversation.repository';
import type { CallUsage, ConversationRow, MessageRole, MessageRow } from './conversation.table';

export const CONVERSATION_NOT_FOUND = 'Conversation not found';
const SORT_FIELDS: readonly ConversationSortField[] = ['startTime', 'endTime', 'duration', 'createdAt', 'status'];

/** A decrypted message (for analysis; never logged). */
export interface ConversationMessage {
  id: string;
  seq: number;
  role: MessageRole;
  messageType: string;
  content: string;
  createdAt: Date;
}

export interface ConversationWithMessages {
  conversation: ConversationRow;
  summary: string | null;
  messages: ConversationMessage[];
}

/** What the voice pipeline records about a call (all optional on update). */
export type CallUpdate = Pick<
  ConversationPatch,
  | 'status'
  | 'callStatus'
  | 'callOutcome'
  | 'endReason'
  | 'startTime'
  | 'endTime'
  | 'duration'
  | 'callStartTime'
  | 'callEndTime'
  | 'callDuration'
  | 'costCents'
  | 'lineItemId'
  | 'callSid'
> & { usage?: CallUsage };

/**
 * Conversations and their ordered messages. Message content and summaries are PHI (FieldCipher,
 * AAD = table/column/row/org). Access for a caller follows the patient (staff: assigned only).
 */
@Injectable()
export class ConversationService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repo: ConversationRepository,
    private readonly patients: PatientService,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditService,
    private readonly extensions: ConversationExtensions,
  ) {}

  // ---- voice pipeline API (trusted, org-scoped) ----

  /** A new conversation row for a call (or a manual one). */
  async start(
    input: {
      orgId: string;
      patientId: string;
      provider?: string | null;
      callSid?: string | null;
      callType?: string;
      agentId?: string | null;
      /** A call's conversation shares the call id. */
      id?: string;
    },
    tx?: DbOrTx,
  ): Promise<ConversationRow> {
    return this.repo.insert(
      {
        id: input.id ?? randomUUID(),
        orgId: input.orgId,
        patientId: input.patientId,
        provider: input.provider ?? null,
        callSid: input.callSid ?? null,
        callType: input.callType ?? 'outbound',
        agentId: input.agentId ?? null,
      },
      tx,
    );
  }

  /**
   * Appends a message in order (the next `seq` under the conversation's row lock). Safe to call
   * concurrently for one conversation: each caller gets its own sequence number.
   */
  async appendMessage(
    orgId: string,
    conversationId: string,
    message: { role: MessageRole; content: string; messageType?: string },
    tx?: DbOrTx,
  ): Promise<ConversationMessage> {
    const work = async (t: DbOrTx): Promise<ConversationMessage> => {
      const seq = await this.repo.nextSeq(orgId, conversationId, t);
      if (seq === undefined) throw new NotFoundError(CONVERSATION_NOT_FOUND, 'ConversationNotFound');
      const id = randomUUID();
      const row = await this.repo.insertMessage(
        {
          id,
          orgId,
          conversationId,
          seq,
          role: message.role,
          messageType: message.messageType ?? 'text',
          content: this.cipher.encrypt(message.content, { table: 'messages', column: 'content', rowId: id, orgId }),
        },
        t,
      );
      return { id, seq, role: row.role, messageType: row.messageType, content: message.content, createdAt: row.createdAt };
    };
    return tx ? work(tx) : this.database.transaction(work);
  }

  async updateCall(orgId: string, conversationId: string, update: CallUpdate, tx?: DbOrTx): Promise<ConversationRow> {
    const row = await this.repo.update(orgId, conversationId, update, tx);
    if (!row) throw new NotFoundError(CONVERSATION_NOT_FOUND, 'ConversationNotFound');
    return row;
  }

  async setSummary(orgId: string, conversationId: string, summary: string | null, tx?: DbOrTx): Promise<void> {
    const value = this.cipher.encryptNullable(summary, { table: 'conversations', column: 'summary', rowId: conversationId, orgId });
    await this.updateCallRaw(orgId, conversationId, { summary: value }, tx);
  }

  findByCallSid(provider: string, callSid: string, tx?: DbOrTx): Promise<ConversationRow | undefined> {
    return this.repo.findByCallSid(provider, callSid, tx);
  }

  find(orgId: string, id: string, tx?: DbOrTx): Promise<ConversationRow | undefined> {
    return this.repo.findInOrg(orgId, id, tx);
  }

  /** Calls in progress of an org (optionally placed by one agent). Trusted: ids and call metadata only. */
  activeCalls(orgId: string, agentId?: string, tx?: DbOrTx): Promise<ConversationRow[]> {
    return this.repo.activeCalls(orgId, agentId, tx);
  }

  /** Voice pipeline: summaries of a patient's latest calls, newest first (decrypted; never logged). */
  async recentSummaries(orgId: string, patientId: string, limit: number, tx?: DbOrTx): Promise<{ startTime: Date; summary: string }[]> {
    const rows = await this.repo.recentSummarised(orgId, patientId, limit, tx);
    return rows.flatMap((r) => {
      const summary = this.summaryOf(r);
      return summary ? [{ startTime: r.startTime, summary }] : [];
    });
  }

  /** A conversation as the client sees it (ConversationDTO), for a caller already allowed to see it. */
  presentFor(
    actor: Pick<AuthActor, 'role'>,
    row: ConversationRow,
    messages: ConversationMessage[] = [],
    sentiment?: StoredSentiment,
  ): ConversationResponse {
    return this.present(actor, row, messages, sentiment);
  }

  /**
   * Analysis API: the decrypted conversations of patients whose call started in [from, to),
   * messages in order. Trusted: the caller (analysis jobs) audits its own PHI use.
   */
  async ofPatientsBetween(orgId: string, patientIds: string[], from: Date, to: Date, tx?: DbOrTx): Promise<ConversationWithMessages[]> {
    const rows = await this.repo.ofPatientsBetween(orgId, patientIds, from, to, tx);
    const messages = await this.messagesByConversation(orgId, rows, tx);
    return rows.map((c) => ({ conversation: c, summary: this.summaryOf(c), messages: messages.get(c.id) ?? [] }));
  }

  /**
   * Billing API (trusted): ended conversations not yet linked to an invoice line item, oldest
   * first; `orgId` omitted = every org (the nightly sweep). Page with `after` = last row's {endTime, id}.
   */
  unbilledEnded(filter: UnbilledConversationFilter, tx?: DbOrTx): Promise<ConversationRow[]> {
    return this.repo.unbilledEnded(filter, tx);
  }

  /** Billing API: marks conversations billed by an invoice line item (`lineItemId`). */
  markBilled(orgId: string, conversationIds: string[], lineItemId: string, tx: DbOrTx): Promise<void> {
    return this.repo.markBilled(orgId, conversationIds, lineItemId, tx);
  }

  async deleteOfPatients(orgId: string, patientIds: string[], tx: DbOrTx): Promise<void> {
    await this.repo.softDeleteOfPatients(orgId, patientIds, tx);
  }

  // ---- HTTP ----

  /** V1: an empty conversation for a patient. */
  async createForPatient(actor: AuthActor, patientId: string): Promise<ConversationResponse> {
    const patient = await this.patients.access(actor, patientId, 'read');
    const row = await this.database.transaction(async (tx) => {
      const created = await this.start({ orgId: patient.orgId, patientId: patient.id, callType: 'manual', agentId: actor.id }, tx);
      await this.record('conversation.create', created, tx);
      return created;
    });
    return this.present(actor, row, []);
  }

  /** V2. */
  async append(actor: AuthActor, id: string, message: { role: MessageRole; content: string }): Promise<ConversationResponse> {
    const current = await this.load(actor, id, 'update');
    return this.database.transaction(async (tx) => {
      await this.appendMessage(current.orgId, current.id, message, tx);
      await this.record('conversation.message.create', current, tx);
      const row = (await this.repo.findInOrg(current.orgId, current.id, tx)) ?? current;
      const messages = (await this.messagesByConversation(row.orgId, [row], tx)).get(row.id) ?? [];
      const sentiments = await this.extensions.sentimentsOf(row.orgId, [row.id], tx);
      return this.present(actor, row, messages, sentiments.get(row.id));
    });
  }

  /** V3. */
  async read(actor: AuthActor, id: string): Promise<ConversationResponse> {
    const row = await this.load(actor, id, 'read');
    return this.database.transaction(async (tx) => {
      const messages = (await this.messagesByConversation(row.orgId, [row], tx)).get(row.id) ?? [];
      const sentiments = await this.extensions.sentimentsOf(row.orgId, [row.id], tx);
      await this.record('conversation.read', row, tx);
      return this.present(actor, row, messages, sentiments.get(row.id));
    });
  }

  /** P10: newest first by default. */
  async listOfPatient(
    actor: AuthActor,
    patientId: string,
    query: { page?: number; limit?: number; sortBy?: string },
  ): Promise<Page<ConversationResponse>> {
    const patient = await this.patients.access(actor, patientId, 'read');
    const page = pageRequest(query);
    const sort = parseSort(query.sortBy, SORT_FIELDS, [{ field: 'startTime', direction: 'desc' }]);
    return this.database.transaction(async (tx) => {
      const { rows, total } = await this.repo.pageOfPatient(patient.orgId, patient.id, sort, page, tx);
      const messages = await this.messagesByConversation(patient.orgId, rows, tx);
      const sentiments = await this.extensions.sentimentsOf(
        patient.orgId,
        rows.map((r) => r.id),
        tx,
      );
      await this.audit.record(
        {
          action: 'conversation.list',
          resourceType: 'conversation',
          resourceIds: rows.map((r) => r.id),
          patientIds: [patient.id],
          orgId: patient.orgId,
          outcome: 'success',
        },
        tx,
      );
      return toPage(
        rows.map((r) => this.present(actor, r, messages.get(r.id) ?? [], sentiments.get(r.id))),
        total,
        page,
      );
    });
  }

  // ---- internals ----

  private async load(actor: AuthActor, id: string, action: 'read' | 'update'): Promise<ConversationRow> {
    const row = actor.orgId ? await this.repo.findInOrg(actor.orgId, id) : undefined;
    if (!row) throw new NotFoundError(CONVERSATION_NOT_FOUND, 'ConversationNotFound');
    // Conversation rights are checked by the route (orgAdmin update); the patient decides visibility.
    void action;
    await this.patients.access(actor, row.patientId, 'read');
    return row;
  }

  private async updateCallRaw(orgId: string, id: string, patch: ConversationPatch, tx?: DbOrTx): Promise<void> {
    const row = await this.repo.update(orgId, id, patch, tx);
    if (!row) throw new NotFoundError(CONVERSATION_NOT_FOUND, 'ConversationNotFound');
  }

  private summaryOf(row: ConversationRow): string | null {
    return this.cipher.decryptNullable(row.summary, { table: 'conversations', column: 'summary', rowId: row.id, orgId: row.orgId });
  }

  private async messagesByConversation(orgId: string, rows: ConversationRow[], tx?: DbOrTx): Promise<Map<string, ConversationMessage[]>> {
    const map = new Map<string, ConversationMessage[]>();
    const list = await this.repo.messagesOf(
      orgId,
      rows.map((r) => r.id),
      tx,
    );
    for (const m of list) map.set(m.conversationId, [...(map.get(m.conversationId) ?? []), this.decryptMessage(m)]);
    return map;
  }

  private decryptMessage(m: MessageRow): ConversationMessage & { conversationId: string; updatedAt: Date } {
    return {
      id: m.id,
      seq: m.seq,
      role: m.role,
      messageType: m.messageType,
      content: this.cipher.decrypt(m.content, { table: 'messages', column: 'content', rowId: m.id, orgId: m.orgId }),
      createdAt: m.createdAt,
      conversationId: m.conversationId,
      updatedAt: m.updatedAt,
    };
  }

  private present(
    actor: Pick<AuthActor, 'role'>,
    row: ConversationRow,
    messages: ConversationMessage[],
    stored?: StoredSentiment,
  ): ConversationResponse {
    const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
    const summary = this.summaryOf(row);
    const view: ConversationResponse = {
      id: row.id,
      _id: row.id,
      patientId: row.patientId,
      patient: row.patientId,
      ...(row.callSid ? { callSid: row.callSid } : {}),
      lineItemId: row.lineItemId,
      messages: messages.map((m): MessageResponse => ({
        _id: m.id,
        id: m.id,
        role: m.role,
        content: m.content,
        conversationId: row.id,
        messageType: m.messageType,
        metadata: {},
        seq: m.seq,
        createdAt: m.createdAt.toISOString(),
        updatedAt: m.createdAt.toISOString(),
      })),
      summary,
      ...(summary !== null ? { history: summary } : {}),
      analyzedData: {},
      metadata: {},
      status: row.status,
      startTime: iso(row.startTime),
      endTime: iso(row.endTime),
      duration: row.duration,
      callStatus: row.callStatus,
      callStartTime: iso(row.callStartTime),
      callEndTime: iso(row.callEndTime),
      callDuration: row.callDuration,
      callOutcome: row.callOutcome,
      callNotes: '',
      ...(row.agentId ? { agentId: row.agentId } : {}),
      sentiment: stored?.sentiment ?? null,
      sentimentAnalyzedAt: stored ? stored.analyzedAt.toISOString() : null,
    };
    return actor.role === 'orgAdmin' ? { ...view, cost: row.costCents / 100 } : view;
  }

  private async record(action: string, row: ConversationRow, tx: DbOrTx): Promise<void> {
    await this.audit.record(
      { action, resourceType: 'conversation', resourceIds: [row.id], patientIds: [row.patientId], orgId: row.orgId, outcome: 'success' },
      tx,
    );
  }
}
