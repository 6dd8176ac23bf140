import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import type { SentimentAnalysis } from './text-analyzer';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export const SENTIMENT_TIME_RANGES = ['lastCall', 'month', 'lifetime'] as const;
export type SentimentTimeRange = (typeof SENTIMENT_TIME_RANGES)[number];
export const TREND_TIME_RANGES = ['month', 'quarter', 'year'] as const;
export type TrendTimeRange = (typeof TREND_TIME_RANGES)[number];
export const FRAUD_TIME_RANGES = ['month', 'quarter', 'year', 'custom'] as const;
export type FraudTimeRange = (typeof FRAUD_TIME_RANGES)[number];
export const REPORT_LANGUAGES = ['en', 'es'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

/** SN1. */
export class SentimentTrendQueryDto {
  @ApiPropertyOptional({ enum: SENTIMENT_TIME_RANGES, default: 'lastCall' })
  @IsOptional()
  @IsIn(SENTIMENT_TIME_RANGES, { message: `"timeRange" must be one of [${SENTIMENT_TIME_RANGES.join(', ')}]` })
  timeRange?: SentimentTimeRange;
}

/** MD1, FA2: `limit` 1..100 (a value outside is a 400, not clamped). */
export class AnalysisLimitQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100 })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: '"limit" must be an integer' })
  @Min(1, { message: '"limit" must be between 1 and 100' })
  @Max(100, { message: '"limit" must be between 1 and 100' })
  limit?: number;
}

/** MD2 (default year). */
export class MedicalTrendQueryDto {
  @ApiPropertyOptional({ enum: TREND_TIME_RANGES, default: 'year' })
  @IsOptional()
  @IsIn(TREND_TIME_RANGES, { message: `"timeRange" must be one of [${TREND_TIME_RANGES.join(', ')}]` })
  timeRange?: TrendTimeRange;
}

/** FA1: rolling month/quarter/year, or custom with both dates. */
export class FraudAnalysisQueryDto {
  @ApiPropertyOptional({ enum: FRAUD_TIME_RANGES, default: 'month' })
  @IsOptional()
  @IsIn(FRAUD_TIME_RANGES, { message: `"timeRange" must be one of [${FRAUD_TIME_RANGES.join(', ')}]` })
  timeRange?: FraudTimeRange;

  @ApiPropertyOptional({ example: '2025-01-01', description: 'required with timeRange=custom' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '"startDate" must be an ISO date (YYYY-MM-DD or date-time)' })
  startDate?: string;

  @ApiPropertyOptional({ example: '2025-01-31', description: 'required with timeRange=custom (inclusive day)' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '"endDate" must be an ISO date (YYYY-MM-DD or date-time)' })
  endDate?: string;

  @ApiPropertyOptional({ description: 'accepted for compatibility; baselines are not returned' })
  @IsOptional()
  @IsString()
  includeBaseline?: string;
}

/** Reports: default the last 30 days; at most two years. */
export class ReportQueryDto {
  @ApiPropertyOptional({ example: '2025-01-01', description: 'start (inclusive); default 30 days before `to`' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '"from" must be an ISO date (YYYY-MM-DD or date-time)' })
  from?: string;

  @ApiPropertyOptional({ example: '2025-01-31', description: 'end (a date is inclusive); default now' })
  @IsOptional()
  @Matches(ISO_DATE, { message: '"to" must be an ISO date (YYYY-MM-DD or date-time)' })
  to?: string;

  @ApiPropertyOptional({ enum: REPORT_LANGUAGES, description: 'PDF labels; default from Accept-Language, else en' })
  @IsOptional()
  @IsIn(REPORT_LANGUAGES, { message: `"lang" must be one of [${REPORT_LANGUAGES.join(', ')}]` })
  lang?: ReportLanguage;
}

// ---- responses (nested analysis objects are documented as objects; see the contract §2.14–2.16) ----

export class SentimentDataPoint {
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ format: 'date-time' }) date!: string;
  @ApiProperty({ description: 'seconds' }) duration!: number;
  @ApiProperty({ nullable: true, type: Object, description: 'SentimentAnalysis' }) sentiment!: SentimentAnalysis | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) sentimentAnalyzedAt!: string | null;
}

export class SentimentSummaryResponse {
  @ApiProperty() averageSentiment!: number;
  @ApiProperty({ type: Object, example: { positive: 1, negative: 0, neutral: 0, mixed: 0 } }) sentimentDistribution!: Record<
    string,
    number
  >;
  @ApiProperty({ enum: ['improving', 'declining', 'stable'] }) trendDirection!: string;
  @ApiProperty() confidence!: number;
  @ApiProperty({ type: [String] }) keyInsights!: string[];
}

