import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { AuditService } from '@app/audit';
import type { AuthActor } from '@app/auth';
import { CaregiverService } from '@app/caregivers';
import { ConversationService, CONVERSATION_NOT_FOUND, type ConversationResponse, type ConversationRow } from '@app/conversations';
import { PatientService, type Patient } from '@app/patients';
import {
  AppConfig,
  ConflictError,
  DatabaseService,
  NotFoundError,
  QueueService,
  RedisService,
  ServiceUnavailableError,
  ValidationError,
  serializeError,
  type DbOrTx,
} from '@app/platform';
import { CallSessionFactory } from '@app/voice';
import './call-jobs';
import { CallDispatchRepository } from './call-dispatch.repository';
import type { CallDispatchRow, DispatchTrigger } from './calls.table';
import { telephonyKind, voiceUnavailableReason } from './telephony.provider';

/** Redis channel on which API processes ask voice processes to end a live call. */
export const END_CALL_CHANNEL = 'calls:end';

export interface PlaceCallInput {
  orgId: string;
  patientId: string;
  trigger: DispatchTrigger;
  requestedBy?: string | null;
  scheduleId?: string | null;
  slotAt?: Date | null;
  attempt?: number;
  /** Inbound: the provider's handle of the waiting call (stored as the conversation's callSid). */
  inboundRef?: string;
}

export const W3_STATUS_MAP = {
  initiating: 'initiated',
  ringing: 'in-progress',
  answered: 'in-progress',
  connected: 'in-progress',
  ended: 'completed',
  failed: 'failed',
  busy: 'failed',
  no_answer: 'failed',
} as const;
export type W3Status = keyof typeof W3_STATUS_MAP;

/**
 * The call workflow (contract §2.11): who may call whom, the per-org cap, the attempt and
 * conversation rows (one transaction, audited), and handing the call to a voice process (the
 * `voice.dial` job). Ending reaches the voice process that owns the call over Redis.
 */
