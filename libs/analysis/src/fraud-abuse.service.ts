import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import type { AuthActor } from '@app/auth';
import { PatientService } from '@app/patients';
import { Clock, DatabaseService } from '@app/platform';
import { AnalysisCodec, type DecryptedFraud } from './analysis.codec';
import type { FraudAnalysisQueryDto, FraudAnalysisResponse, FraudResultsResponse, TriggerResponse } from './analysis.dto';
import { fraudView } from './analysis.presenter';
import { AnalysisRepository } from './analysis.repository';
import { AnalysisService, type AnalysisWindow } from './analysis.service';
import { customWindow, rollingWindow } from './analysis-windows';

const REUSE_MS = 24 * 3_600_000;

/** FA1–FA3: fraud / abuse / relationship-risk analyses; access follows the patient (unlike the old backend). */
@Injectable()
export class FraudAbuseService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repo: AnalysisRepository,
    private readonly codec: AnalysisCodec,
    private readonly analysis: AnalysisService,
    private readonly patients: PatientService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * FA1: the window's analysis; a result of the same window computed in the last 24 h is reused,
   * otherwise one is computed and stored. Query problems are 400s before any access check.
   */
  async analyze(actor: AuthActor, patientId: string, query: FraudAnalysisQueryDto): Promise<FraudAnalysisResponse> {
    const timeRange = query.timeRange ?? 'month';
    const now = this.clock.now();
    const window: AnalysisWindow =
      timeRange === 'custom'
        ? { timeRange, ...customWindow(query.startDate, query.endDate) }
        : { timeRange, ...rollingWindow(timeRange, now) };
    const patient = await this.patients.access(actor, patientId, 'read');
    const reused = await this.repo.recentFraud(
      patient.orgId,
      patient.id,
      timeRange,
      new Date(now.getTime() - REUSE_MS),
      timeRange === 'custom' ? window : undefined,
    );
    let analysis: DecryptedFraud;
    if (reused) {
      analysis = this.codec.openFraud(reused);
      await this.database.transaction((tx) =>
        this.audit.record(
          {
            action: 'analysis.fraud.read',
            resourceType: 'analysis',
            resourceIds: [reused.id],
            patientIds: [patient.id],
            orgId: patient.orgId,
            outcome: 'success',
          },
          tx,
        ),
      );
    } else {
      analysis = (await this.analysis.runFraud(patient, window)).analysis;
    }
    const view = fraudView(analysis);
    const { row } = analysis;
    return {
      success: true,
      data: {
        patientId: patient.id,
        patientName: patient.preferredName ?? patient.name,
        timeRange: row.timeRange,
        startDate: row.startDate.toISOString(),
        endDate: row.endDate.toISOString(),
        conversationCount: row.conversationCount,
        messageCount: row.messageCount,
        totalWords: row.totalWords,
        analysis: {
          financialRisk: view.financialRisk,
          abuseRisk: view.abuseRisk,
          relationshipRisk: view.relationshipRisk,
          overallRiskScore: row.overallRiskScore,
          warnings: analysis.warnings,
          confidence: row.confidence,
          analysisDate: row.analysisDate.toISOString(),
          conversationCount: row.conversationCount,
        },
        recommendations: analysis.recommendations,
        generatedAt: now.toISOString(),
      },
    };
  }

  /** FA2: newest first (default 5). */
  async results(actor: AuthActor, patientId: string, limit = 5): Promise<FraudResultsResponse> {
    const patient = await this.patients.access(actor, patientId, 'read');
    return this.database.transaction(async (tx) => {
      const rows = await this.repo.latestFraud(patient.orgId, patient.id, limit, tx);
      await this.audit.record(
        {
          action: 'analysis.fraud.read',
          resourceType: 'analysis',
          resourceIds: rows.map((r) => r.id),
          patientIds: [patient.id],
          orgId: patient.orgId,
          outcome: 'success',
        },
        tx,
      );
      return { success: true, results: rows.map((r) => fraudView(this.codec.openFraud(r))) };
    });
  }

  /** FA3: analyses the last 12 months now (timeRange custom) and stores the result. */
  async trigger(actor: AuthActor, patientId: string): Promise<TriggerResponse> {
    const patient = await this.patients.access(actor, patientId, 'read');
    const { analysis } = await this.analysis.runFraud(patient, { timeRange: 'custom', ...rollingWindow('year', this.clock.now()) });
    return {
      success: true,
      message: analysis.row.conversationCount === 0 ? 'No conversations found for analysis period' : 'Fraud and abuse analysis completed',
      result: fraudView(analysis),
    };
  }
}
