import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '@app/audit';
import { ConversationService, type ConversationRow, type ConversationWithMessages } from '@app/conversations';
import { PatientService, type Patient } from '@app/patients';
import { Clock, DatabaseService, type DbOrTx } from '@app/platform';
import { AnalysisCodec, FRAUD_TABLE, MEDICAL_TABLE, type DecryptedFraud, type DecryptedMedical } from './analysis.codec';
import { AnalysisRepository } from './analysis.repository';
import { rollingWindow } from './analysis-windows';
import type { AnalysisTimeRange, ConversationSentimentRow } from './analysis.table';
import { analyzeFraudAbuse } from './fraud-abuse-analyzer';
import { analyzeMedical, type MedicalBaseline } from './medical-analyzer';
import { TEXT_ANALYZER, type SentimentAnalysis, type TextAnalyzer } from './text-analyzer';
import type { AnalyzedConversation } from './text-tools';
import { fraudView, medicalView } from './analysis.presenter';

export type ConversationAnalysisOutcome =
  | { status: 'analyzed'; sentiment: SentimentAnalysis; analyzedAt: Date; stored: boolean }
  | { status: 'exists' | 'missing' | 'not-completed' };

export interface PatientAnalysesExport {
  sentiments: unknown[];
  medical: unknown[];
  fraudAbuse: unknown[];
}

export interface AnalysisWindow {
  timeRange: AnalysisTimeRange;
  start: Date;
  end: Date;
}

/**
 * The analysis core for jobs and the HTTP services (trusted: callers check access). Reads
 * transcripts through ConversationService, runs the text analyzer or the local pattern analyzers
 * outside any transaction (a model call can take seconds), then stores the result and its audit
 * entry in one transaction. Idempotent: a conversation has one sentiment row; job runs carry a run
 * key that is unique per patient.
 */
