import { boolean, index, integer, pgTable, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const ANALYSIS_TIME_RANGES = ['month', 'quarter', 'year', 'custom'] as const;
export type AnalysisTimeRange = (typeof ANALYSIS_TIME_RANGES)[number];

/**
 * Analysis results (inventory §4.12, §4.14, §8.1). Everything derived from transcript text — the
 * sentiment analysis object, metric details, warnings, recommendations — is a FieldCipher
 * envelope (enc; AAD = table/column/row id/org id). Numeric scores, counts, labels and dates are
 * plain so trends and reports aggregate in SQL. Every row carries org_id and patient_id and is
 * indexed for "newest first per patient".
 */

/**
 * One sentiment per conversation (`conversation_id` unique: re-analysis replaces it in place). The
 * `analysis` envelope's AAD row id is the conversation id, the row's stable unique key.
 */
export const conversationSentiments = pgTable(
  'conversation_sentiments',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    conversationId: uuid('conversation_id').notNull(),
    /** The call's end (or start) time: the trend's x axis. */
    conversationAt: timestamp('conversation_at', { withTimezone: true }).notNull(),
    overallSentiment: text('overall_sentiment').notNull(),
    sentimentScore: real('sentiment_score').notNull(),
    confidence: real('confidence').notNull(),
    concernLevel: text('concern_level'),
    fallback: boolean('fallback').notNull(),
    provider: text('provider').notNull(),
    model: text('model'),
    /** enc: the SentimentAnalysis JSON */
    analysis: text('analysis').notNull(),
    analyzedAt: timestamp('analyzed_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('conversation_sentiments_conversation_unique').on(t.conversationId),
    index('conversation_sentiments_org_patient_at_idx').on(t.orgId, t.patientId, t.conversationAt.desc()),
  ],
);

/**
 * Medical pattern analyses. `run_key` (jobs only) makes a scheduled run idempotent: the same
 * patient + key is stored once however often the job is delivered.
 */
export const medicalAnalyses = pgTable(
  'medical_analyses',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    analysisDate: timestamp('analysis_date', { withTimezone: true }).notNull().defaultNow(),
    timeRange: text('time_range').$type<AnalysisTimeRange>().notNull(),
    startDate: timestamp('start_date', { withTimezone: true }).notNull(),
    endDate: timestamp('end_date', { withTimezone: true }).notNull(),
    conversationCount: integer('conversation_count').notNull(),
    messageCount: integer('message_count').notNull(),
    totalWords: integer('total_words').notNull(),
    confidence: text('confidence').notNull(),
    cognitiveRiskScore: real('cognitive_risk_score').notNull(),
    depressionScore: real('depression_score').notNull(),
    anxietyScore: real('anxiety_score').notNull(),
    psychiatricRiskScore: real('psychiatric_risk_score').notNull(),
    vocabularyComplexity: real('vocabulary_complexity').notNull(),
    overallHealthScore: real('overall_health_score').notNull(),
    hasCrisisIndicators: boolean('has_crisis_indicators').notNull(),
    /** enc: {cognitiveMetrics, psychiatricMetrics, vocabularyMetrics} */
    metrics: text('metrics').notNull(),
    /** enc: string[] */
    warnings: text('warnings').notNull(),
    /** enc: recommendation objects */
    recommendations: text('recommendations').notNull(),
    runKey: text('run_key'),
    processingTimeMs: integer('processing_time_ms').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('medical_analyses_org_patient_date_idx').on(t.orgId, t.patientId, t.analysisDate.desc()),
    uniqueIndex('medical_analyses_run_key_unique').on(t.orgId, t.patientId, t.runKey),
  ],
);

/** Fraud / abuse / relationship-risk analyses (same idempotency rule as medical). */
export const fraudAbuseAnalyses = pgTable(
  'fraud_abuse_analyses',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    analysisDate: timestamp('analysis_date', { withTimezone: true }).notNull().defaultNow(),
    timeRange: text('time_range').$type<AnalysisTimeRange>().notNull(),
    startDate: timestamp('start_date', { withTimezone: true }).notNull(),
    endDate: timestamp('end_date', { withTimezone: true }).notNull(),
    conversationCount: integer('conversation_count').notNull(),
    messageCount: integer('message_count').notNull(),
    totalWords: integer('total_words').notNull(),
    confidence: text('confidence').notNull(),
    overallRiskScore: real('overall_risk_score').notNull(),
    financialRiskScore: real('financial_risk_score').notNull(),
    abuseRiskScore: real('abuse_risk_score').notNull(),
    relationshipRiskScore: real('relationship_risk_score').notNull(),
    /** enc: {financialRisk, abuseRisk, relationshipRisk} (flagged phrases quote the patient) */
    details: text('details').notNull(),
    /** enc: string[] */
    warnings: text('warnings').notNull(),
    /** enc: recommendation objects */
    recommendations: text('recommendations').notNull(),
    runKey: text('run_key'),
    processingTimeMs: integer('processing_time_ms').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('fraud_abuse_analyses_org_patient_date_idx').on(t.orgId, t.patientId, t.analysisDate.desc()),
    uniqueIndex('fraud_abuse_analyses_run_key_unique').on(t.orgId, t.patientId, t.runKey),
  ],
);

export type ConversationSentimentRow = typeof conversationSentiments.$inferSelect;
export type NewConversationSentimentRow = typeof conversationSentiments.$inferInsert;
export type MedicalAnalysisRow = typeof medicalAnalyses.$inferSelect;
export type NewMedicalAnalysisRow = typeof medicalAnalyses.$inferInsert;
export type FraudAbuseAnalysisRow = typeof fraudAbuseAnalyses.$inferSelect;
export type NewFraudAbuseAnalysisRow = typeof fraudAbuseAnalyses.$inferInsert;
