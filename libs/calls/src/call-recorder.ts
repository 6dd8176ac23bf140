import { Injectable, Logger } from '@nestjs/common';
import { ANALYSIS_CONVERSATION_JOB } from '@app/analysis';
import { AuditService } from '@app/audit';
import { UsageService } from '@app/billing';
import { ConversationService, type CallUpdate, type MessageRole } from '@app/conversations';
import { DatabaseService, QueueService, RealtimePublisher, serializeError } from '@app/platform';
import type { CallEvent, CallEventSink, CallUsage, TranscriptMessage, TranscriptSink } from '@app/voice';
import './call-events';
import { CallAudience } from './call-audience';
import { CallDirectory, type CallOwner } from './call-directory';
import { CallDispatchRepository } from './call-dispatch.repository';

type EndedEvent = Extract<CallEvent, { status: 'ended' }>;

const CONVERSATION_STATUS: Record<EndedEvent['outcome'], 'completed' | 'failed' | 'machine'> = {
  completed: 'completed',
  voicemail: 'machine',
  no_answer: 'failed',
  busy: 'failed',
  failed: 'failed',
};
const CALL_STATUS: Record<EndedEvent['outcome'], CallUpdate['callStatus']> = {
  completed: 'ended',
  voicemail: 'ended',
  no_answer: 'no_answer',
  busy: 'busy',
  failed: 'failed',
};
const CALL_OUTCOME: Record<EndedEvent['outcome'], CallUpdate['callOutcome']> = {
  completed: 'answered',
  voicemail: 'voicemail',
  no_answer: 'no_answer',
  busy: 'busy',
  failed: 'failed',
};

/**
 * The transcript and call-event ports of the voice pipeline. Final transcript lines become
 * conversation messages in order (partials only go live to the patient's caregivers); statuses
 * update the conversation and the org's dashboards; the end of a call finalises the conversation,
 * records usage for billing, closes the dispatch attempt and audits — in one transaction — and
 * then queues the follow-up (retry / missed check-in) and the post-call summary and sentiment.
 */
@Injectable()
export class CallRecorder implements TranscriptSink, CallEventSink {
  private readonly logger = new Logger('CallRecorder');
  private readonly usage = new Map<string, CallUsage>();
  private readonly audiences = new Map<string, Promise<string[]>>();

  constructor(
    private readonly database: DatabaseService,
    private readonly directory: CallDirectory,
    private readonly dispatches: CallDispatchRepository,
    private readonly conversations: ConversationService,
    private readonly billing: UsageService,
    private readonly audit: AuditService,
    private readonly audience: CallAudience,
    private readonly realtime: RealtimePublisher,
    private readonly queues: QueueService,
  ) {}

  // ---- transcripts ----

  async append(message: TranscriptMessage): Promise<void> {
    const owner = await this.directory.owner(message.callId);
    const role: MessageRole = message.role === 'tool' ? 'system' : message.role;
    if (message.final && message.text.trim() !== '') {
      await this.conversations.appendMessage(owner.orgId, owner.callId, {
        role,
        content: message.text,
        messageType: message.role === 'tool' ? `tool:${message.toolName ?? 'unknown'}` : 'text',
      });
    }
    if (message.role === 'tool') return;
    const users = await this.viewers(owner);
    const payload = {
      conversationId: owner.callId,
      patientId: owner.patientId,
      seq: message.seq,
      role: message.role,
      text: message.text,
      final: message.final,
      offsetMs: message.offsetMs,
      ...(message.itemId ? { itemId: message.itemId } : {}),
    };
    for (const user of users) this.realtime.toUser(user, 'call.transcript', payload);
  }

  // ---- call events ----

  async publish(event: CallEvent): Promise<void> {
    switch (event.type) {
      case 'call.usage':
        this.usage.set(event.callId, event.usage);
        return;
      case 'call.concern':
        return; // the risk port raised the alert
      case 'call.status':
        if (event.status === 'ended') return this.ended(event);
        return this.progressed(event.callId, event.status, event.at);
    }
  }

