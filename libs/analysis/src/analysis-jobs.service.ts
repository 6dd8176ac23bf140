import { Injectable } from '@nestjs/common';
import { JobHandler, defineJob } from '@app/platform';
import { AnalysisService } from './analysis.service';

/**
 * Analysis jobs (queue `analysis`). Payloads carry ids only; results are stored in Postgres and the
 * job's return value in Redis is a status code, never analysis content. Both handlers are
 * idempotent under redelivery: one sentiment row per conversation, one analysis per run key.
 */
declare module '@app/platform' {
  interface JobPayloads {
    /** After each finished call (enqueued by the voice pipeline): summary + sentiment. */
    'analysis.conversation': { orgId: string; conversationId: string };
    /** Medical and fraud/abuse analyses of a patient's last month; `runKey` makes a batch idempotent. */
    'analysis.patient': { orgId: string; patientId: string; runKey: string };
  }
}

export const ANALYSIS_CONVERSATION_JOB = 'analysis.conversation' as const;
export const ANALYSIS_PATIENT_JOB = 'analysis.patient' as const;

export const analyzeConversationJob = defineJob({
  name: ANALYSIS_CONVERSATION_JOB,
  queue: 'analysis',
  options: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 } },
  concurrency: 2,
});

export const analyzePatientJob = defineJob({
  name: ANALYSIS_PATIENT_JOB,
  queue: 'analysis',
  options: { attempts: 3, backoff: { type: 'exponential', delay: 30_000 } },
});

@Injectable()
export class AnalysisJobs {
  constructor(private readonly analysis: AnalysisService) {}

  @JobHandler(ANALYSIS_CONVERSATION_JOB)
  async handleConversation(data: { orgId: string; conversationId: string }): Promise<{ status: string }> {
    const outcome = await this.analysis.analyzeConversation(data.orgId, data.conversationId);
    return { status: outcome.status };
  }

  @JobHandler(ANALYSIS_PATIENT_JOB)
  async handlePatient(data: { orgId: string; patientId: string; runKey: string }): Promise<{ status: string }> {
    const stored = await this.analysis.analyzePatient(data.orgId, data.patientId, data.runKey);
    return { status: stored ? 'analyzed' : 'missing' };
  }
}
