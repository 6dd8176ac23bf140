import { Injectable } from '@nestjs/common';
import { FieldCipher } from '@app/platform';
import type { ConversationSentimentRow, FraudAbuseAnalysisRow, MedicalAnalysisRow } from './analysis.table';
import type { AbuseRisk, FinancialRisk, FraudRecommendation, RelationshipRisk } from './fraud-abuse-analyzer';
import type { AnalysisRecommendation, CognitiveMetrics, PsychiatricMetrics, VocabularyMetrics } from './medical-analyzer';
import type { SentimentAnalysis } from './text-analyzer';

export interface MedicalMetricsBlob {
  cognitiveMetrics: CognitiveMetrics;
  psychiatricMetrics: PsychiatricMetrics;
  vocabularyMetrics: VocabularyMetrics;
}

export interface FraudDetailsBlob {
  financialRisk: FinancialRisk;
  abuseRisk: AbuseRisk;
  relationshipRisk: RelationshipRisk;
}

export interface DecryptedMedical {
  row: MedicalAnalysisRow;
  metrics: MedicalMetricsBlob;
  warnings: string[];
  recommendations: AnalysisRecommendation[];
}

export interface DecryptedFraud {
  row: FraudAbuseAnalysisRow;
  details: FraudDetailsBlob;
  warnings: string[];
  recommendations: FraudRecommendation[];
}

export const SENTIMENT_TABLE = 'conversation_sentiments';
export const MEDICAL_TABLE = 'medical_analyses';
export const FRAUD_TABLE = 'fraud_abuse_analyses';

/**
 * FieldCipher envelopes of the analysis tables (AAD = table/column/row/org). A sentiment row is
 * bound to its conversation id (its unique key), so a re-analysis that overwrites the row in
 * place (ON CONFLICT DO UPDATE) keeps a valid binding whichever insert won a race.
 */
@Injectable()
export class AnalysisCodec {
  constructor(private readonly cipher: FieldCipher) {}

  sealSentiment(value: SentimentAnalysis, conversationId: string, orgId: string): string {
    return this.cipher.encryptJson(value, { table: SENTIMENT_TABLE, column: 'analysis', rowId: conversationId, orgId });
  }

  openSentiment(row: ConversationSentimentRow): SentimentAnalysis {
    return this.cipher.decryptJson<SentimentAnalysis>(row.analysis, {
      table: SENTIMENT_TABLE,
      column: 'analysis',
      rowId: row.conversationId,
      orgId: row.orgId,
    });
  }

  seal(table: typeof MEDICAL_TABLE | typeof FRAUD_TABLE, column: string, value: unknown, rowId: string, orgId: string): string {
    return this.cipher.encryptJson(value, { table, column, rowId, orgId });
  }

  openMedical(row: MedicalAnalysisRow): DecryptedMedical {
    const ctx = (column: string) => ({ table: MEDICAL_TABLE, column, rowId: row.id, orgId: row.orgId });
    return {
      row,
      metrics: this.cipher.decryptJson<MedicalMetricsBlob>(row.metrics, ctx('metrics')),
      warnings: this.cipher.decryptJson<string[]>(row.warnings, ctx('warnings')),
      recommendations: this.cipher.decryptJson<AnalysisRecommendation[]>(row.recommendations, ctx('recommendations')),
    };
  }

  openFraud(row: FraudAbuseAnalysisRow): DecryptedFraud {
    const ctx = (column: string) => ({ table: FRAUD_TABLE, column, rowId: row.id, orgId: row.orgId });
    return {
      row,
      details: this.cipher.decryptJson<FraudDetailsBlob>(row.details, ctx('details')),
      warnings: this.cipher.decryptJson<string[]>(row.warnings, ctx('warnings')),
      recommendations: this.cipher.decryptJson<FraudRecommendation[]>(row.recommendations, ctx('recommendations')),
    };
  }
}
