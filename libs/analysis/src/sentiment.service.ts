import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import type { AuthActor } from '@app/auth';
import { CONVERSATION_NOT_FOUND, ConversationService, type ConversationRow } from '@app/conversations';
import { PatientService, orgOf, type Patient } from '@app/patients';
import { Clock, DatabaseService, NotFoundError, ValidationError, type DbOrTx } from '@app/platform';
import type {
  AnalyzeSentimentResponse,
  ConversationSentimentResponse,
  PatientSentimentSummaryResponse,
  SentimentDataPoint,
  SentimentTimeRange,
  SentimentTrendResponse,
} from './analysis.dto';
import { AnalysisRepository } from './analysis.repository';
import { AnalysisService } from './analysis.service';
import { summarizeSentiment, type SentimentPoint } from './sentiment-trend';

const DAY_MS = 86_400_000;
export const NOT_COMPLETED_MESSAGE = 'Can only analyze sentiment for completed conversations';

/** SN1–SN4: sentiment per call and its trend for a patient; access follows the patient. */
@Injectable()
export class SentimentService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repo: AnalysisRepository,
    private readonly analysis: AnalysisService,
    private readonly conversations: ConversationService,
    private readonly patients: PatientService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** SN1. `lastCall`: from the latest analysed call on (or 30 days without one); `month`: 30 days; `lifetime`: all. */
  async trend(actor: AuthActor, patientId: string, timeRange: SentimentTimeRange = 'lastCall'): Promise<SentimentTrendResponse> {
    const patient = await this.patients.access(actor, patientId, 'read');
    const now = this.clock.now();
    const end = new Date(now.getTime() + 1);
    return this.database.transaction(async (tx) => {
      let start: Date;
      if (timeRange === 'lifetime') start = new Date(0);
      else if (timeRange === 'month') start = new Date(now.getTime() - 30 * DAY_MS);
      else {
        const latest = await this.repo.latestSentiment(patient.orgId, patient.id, tx);
        const call = latest ? await this.conversations.find(patient.orgId, latest.conversationId, tx) : undefined;
        start = call?.startTime ?? new Date(now.getTime() - 30 * DAY_MS);
      }
      const points = await this.points(patient, start, end, tx);
      const analysed = points.filter((p) => p.sentiment !== null);
      await this.record('analysis.sentiment.read', patient, points, tx);
      const first = points[0];
      return {
        patientId: patient.id,
        timeRange,
        startDate: (timeRange === 'lifetime' ? (first ? new Date(first.date) : patient.createdAt) : start).toISOString(),
        endDate: now.toISOString(),
        totalConversations: points.length,
        analyzedConversations: analysed.length,
        dataPoints: points,
        summary: summarizeSentiment(analysed.map((p) => this.pointOf(p))),
      };
    });
  }

  /** SN2: the last 30 days, at most the 10 latest calls; `recentTrend` the last 5 points. */
  async summary(actor: AuthActor, patientId: string): Promise<PatientSentimentSummaryResponse> {
    const patient = await this.patients.access(actor, patientId, 'read');
    const now = this.clock.now();
    return this.database.transaction(async (tx) => {
      const points = (await this.points(patient, new Date(now.getTime() - 30 * DAY_MS), new Date(now.getTime() + 1), tx)).slice(-10);
      const analysed = points.filter((p) => p.sentiment !== null);
      await this.record('analysis.sentiment.read', patient, points, tx);
      return {
        totalConversations: points.length,
        analyzedConversations: analysed.length,
        ...summarizeSentiment(analysed.map((p) => this.pointOf(p))),
        recentTrend: points.slice(-5),
      };
    });
  }

  /** SN3. */
  async ofConversation(actor: AuthActor, conversationId: string): Promise<ConversationSentimentResponse> {
    const { conversation, patient } = await this.load(actor, conversationId);
    return this.database.transaction(async (tx) => {
      const row = await this.repo.sentimentOf(conversation.orgId, conversation.id, tx);
      const sentiment = row ? this.analysis.sentimentsOf([row]).get(conversation.id)!.sentiment : null;
      await this.audit.record(
        {
          action: 'analysis.sentiment.read',
          resourceType: 'conversation',
          resourceIds: [conversation.id],
          patientIds: [patient.id],
          orgId: patient.orgId,
          outcome: 'success',
        },
        tx,
      );
      return {
        conversationId: conversation.id,
        sentiment,
        sentimentAnalyzedAt: row ? row.analyzedAt.toISOString() : null,
        hasSentimentAnalysis: row !== undefined,
      };
    });
  }

  /** SN4: (re)analyses a completed call now and stores the result (audited by the analysis core). */
  async analyze(actor: AuthActor, conversationId: string): Promise<AnalyzeSentimentResponse> {
    const { conversation } = await this.load(actor, conversationId);
    if (conversation.status !== 'completed') throw new ValidationError(NOT_COMPLETED_MESSAGE, 'ConversationNotCompleted');
    const outcome = await this.analysis.analyzeConversation(conversation.orgId, conversation.id, { force: true });
    if (outcome.status !== 'analyzed') throw new NotFoundError(CONVERSATION_NOT_FOUND, 'ConversationNotFound');
    return { success: true, conversationId: conversation.id, sentiment: outcome.sentiment, analyzedAt: outcome.analyzedAt.toISOString() };
  }

  private async load(actor: AuthActor, conversationId: string): Promise<{ conversation: ConversationRow; patient: Patient }> {
    const conversation = await this.conversations.find(orgOf(actor), conversationId);
    if (!conversation) throw new NotFoundError(CONVERSATION_NOT_FOUND, 'ConversationNotFound');
    const patient = await this.patients.access(actor, conversation.patientId, 'read');
    return { conversation, patient };
  }

  /** Calls of the patient in [start, end), oldest first, with their stored sentiment (or null). */
  private async points(patient: Patient, start: Date, end: Date, tx: DbOrTx): Promise<SentimentDataPoint[]> {
    const calls = await this.conversations.ofPatientsBetween(patient.orgId, [patient.id], start, end, tx);
    const sentiments = this.analysis.sentimentsOf(
      await this.repo.sentimentsOfConversations(
        patient.orgId,
        calls.map((c) => c.conversation.id),
        tx,
      ),
    );
    return calls
      .map(({ conversation: c }) => {
        const s = sentiments.get(c.id);
        return {
          conversationId: c.id,
          date: (c.endTime ?? c.startTime).toISOString(),
          duration: c.duration,
          sentiment: s?.sentiment ?? null,
          sentimentAnalyzedAt: s ? s.row.analyzedAt.toISOString() : null,
        };
      })
      .sort((a, b) => a.date.localeCompare(b.date));
  }

  private pointOf(p: SentimentDataPoint): SentimentPoint {
    const s = p.sentiment!;
    return { score: s.sentimentScore, overall: s.overallSentiment, confidence: s.confidence };
  }

  private async record(action: string, patient: Patient, points: SentimentDataPoint[], tx: DbOrTx): Promise<void> {
    await this.audit.record(
      {
        action,
        resourceType: 'conversation',
        resourceIds: points
          .filter((p) => p.sentiment !== null)
          .map((p) => p.conversationId)
          .slice(0, 1000),
        patientIds: [patient.id],
        orgId: patient.orgId,
        outcome: 'success',
      },
      tx,
    );
  }
}
