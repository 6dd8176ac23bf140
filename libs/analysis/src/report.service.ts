import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import type { AuthActor } from '@app/auth';
import { ConversationService, type ConversationRow } from '@app/conversations';
import { AlertService } from '@app/emergency';
import { PatientService, type Patient } from '@app/patients';
import { Clock, DatabaseService, type DbOrTx } from '@app/platform';
import { AnalysisCodec } from './analysis.codec';
import type { PatientReportResponse, ReportQueryDto } from './analysis.dto';
import { AnalysisRepository } from './analysis.repository';
import { checkedWindow, parseDate, parseEndDate } from './analysis-windows';
import { INSUFFICIENT_DATA_WARNING } from './medical-analyzer';
import { summarizeSentiment, type TrendDirection } from './sentiment-trend';

const DAY_MS = 86_400_000;
const MISSED_OUTCOMES = new Set(['no_answer', 'busy', 'voicemail', 'failed']);

export interface PatientReport {
  patient: Patient;
  body: PatientReportResponse;
  mood: {
    points: Array<{ date: string; conversationId: string; score: number; sentiment: string }>;
    averageSentiment: number;
    trendDirection: TrendDirection;
  };
}

/** A call counts as missed when it failed or was not answered; as completed when it ended normally. */
export function callOutcomeOf(c: Pick<ConversationRow, 'status' | 'callOutcome'>): 'completed' | 'missed' | 'other' {
  if (c.status === 'failed' || c.status === 'machine' || (c.callOutcome !== null && MISSED_OUTCOMES.has(c.callOutcome))) return 'missed';
  return c.status === 'completed' ? 'completed' : 'other';
}

/**
 * The per-patient wellness report (JSON and PDF): calls and durations, the mood trend from stored
 * sentiments, alerts by severity, and the concerns flagged by stored analyses in the period.
 */
@Injectable()
export class ReportService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repo: AnalysisRepository,
    private readonly codec: AnalysisCodec,
    private readonly conversations: ConversationService,
    private readonly alerts: AlertService,
    private readonly patients: PatientService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** `action`: `analysis.report.read` (JSON) or `analysis.report.export` (PDF). */
  async build(
    actor: AuthActor,
    patientId: string,
    query: ReportQueryDto,
    action: 'analysis.report.read' | 'analysis.report.export',
  ): Promise<PatientReport> {
    const now = this.clock.now();
    const to = query.to ? parseEndDate('to', query.to) : now;
    const from = query.from ? parseDate('from', query.from) : new Date(to.getTime() - 30 * DAY_MS);
    checkedWindow(from, to, 'from', 'to');
    const patient = await this.patients.access(actor, patientId, 'read');
    return this.database.transaction(async (tx) => {
      const report = await this.collect(patient, from, to, now, tx);
      await this.audit.record(
        { action, resourceType: 'report', resourceIds: [patient.id], patientIds: [patient.id], orgId: patient.orgId, outcome: 'success' },
        tx,
      );
      return report;
    });
  }

  private async collect(patient: Patient, from: Date, to: Date, now: Date, tx: DbOrTx): Promise<PatientReport> {
    const { orgId, id } = patient;
    const calls = (await this.conversations.ofPatientsBetween(orgId, [id], from, to, tx)).map((c) => c.conversation);
    const outcomes = calls.map(callOutcomeOf);
    const completed = calls.filter((_, i) => outcomes[i] === 'completed');
    const totalDuration = completed.reduce((s, c) => s + c.duration, 0);
    const sentiments = await this.repo.sentimentsBetween(orgId, id, from, to, tx);
    const points = sentiments.map((s) => ({
      date: s.conversationAt.toISOString(),
      conversationId: s.conversationId,
      score: s.sentimentScore,
      sentiment: s.overallSentiment,
    }));
    const moodSummary = summarizeSentiment(
      sentiments.map((s) => ({ score: s.sentimentScore, overall: s.overallSentiment as 'positive', confidence: s.confidence })),
    );
    const medical = await this.repo.medicalBetween(orgId, id, from, to, tx);
    const fraud = await this.repo.fraudBetween(orgId, id, from, to, tx);
    const concerns = new Set<string>();
    for (const m of medical) for (const w of this.codec.openMedical(m).warnings) if (w !== INSUFFICIENT_DATA_WARNING) concerns.add(w);
    for (const f of fraud) for (const w of this.codec.openFraud(f).warnings) concerns.add(w);
    const highConcern = sentiments.filter((s) => s.concernLevel === 'high').length;
    if (highConcern > 0) concerns.add(`${highConcern} call(s) with a high level of concern`);
    const lastMedical = [...medical].reverse().find((m) => m.confidence !== 'none');
    const lastFraud = [...fraud].reverse().find((f) => f.confidence !== 'none');
    const mood = { points, averageSentiment: moodSummary.averageSentiment, trendDirection: moodSummary.trendDirection };
    const body: PatientReportResponse = {
      patientId: id,
      period: { from: from.toISOString(), to: to.toISOString() },
      calls: {
        total: calls.length,
        completed: completed.length,
        missed: outcomes.filter((o) => o === 'missed').length,
        other: outcomes.filter((o) => o === 'other').length,
        totalDurationSeconds: totalDuration,
        averageDurationSeconds: completed.length ? Math.round(totalDuration / completed.length) : 0,
      },
      mood: { ...mood, analyzedCalls: points.length, distribution: moodSummary.sentimentDistribution },
      alerts: await this.alerts.countsForPatient(orgId, id, from, to, tx),
      medical: lastMedical
        ? {
            analysisDate: lastMedical.analysisDate.toISOString(),
            cognitiveRiskScore: lastMedical.cognitiveRiskScore,
            psychiatricRiskScore: lastMedical.psychiatricRiskScore,
            depressionScore: lastMedical.depressionScore,
            anxietyScore: lastMedical.anxietyScore,
            overallHealthScore: lastMedical.overallHealthScore,
            confidence: lastMedical.confidence,
          }
        : null,
      fraudAbuse: lastFraud
        ? {
            analysisDate: lastFraud.analysisDate.toISOString(),
            overallRiskScore: lastFraud.overallRiskScore,
            financialRiskScore: lastFraud.financialRiskScore,
            abuseRiskScore: lastFraud.abuseRiskScore,
            relationshipRiskScore: lastFraud.relationshipRiskScore,
            confidence: lastFraud.confidence,
          }
        : null,
      concerns: [...concerns],
      generatedAt: now.toISOString(),
    };
    return { patient, body, mood };
  }
}
