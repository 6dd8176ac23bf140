import type { DecryptedFraud, DecryptedMedical } from './analysis.codec';
import type { MedicalAnalysisView } from './analysis.dto';
import { healthScores } from './medical-analyzer';

/** MD1 item / MD4 result: the stored MedicalAnalysis as the client reads it (plus `id`/`_id`). */
export function medicalView(m: DecryptedMedical): MedicalAnalysisView {
  const { row, metrics } = m;
  return {
    id: row.id,
    _id: row.id,
    patientId: row.patientId,
    analysisDate: row.analysisDate.toISOString(),
    timeRange: row.timeRange,
    startDate: row.startDate.toISOString(),
    endDate: row.endDate.toISOString(),
    conversationCount: row.conversationCount,
    messageCount: row.messageCount,
    totalWords: row.totalWords,
    confidence: row.confidence,
    warnings: m.warnings,
    cognitiveMetrics: metrics.cognitiveMetrics,
    psychiatricMetrics: metrics.psychiatricMetrics,
    vocabularyMetrics: metrics.vocabularyMetrics,
    recommendations: m.recommendations,
    timeSeriesData: healthScores(metrics.cognitiveMetrics, metrics.psychiatricMetrics, metrics.vocabularyMetrics),
    processingTime: row.processingTimeMs,
  };
}

/** FA2 item / FA3 result. */
export function fraudView(f: DecryptedFraud): Record<string, unknown> {
  const { row, details } = f;
  return {
    id: row.id,
    _id: row.id,
    patientId: row.patientId,
    analysisDate: row.analysisDate.toISOString(),
    timeRange: row.timeRange,
    startDate: row.startDate.toISOString(),
    endDate: row.endDate.toISOString(),
    overallRiskScore: row.overallRiskScore,
    financialRisk: details.financialRisk,
    abuseRisk: details.abuseRisk,
    relationshipRisk: details.relationshipRisk,
    confidence: row.confidence,
    warnings: f.warnings,
    recommendations: f.recommendations,
    conversationCount: row.conversationCount,
    messageCount: row.messageCount,
    totalWords: row.totalWords,
    processingTime: row.processingTimeMs,
  };
}