@Injectable()
export class AnalysisService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repo: AnalysisRepository,
    private readonly codec: AnalysisCodec,
    private readonly conversations: ConversationService,
    private readonly patients: PatientService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(TEXT_ANALYZER) private readonly analyzer: TextAnalyzer,
  ) {}

  /**
   * Sentiment and summary of a finished (completed) call. Without `force` an existing sentiment
   * wins (a redelivered job is a no-op) and an existing summary is kept; with `force` (SN4) both
   * are recomputed and replaced.
   */
  async analyzeConversation(
    orgId: string,
    conversationId: string,
    options: { force?: boolean } = {},
  ): Promise<ConversationAnalysisOutcome> {
    const conversation = await this.conversations.find(orgId, conversationId);
    if (!conversation) return { status: 'missing' };
    if (conversation.status !== 'completed') return { status: 'not-completed' };
    if (!options.force && (await this.repo.sentimentOf(orgId, conversationId))) return { status: 'exists' };
    const loaded = await this.loadConversation(conversation);
    const patient = await this.patients.find(orgId, conversation.patientId);
    const result = await this.analyzer.analyze({ messages: loaded?.messages ?? [], language: patient?.preferredLanguage });
    const analyzedAt = this.clock.now();
    const stored = await this.database.transaction(async (tx) => {
      const inserted = await this.repo.upsertSentiment(
        {
          id: randomUUID(),
          orgId,
          patientId: conversation.patientId,
          conversationId,
          conversationAt: conversation.endTime ?? conversation.startTime,
          overallSentiment: result.sentiment.overallSentiment,
          sentimentScore: result.sentiment.sentimentScore,
          confidence: result.sentiment.confidence,
          concernLevel: result.sentiment.concernLevel ?? null,
          fallback: result.sentiment.fallback,
          provider: result.provider,
          model: result.model,
          analysis: this.codec.sealSentiment(result.sentiment, conversationId, orgId),
          analyzedAt,
        },
        options.force === true,
        tx,
      );
      if (inserted && (options.force || !loaded?.summary)) await this.conversations.setSummary(orgId, conversationId, result.summary, tx);
      await this.audit.record(
        {
          action: 'analysis.conversation.analyze',
          resourceType: 'conversation',
          resourceIds: [conversationId],
          patientIds: [conversation.patientId],
          orgId,
          outcome: 'success',
          reason: inserted ? result.provider : 'already_analyzed',
        },
        tx,
      );
      return inserted;
    });
    return { status: 'analyzed', sentiment: result.sentiment, analyzedAt, stored };
  }

  /** Medical and fraud/abuse analyses of a patient's last month (the `analysis.patient` job). */
  async analyzePatient(orgId: string, patientId: string, runKey: string): Promise<{ medical: boolean; fraud: boolean } | undefined> {
    const patient = await this.patients.find(orgId, patientId);
    if (!patient) return undefined;
    const window: AnalysisWindow = { timeRange: 'month', ...rollingWindow('month', this.clock.now()) };
    const conversations = await this.conversationsOf(patient, window); // decrypted once for both analyses
    const medical = await this.runMedical(patient, window, runKey, conversations);
    const fraud = await this.runFraud(patient, window, runKey, conversations);
    return { medical: medical.stored, fraud: fraud.stored };
  }

  /** Runs and stores a medical analysis of the window (audited as a create by the current actor). */
  async runMedical(
    patient: Patient,
    window: AnalysisWindow,
    runKey: string | null = null,
    loaded?: AnalyzedConversation[],
  ): Promise<{ analysis: DecryptedMedical; stored: boolean }> {
    const started = performance.now();
    const conversations = loaded ?? (await this.conversationsOf(patient, window));
    const [previous] = await this.repo.latestMedical(patient.orgId, patient.id, 1);
    const baseline: MedicalBaseline | undefined = previous ? this.codec.openMedical(previous).metrics.vocabularyMetrics : undefined;
    const result = analyzeMedical(conversations, baseline && baseline.typeTokenRatio > 0 ? baseline : undefined);
    const id = randomUUID();
    const seal = (column: string, value: unknown) => this.codec.seal(MEDICAL_TABLE, column, value, id, patient.orgId);
    const metrics = {
      cognitiveMetrics: result.cognitiveMetrics,
      psychiatricMetrics: result.psychiatricMetrics,
      vocabularyMetrics: result.vocabularyMetrics,
    };
    const values = {
      ...this.runColumns(id, patient, window, result),
      cognitiveRiskScore: result.cognitiveMetrics.riskScore,
      depressionScore: result.psychiatricMetrics.depressionScore,
      anxietyScore: result.psychiatricMetrics.anxietyScore,
      psychiatricRiskScore: result.psychiatricMetrics.overallRiskScore,
      vocabularyComplexity: result.vocabularyMetrics.complexityScore,
      overallHealthScore: result.timeSeriesData.overallHealthScore,
      hasCrisisIndicators: result.psychiatricMetrics.crisisIndicators.hasCrisisIndicators,
      metrics: seal('metrics', metrics),
      warnings: seal('warnings', result.warnings),
      recommendations: seal('recommendations', result.recommendations),
      runKey,
      processingTimeMs: Math.round(performance.now() - started),
    };
    const stored = await this.database.transaction(async (tx) => {
      const inserted = await this.repo.insertMedical(values, tx);
      await this.recordRun('analysis.medical.create', inserted ? id : undefined, patient, conversations, tx);
      return inserted;
    });
    return {
      analysis: {
        row: { ...values, createdAt: values.analysisDate },
        metrics,
        warnings: result.warnings,
        recommendations: result.recommendations,
      },
      stored,
    };
  }

  /** Runs and stores a fraud/abuse analysis of the window. */
  async runFraud(
    patient: Patient,
    window: AnalysisWindow,
    runKey: string | null = null,
    loaded?: AnalyzedConversation[],
  ): Promise<{ analysis: DecryptedFraud; stored: boolean }> {
    const started = performance.now();
    const conversations = loaded ?? (await this.conversationsOf(patient, window));
    const result = analyzeFraudAbuse(conversations);
    const id = randomUUID();
    const seal = (column: string, value: unknown) => this.codec.seal(FRAUD_TABLE, column, value, id, patient.orgId);
    const details = { financialRisk: result.financialRisk, abuseRisk: result.abuseRisk, relationshipRisk: result.relationshipRisk };
    const values = {
      ...this.runColumns(id, patient, window, result),
      overallRiskScore: result.overallRiskScore,
      financialRiskScore: result.financialRisk.riskScore,
      abuseRiskScore: result.abuseRisk.riskScore,
      relationshipRiskScore: result.relationshipRisk.riskScore,
      details: seal('details', details),
      warnings: seal('warnings', result.warnings),
      recommendations: seal('recommendations', result.recommendations),
      runKey,
      processingTimeMs: Math.round(performance.now() - started),
    };
    const stored = await this.database.transaction(async (tx) => {
      const inserted = await this.repo.insertFraud(values, tx);
      await this.recordRun('analysis.fraud.create', inserted ? id : undefined, patient, conversations, tx);
      return inserted;
    });
    return {
      analysis: {
        row: { ...values, createdAt: values.analysisDate },
        details,
        warnings: result.warnings,
        recommendations: result.recommendations,
      },
      stored,
    };
  }

  /** The columns every stored medical or fraud/abuse run has: who, which window, how much was analysed. */
  private runColumns(
    id: string,
    patient: Patient,
    window: AnalysisWindow,
    result: { conversationCount: number; messageCount: number; totalWords: number; confidence: string },
  ) {
    return {
      id,
      orgId: patient.orgId,
      patientId: patient.id,
      analysisDate: this.clock.now(),
      timeRange: window.timeRange,
      startDate: window.start,
      endDate: window.end,
      conversationCount: result.conversationCount,
      messageCount: result.messageCount,
      totalWords: result.totalWords,
      confidence: result.confidence,
    };
  }

  /** Decrypted sentiments of conversations (by conversation id). */
  sentimentsOf(rows: ConversationSentimentRow[]): Map<string, { row: ConversationSentimentRow; sentiment: SentimentAnalysis }> {
    return new Map(rows.map((row) => [row.conversationId, { row, sentiment: this.codec.openSentiment(row) }]));
  }

  /**
   * Data-subject export (inventory §3.20, via the compliance PrivacyContributors registry): every
   * stored analysis of one patient, decrypted — this is the patient's own copy. Runs in `tx`.
   */
  async exportOfPatient(orgId: string, patientId: string, tx: DbOrTx): Promise<PatientAnalysesExport> {
    const from = new Date('1970-01-01T00:00:00Z');
    const to = new Date('9999-01-01T00:00:00Z');
    const sentiments = await this.repo.sentimentsBetween(orgId, patientId, from, to, tx);
    const medical = await this.repo.medicalBetween(orgId, patientId, from, to, tx);
    const fraud = await this.repo.fraudBetween(orgId, patientId, from, to, tx);
    return {
      sentiments: sentiments.map((row) => ({
        id: row.id,
        conversationId: row.conversationId,
        conversationAt: row.conversationAt.toISOString(),
        overallSentiment: row.overallSentiment,
        sentimentScore: row.sentimentScore,
        confidence: row.confidence,
        concernLevel: row.concernLevel,
        analysis: this.codec.openSentiment(row),
        analyzedAt: row.analyzedAt.toISOString(),
      })),
      medical: medical.map((row) => medicalView(this.codec.openMedical(row))),
      fraudAbuse: fraud.map((row) => fraudView(this.codec.openFraud(row))),
    };
  }

  /** Data-subject erasure: deletes every analysis row of the patients in `tx`; returns how many. */
  deleteOfPatients(orgId: string, patientIds: string[], tx: DbOrTx): Promise<number> {
    return this.repo.eraseOfPatients(orgId, patientIds, tx);
  }

  /** The patient's conversations in the window with their messages (for the pattern analyzers). */
  async conversationsOf(
    patient: Pick<Patient, 'id' | 'orgId'>,
    window: { start: Date; end: Date },
    tx?: DbOrTx,
  ): Promise<AnalyzedConversation[]> {
    const list = await this.conversations.ofPatientsBetween(patient.orgId, [patient.id], window.start, window.end, tx);
    return list.map((c) => ({
      id: c.conversation.id,
      startTime: c.conversation.startTime,
      messages: c.messages.map((m) => ({ role: m.role, content: m.content, createdAt: m.createdAt })),
    }));
  }

  private async loadConversation(row: ConversationRow): Promise<ConversationWithMessages | undefined> {
    // ofPatientsBetween is the analysis read API: the call's own start instant selects it.
    const list = await this.conversations.ofPatientsBetween(
      row.orgId,
      [row.patientId],
      row.startTime,
      new Date(row.startTime.getTime() + 1),
    );
    return list.find((c) => c.conversation.id === row.id);
  }

  private async recordRun(
    action: string,
    id: string | undefined,
    patient: Pick<Patient, 'id' | 'orgId'>,
    conversations: AnalyzedConversation[],
    tx: DbOrTx,
  ): Promise<void> {
    await this.audit.record(
      {
        action,
        resourceType: 'analysis',
        resourceIds: [...(id ? [id] : []), ...conversations.map((c) => c.id)].slice(0, 1000),
        patientIds: [patient.id],
        orgId: patient.orgId,
        outcome: 'success',
        ...(id ? {} : { reason: 'already_analyzed' }),
      },
      tx,
    );
  }
}
