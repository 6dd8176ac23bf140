import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import type { AuthActor } from '@app/auth';
import { PatientService, orgOf, type Patient } from '@app/patients';
import { Clock, DatabaseService, QueueService, type DbOrTx } from '@app/platform';
import { AnalysisCodec } from './analysis.codec';
import type { MedicalResultsResponse, MedicalTrendResponse, TriggerAllResponse, TriggerResponse, TrendTimeRange } from './analysis.dto';
import { medicalView } from './analysis.presenter';
import { AnalysisRepository } from './analysis.repository';
import { AnalysisService } from './analysis.service';
import { isoDay, rollingWindow } from './analysis-windows';
import { INSUFFICIENT_DATA_WARNING } from './medical-analyzer';
import { scoreDirection } from './sentiment-trend';
import { round } from './text-tools';

export const NO_CONVERSATIONS_MESSAGE = 'No conversations found for analysis period';

/** MD1, MD2, MD4, MD5: stored medical pattern analyses; access follows the patient. */
@Injectable()
export class MedicalAnalysisService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repo: AnalysisRepository,
    private readonly codec: AnalysisCodec,
    private readonly analysis: AnalysisService,
    private readonly patients: PatientService,
    private readonly queues: QueueService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** MD1: newest first. */
  async results(actor: AuthActor, patientId: string, limit = 10): Promise<MedicalResultsResponse> {
    const patient = await this.patients.access(actor, patientId, 'read');
    return this.database.transaction(async (tx) => {
      const rows = await this.repo.latestMedical(patient.orgId, patient.id, limit, tx);
      await this.record(
        'analysis.medical.read',
        patient,
        rows.map((r) => r.id),
        tx,
      );
      const results = rows.map((r) => medicalView(this.codec.openMedical(r)));
      return { success: true, results, count: results.length };
    });
  }

  /** MD2: stored analyses of the rolling window, oldest first, with averages and directions. */
  async trend(actor: AuthActor, patientId: string, timeRange: TrendTimeRange = 'year'): Promise<MedicalTrendResponse> {
    const patient = await this.patients.access(actor, patientId, 'read');
    const { start, end } = rollingWindow(timeRange, this.clock.now());
    return this.database.transaction(async (tx) => {
      const rows = await this.repo.medicalBetween(patient.orgId, patient.id, start, new Date(end.getTime() + 1), tx);
      await this.record(
        'analysis.medical.read',
        patient,
        rows.map((r) => r.id),
        tx,
      );
      const usable = rows.filter((r) => r.confidence !== 'none' && r.totalWords > 0);
      const avg = (pick: (r: (typeof rows)[number]) => number): number =>
        usable.length ? round(usable.reduce((s, r) => s + pick(r), 0) / usable.length) : 0;
      const cognitiveTrend = scoreDirection(
        usable.map((r) => r.cognitiveRiskScore),
        false,
      );
      const psychiatricTrend = scoreDirection(
        usable.map((r) => r.psychiatricRiskScore),
        false,
      );
      const vocabularyTrend = scoreDirection(
        usable.map((r) => r.vocabularyComplexity),
        true,
      );
      const opened = new Map(rows.map((r) => [r.id, this.codec.openMedical(r)]));
      const warnings = new Set<string>();
      for (const r of usable) for (const w of opened.get(r.id)!.warnings) if (w !== INSUFFICIENT_DATA_WARNING) warnings.add(w);
      const insights: string[] = [];
      if (usable.length === 0) insights.push('No analyses with enough conversation data in this period');
      if (cognitiveTrend === 'declining') insights.push('Cognitive risk markers are increasing');
      if (psychiatricTrend === 'declining') insights.push('Psychiatric risk markers are increasing');
      if (vocabularyTrend === 'declining') insights.push('Vocabulary complexity is decreasing');
      if (usable.length > 0 && cognitiveTrend === 'stable' && psychiatricTrend === 'stable')
        insights.push('Markers are stable over the period');
      return {
        success: true,
        trend: {
          patientId: patient.id,
          timeRange,
          startDate: start.toISOString(),
          endDate: end.toISOString(),
          totalAnalyses: rows.length,
          dataPoints: rows.map((r) => ({
            analysisId: r.id,
            date: isoDay(r.analysisDate),
            cognitiveRisk: r.cognitiveRiskScore,
            psychiatricRisk: r.psychiatricRiskScore,
            depressionScore: r.depressionScore,
            anxietyScore: r.anxietyScore,
            vocabularyComplexity: r.vocabularyComplexity,
            overallHealthScore: r.overallHealthScore,
            hasCrisisIndicators: r.hasCrisisIndicators,
            confidence: r.confidence,
            conversationCount: r.conversationCount,
            analysis: medicalView(opened.get(r.id)!),
          })),
          summary: {
            averageCognitiveRisk: avg((r) => r.cognitiveRiskScore),
            averagePsychiatricRisk: avg((r) => r.psychiatricRiskScore),
            averageVocabularyComplexity: avg((r) => r.vocabularyComplexity),
            cognitiveTrend,
            psychiatricTrend,
            vocabularyTrend,
            confidence: round(Math.min(1, usable.length / 5)),
            keyInsights: insights,
            criticalWarnings: [...warnings],
          },
        },
      };
    });
  }

  /** MD4: analyses the patient's last 12 months now and stores the result. */
  async triggerPatient(actor: AuthActor, patientId: string): Promise<TriggerResponse> {
    const patient = await this.patients.access(actor, patientId, 'read');
    const window = { timeRange: 'custom' as const, ...rollingWindow('year', this.clock.now()) };
    const { analysis } = await this.analysis.runMedical(patient, window);
    const result = medicalView(analysis);
    return {
      success: true,
      message: analysis.row.conversationCount === 0 ? NO_CONVERSATIONS_MESSAGE : 'Medical analysis completed',
      result: { ...result, confidence: analysis.row.conversationCount === 0 ? 'none' : result.confidence },
    };
  }

  /**
   * MD5 (orgAdmin): one `analysis.patient` job per patient of the org. The batch key is the UTC
   * day: triggering twice on one day schedules (and stores) each patient's analysis once.
   */
  async triggerAll(actor: AuthActor): Promise<TriggerAllResponse> {
    const orgId = orgOf(actor);
    const patientIds = await this.patients.idsInOrg(orgId);
    const batchId = `trigger-all-${isoDay(this.clock.now())}`;
    for (const patientId of patientIds) {
      await this.queues.enqueue('analysis.patient', { orgId, patientId, runKey: batchId }, { idempotencyKey: `${patientId}:${batchId}` });
    }
    await this.audit.record({
      action: 'analysis.medical.schedule',
      resourceType: 'patient',
      resourceIds: patientIds.slice(0, 1000),
      patientIds: patientIds.slice(0, 1000),
      orgId,
      outcome: 'success',
    });
    const n = patientIds.length;
    return {
      success: true,
      message: n === 0 ? 'No active patients found' : `Scheduled medical analysis for ${n} patient(s)`,
      jobCount: n,
      patientsAnalyzed: n,
      jobsScheduled: n,
      batchId,
    };
  }

  private async record(action: string, patient: Patient, ids: string[], tx: DbOrTx): Promise<void> {
    await this.audit.record(
      {
        action,
        resourceType: 'analysis',
        resourceIds: ids.slice(0, 1000),
        patientIds: [patient.id],
        orgId: patient.orgId,
        outcome: 'success',
      },
      tx,
    );
  }
}