export class SentimentTrendResponse {
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ enum: SENTIMENT_TIME_RANGES }) timeRange!: string;
  @ApiProperty({ format: 'date-time' }) startDate!: string;
  @ApiProperty({ format: 'date-time' }) endDate!: string;
  @ApiProperty() totalConversations!: number;
  @ApiProperty() analyzedConversations!: number;
  @ApiProperty({ type: [SentimentDataPoint] }) dataPoints!: SentimentDataPoint[];
  @ApiProperty({ type: SentimentSummaryResponse }) summary!: SentimentSummaryResponse;
}

export class PatientSentimentSummaryResponse extends SentimentSummaryResponse {
  @ApiProperty() totalConversations!: number;
  @ApiProperty() analyzedConversations!: number;
  @ApiProperty({ type: [SentimentDataPoint] }) recentTrend!: SentimentDataPoint[];
}

export class ConversationSentimentResponse {
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ nullable: true, type: Object }) sentiment!: unknown;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) sentimentAnalyzedAt!: string | null;
  @ApiProperty() hasSentimentAnalysis!: boolean;
}

export class AnalyzeSentimentResponse {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ type: Object }) sentiment!: unknown;
  @ApiProperty({ format: 'date-time' }) analyzedAt!: string;
}

export class MedicalAnalysisView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) _id!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ format: 'date-time' }) analysisDate!: string;
  @ApiProperty({ enum: ['month', 'quarter', 'year', 'custom'] }) timeRange!: string;
  @ApiProperty({ format: 'date-time' }) startDate!: string;
  @ApiProperty({ format: 'date-time' }) endDate!: string;
  @ApiProperty() conversationCount!: number;
  @ApiProperty() messageCount!: number;
  @ApiProperty() totalWords!: number;
  @ApiProperty({ enum: ['none', 'low', 'medium', 'high'] }) confidence!: string;
  @ApiProperty({ type: [String] }) warnings!: string[];
  @ApiProperty({ type: Object }) cognitiveMetrics!: unknown;
  @ApiProperty({ type: Object }) psychiatricMetrics!: unknown;
  @ApiProperty({ type: Object }) vocabularyMetrics!: unknown;
  @ApiProperty({ type: [Object] }) recommendations!: unknown[];
  @ApiProperty({ type: Object }) timeSeriesData!: unknown;
  @ApiProperty({ description: 'ms' }) processingTime!: number;
}

export class MedicalResultsResponse {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty({ type: [MedicalAnalysisView] }) results!: MedicalAnalysisView[];
  @ApiProperty() count!: number;
}

export class MedicalTrendResponse {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty({ type: Object, description: '{patientId, timeRange, startDate, endDate, totalAnalyses, dataPoints[], summary}' })
  trend!: unknown;
}

export class TriggerResponse {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ type: Object }) result?: unknown;
}

export class TriggerAllResponse {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty() message!: string;
  @ApiProperty() jobCount!: number;
  @ApiProperty() patientsAnalyzed!: number;
  @ApiProperty() jobsScheduled!: number;
  @ApiPropertyOptional() batchId?: string;
}

export class FraudAnalysisResponse {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty({ type: Object, description: 'contract §2.16 FA1 data' }) data!: unknown;
}

export class FraudResultsResponse {
  @ApiProperty({ example: true }) success!: boolean;
  @ApiProperty({ type: [Object] }) results!: unknown[];
}

export class PatientReportResponse {
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ type: Object, example: { from: '2025-01-01T00:00:00.000Z', to: '2025-01-31T00:00:00.000Z' } }) period!: unknown;
  @ApiProperty({ type: Object, description: '{total, completed, missed, other, totalDurationSeconds, averageDurationSeconds}' })
  calls!: unknown;
  @ApiProperty({ type: Object, description: '{points: [{date, conversationId, score, sentiment}], averageSentiment, trendDirection}' })
  mood!: unknown;
  @ApiProperty({ type: Object, description: '{total, bySeverity, byImportance}' }) alerts!: unknown;
  @ApiProperty({ nullable: true, type: Object }) medical!: unknown;
  @ApiProperty({ nullable: true, type: Object }) fraudAbuse!: unknown;
  @ApiProperty({ type: [String] }) concerns!: string[];
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
}