  private async progressed(callId: string, status: 'ringing' | 'answered', at: Date): Promise<void> {
    const owner = await this.directory.owner(callId);
    if (status === 'answered') {
      await this.conversations.updateCall(owner.orgId, callId, { status: 'in-progress', callStatus: 'answered', callStartTime: at });
      await this.dispatches.transition(callId, ['queued'], 'dialing');
    } else {
      await this.conversations.updateCall(owner.orgId, callId, { callStatus: 'ringing' });
    }
    this.realtime.toOrg(owner.orgId, 'call.status', {
      conversationId: callId,
      patientId: owner.patientId,
      status,
      callStatus: status,
      at: at.toISOString(),
    });
  }

  private async ended(event: EndedEvent): Promise<void> {
    const owner = await this.directory.owner(event.callId);
    const usage = this.usage.get(event.callId);
    const seconds = Math.round(usage?.durationSeconds ?? 0);
    await this.database.transaction(async (tx) => {
      const conversation = await this.conversations.updateCall(
        owner.orgId,
        event.callId,
        {
          status: CONVERSATION_STATUS[event.outcome],
          callStatus: CALL_STATUS[event.outcome],
          callOutcome: CALL_OUTCOME[event.outcome],
          endReason: event.reason,
          endTime: event.at,
          duration: seconds,
          callEndTime: event.at,
          callDuration: seconds,
          ...(usage ? { usage: { ...usage } } : {}),
        },
        tx,
      );
      const record = await this.billing.recordCall(
        {
          conversationId: event.callId,
          callId: conversation.callSid,
          orgId: owner.orgId,
          patientId: owner.patientId,
          startedAt: conversation.startTime,
          // The answer time the `answered` event stored on the conversation.
          answeredAt: event.outcome === 'completed' ? conversation.callStartTime : null,
          endedAt: event.at,
          outcome: event.outcome,
          providerCost: {
            aiAudioSeconds: (usage?.audioInSeconds ?? 0) + (usage?.audioOutSeconds ?? 0),
            aiAudioInSeconds: usage?.audioInSeconds ?? 0,
            aiAudioOutSeconds: usage?.audioOutSeconds ?? 0,
            aiInputTokens: usage?.inputTokens ?? 0,
            aiOutputTokens: usage?.outputTokens ?? 0,
            carrierSeconds: seconds,
          },
        },
        tx,
      );
      await this.conversations.updateCall(owner.orgId, event.callId, { costCents: record.amountCents }, tx);
      await this.dispatches.transition(
        event.callId,
        ['queued', 'dialing'],
        'ended',
        { outcome: event.outcome, endReason: event.reason, callbackNeeded: event.callbackNeeded },
        tx,
      );
      await this.audit.record(
        {
          action: 'call.end',
          resourceType: 'conversation',
          resourceIds: [event.callId],
          patientIds: [owner.patientId],
          orgId: owner.orgId,
          outcome: 'success',
          reason: event.reason,
        },
        tx,
      );
    });
    this.usage.delete(event.callId);
    this.audiences.delete(event.callId);
    this.directory.forget(event.callId);
    this.realtime.toOrg(owner.orgId, 'call.status', {
      conversationId: event.callId,
      patientId: owner.patientId,
      status: 'ended',
      callStatus: CALL_STATUS[event.outcome] ?? 'ended',
      outcome: event.outcome,
      reason: event.reason,
      at: event.at.toISOString(),
    });
    await this.afterCall(owner, event);
  }

  /** Durable follow-ups (each idempotent by call id); a queue outage is logged, the call stays recorded. */
  private async afterCall(owner: CallOwner, event: EndedEvent): Promise<void> {
    try {
      await this.queues.enqueue('calls.follow-up', { callId: owner.callId }, { idempotencyKey: owner.callId });
      // Summary and sentiment of a conversation that took place (text-analysis port, local fallback offline).
      if (event.outcome === 'completed') {
        await this.queues.enqueue(
          ANALYSIS_CONVERSATION_JOB,
          { orgId: owner.orgId, conversationId: owner.callId },
          { idempotencyKey: owner.callId },
        );
      }
    } catch (err) {
      this.logger.error({ msg: 'post-call work could not be queued', callId: owner.callId, err: serializeError(err) });
    }
  }

  private viewers(owner: CallOwner): Promise<string[]> {
    let users = this.audiences.get(owner.callId);
    if (!users) {
      users = this.audience.of(owner.orgId, owner.patientId).then((members) => members.map((m) => m.id));
      users.catch(() => this.audiences.delete(owner.callId));
      this.audiences.set(owner.callId, users);
    }
    return users;
  }
}