@Injectable()
export class CallService {
  private readonly logger = new Logger('CallService');

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly dispatches: CallDispatchRepository,
    private readonly conversations: ConversationService,
    private readonly patients: PatientService,
    private readonly caregivers: CaregiverService,
    private readonly audit: AuditService,
    private readonly queues: QueueService,
    private readonly redis: RedisService,
    private readonly sessions: CallSessionFactory,
  ) {}

  /** 503 with the reason when calls cannot be placed (no telephony provider or no AI key). */
  assertAvailable(): void {
    const reason = voiceUnavailableReason(this.config);
    if (reason) throw new ServiceUnavailableError(reason, 'VoiceUnavailable');
  }

  /** Whether calls cannot be placed (the reason), without throwing. */
  unavailable(): string | undefined {
    return voiceUnavailableReason(this.config);
  }

  get provider(): 'asterisk' | 'twilio' {
    return telephonyKind(this.config) ?? 'asterisk';
  }

  /**
   * Creates the attempt and its conversation (undefined when this schedule slot's attempt exists).
   * The per-org cap is checked under an advisory lock on the org, so concurrent requests cannot
   * both take the last place.
   */
  async place(input: PlaceCallInput, tx?: DbOrTx): Promise<{ dispatch: CallDispatchRow; conversation: ConversationRow } | undefined> {
    const work = async (t: DbOrTx) => {
      await t.execute(sql`select pg_advisory_xact_lock(hashtext(${`calls:${input.orgId}`}))`);
      if ((await this.dispatches.liveCountInOrg(input.orgId, t)) >= this.config.calls.maxConcurrentPerOrg) {
        throw new ConflictError('Too many calls in progress for this organization; try again when one has ended', 'CallLimitReached');
      }
      const id = randomUUID();
      const dispatch = await this.dispatches.insert(
        {
          id,
          orgId: input.orgId,
          patientId: input.patientId,
          scheduleId: input.scheduleId ?? null,
          slotAt: input.slotAt ?? null,
          attempt: input.attempt ?? 1,
          trigger: input.trigger,
          direction: input.trigger === 'inbound' ? 'inbound' : 'outbound',
          provider: this.provider,
          requestedBy: input.requestedBy ?? null,
        },
        t,
      );
      if (!dispatch) return undefined;
      const conversation = await this.conversations.start(
        {
          orgId: input.orgId,
          patientId: input.patientId,
          provider: this.provider,
          callSid: input.inboundRef ?? null,
          callType: input.trigger === 'inbound' ? 'inbound' : 'outbound',
          agentId: input.requestedBy ?? null,
          id,
        },
        t,
      );
      await this.audit.record(
        {
          action: 'call.initiate',
          resourceType: 'conversation',
          resourceIds: [id],
          patientIds: [input.patientId],
          orgId: input.orgId,
          outcome: 'success',
          reason: input.trigger,
        },
        t,
      );
      return { dispatch, conversation };
    };
    return tx ? work(tx) : this.database.transaction(work);
  }

  /** Hands a placed outbound call to a voice process. */
  async dial(callId: string): Promise<void> {
    await this.queues.enqueue('voice.dial', { callId }, { idempotencyKey: callId });
  }

  // ---- §2.11 ----

  /** W1 */
  async initiate(actor: AuthActor, patientId: string): Promise<Record<string, unknown>> {
    const patient = await this.patients.access(actor, patientId, 'read');
    if (!patient.phoneE164) throw new ValidationError('Patient does not have a phone number', 'PatientWithoutPhone');
    this.assertAvailable();
    const placed = await this.place({ orgId: patient.orgId, patientId: patient.id, trigger: 'manual', requestedBy: actor.id });
    if (!placed) throw new ConflictError('The call could not be placed', 'CallNotPlaced');
    try {
      await this.dial(placed.dispatch.id);
    } catch (err) {
      this.logger.error({ msg: 'voice.dial could not be queued', callId: placed.dispatch.id, err: serializeError(err) });
      await this.abandon(placed.dispatch, 'queue_unavailable');
      throw new ServiceUnavailableError('Calls cannot be placed right now; please try again shortly', 'VoiceQueueUnavailable');
    }
    const agent = await this.caregivers.find(actor.id);
    return {
      conversationId: placed.dispatch.id,
      callSid: null,
      patientId: patient.id,
      patientName: patient.name,
      patientPhone: patient.phone,
      agentId: actor.id,
      agentName: agent?.name ?? null,
      status: 'in-progress',
      callStatus: 'in-progress',
    };
  }

  /** W2 */
  async status(actor: AuthActor, id: string): Promise<{ data: Record<string, unknown> }> {
    const conversation = await this.conversations.read(actor, id);
    const patient = await this.patients.access(actor, conversation.patientId, 'read');
    const session = this.sessions.get(id);
    const leg = session?.callLeg;
    return {
      data: {
        conversationId: id,
        status: conversation.status,
        callStatus: conversation.callStatus,
        startTime: conversation.startTime,
        ...(conversation.endTime ? { endTime: conversation.endTime } : {}),
        duration: conversation.duration,
        patient: this.patientRef(patient),
        ...(conversation.agentId ? { agent: await this.agentRef(conversation.agentId) } : {}),
        messages: conversation.messages,
        aiSpeaking: {
          isSpeaking: leg?.isPlaying ?? false,
          userIsSpeaking: false,
          conversationState: session?.state ?? (conversation.status === 'in-progress' ? 'active' : 'idle'),
        },
      },
    };
  }

  /** W3: a status reported by a client (telephony normally reports itself). */
  async updateStatus(
    actor: AuthActor,
    id: string,
    body: { status: W3Status; outcome?: string; notes?: string },
  ): Promise<ConversationResponse> {
    const row = await this.visible(actor, id);
    const status = W3_STATUS_MAP[body.status];
    const terminal = status === 'completed' || status === 'failed';
    const now = new Date();
    await this.database.transaction(async (tx) => {
      await this.conversations.updateCall(
        row.orgId,
        id,
        {
          status,
          callStatus: body.status,
          ...(body.outcome ? { callOutcome: body.outcome as ConversationRow['callOutcome'] } : {}),
          ...(terminal && !row.endTime
            ? { endTime: now, duration: Math.max(0, Math.round((now.getTime() - row.startTime.getTime()) / 1000)) }
            : {}),
        },
        tx,
      );
      await this.audit.record(
        {
          action: 'call.status.update',
          resourceType: 'conversation',
          resourceIds: [id],
          patientIds: [row.patientId],
          orgId: row.orgId,
          outcome: 'success',
          reason: body.status,
        },
        tx,
      );
    });
    return this.conversations.read(actor, id);
  }

  /** W4: ends the call wherever it runs; the conversation is `completed` with the caller's outcome. */
  async end(actor: AuthActor, id: string, body: { outcome: string; notes?: string }): Promise<ConversationResponse> {
    const row = await this.visible(actor, id);
    const live = this.sessions.end(id, 'dashboard');
    if (live) await live;
    else if (row.status === 'initiated' || row.status === 'in-progress')
      await this.redis.client.publish(this.redis.key(END_CALL_CHANNEL), id);
    await this.database.transaction(async (tx) => {
      const current = (await this.conversations.find(row.orgId, id, tx)) ?? row;
      const now = new Date();
      await this.conversations.updateCall(
        row.orgId,
        id,
        {
          status: 'completed',
          callStatus: 'ended',
          callOutcome: body.outcome as ConversationRow['callOutcome'],
          ...(current.endReason ? {} : { endReason: 'dashboard' }),
          ...(current.endTime
            ? {}
            : { endTime: now, duration: Math.max(0, Math.round((now.getTime() - current.startTime.getTime()) / 1000)) }),
        },
        tx,
      );
      await this.audit.record(
        {
          action: 'call.end.request',
          resourceType: 'conversation',
          resourceIds: [id],
          patientIds: [row.patientId],
          orgId: row.orgId,
          outcome: 'success',
        },
        tx,
      );
    });
    return this.conversations.read(actor, id);
  }

  /** W5: the caller's calls in progress (staff: of patients assigned to them). */
  async active(actor: AuthActor): Promise<{ data: Record<string, unknown>[]; count: number }> {
    if (!actor.orgId) return { data: [], count: 0 };
    const visible = new Set(await this.patients.visibleIds(actor));
    const rows = (await this.conversations.activeCalls(actor.orgId, actor.id)).filter((r) => visible.has(r.patientId));
    const patients = new Map<string, Patient>();
    for (const r of rows) if (!patients.has(r.patientId)) patients.set(r.patientId, await this.patients.get(r.orgId, r.patientId));
    await this.audit.record({
      action: 'call.list',
      resourceType: 'conversation',
      resourceIds: rows.map((r) => r.id),
      patientIds: [...patients.keys()],
      orgId: actor.orgId,
      outcome: 'success',
    });
    const data = rows.map((r) => ({
      ...this.conversations.presentFor(actor, r),
      patientId: this.patientRef(patients.get(r.patientId) as Patient),
    }));
    return { data, count: data.length };
  }

  /** W6 */
  async conversationOf(actor: AuthActor, id: string): Promise<{ data: Record<string, unknown> }> {
    const conversation = await this.conversations.read(actor, id);
    const patient = await this.patients.access(actor, conversation.patientId, 'read');
    return {
      data: {
        conversationId: id,
        status: conversation.status,
        startTime: conversation.startTime,
        endTime: conversation.endTime,
        duration: conversation.duration,
        patient: this.patientRef(patient),
        agent: conversation.agentId ? await this.agentRef(conversation.agentId) : null,
      },
    };
  }

  /** Marks an attempt that never reached a voice process as failed. */
  async abandon(dispatch: CallDispatchRow, reason: string): Promise<void> {
    await this.database.transaction(async (tx) => {
      const moved = await this.dispatches.transition(
        dispatch.id,
        ['queued', 'dialing'],
        'ended',
        { outcome: 'failed', endReason: reason },
        tx,
      );
      if (!moved) return;
      const now = new Date();
      await this.conversations.updateCall(
        dispatch.orgId,
        dispatch.id,
        { status: 'failed', callStatus: 'failed', callOutcome: 'failed', endReason: reason, endTime: now },
        tx,
      );
    });
    this.logger.warn({ msg: 'call abandoned', callId: dispatch.id, reason });
  }

  private async visible(actor: AuthActor, id: string): Promise<ConversationRow> {
    const row = actor.orgId ? await this.conversations.find(actor.orgId, id) : undefined;
    if (!row) throw new NotFoundError(CONVERSATION_NOT_FOUND, 'ConversationNotFound');
    await this.patients.access(actor, row.patientId, 'update');
    return row;
  }

  private patientRef(patient: Patient): { _id: string; id: string; name: string; phone: string } {
    return { _id: patient.id, id: patient.id, name: patient.name, phone: patient.phone };
  }

  private async agentRef(agentId: string): Promise<{ _id: string; id: string; name: string } | null> {
    const agent = await this.caregivers.find(agentId);
    return agent ? { _id: agent.id, id: agent.id, name: agent.name } : null;
  }
}
