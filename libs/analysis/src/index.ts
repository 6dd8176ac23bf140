// Public door of @app/analysis: call sentiment and summaries, medical and fraud/abuse pattern
// analyses, per-patient wellness reports (JSON and PDF).
//
// For the voice pipeline: after a call has ended (status `completed`), enqueue
//   queues.enqueue(ANALYSIS_CONVERSATION_JOB, { orgId, conversationId }, { idempotencyKey: conversationId })
// or call AnalysisService.analyzeConversation(orgId, conversationId) directly. Both are idempotent:
// the summary (ConversationService.setSummary) and one stored sentiment per conversation.
export * from './analysis.module';
export { AnalysisService, type ConversationAnalysisOutcome, type PatientAnalysesExport } from './analysis.service';
export { ANALYSIS_CONVERSATION_JOB, ANALYSIS_PATIENT_JOB, analyzeConversationJob, analyzePatientJob } from './analysis-jobs.service';
export {
  ANALYSIS_MONTHLY_CRON,
  ANALYSIS_MONTHLY_JOB,
  ANALYSIS_MONTHLY_SCHEDULER_ID,
  AnalysisScheduler,
  analyzeMonthlyJob,
  monthlyRunKey,
  type MonthlyScheduleResult,
} from './analysis-schedule.service';
export {
  TEXT_ANALYZER,
  SENTIMENTS,
  type TextAnalyzer,
  type TextAnalysisInput,
  type TextAnalysisResult,
  type SentimentAnalysis,
} from './text-analyzer';
export { LocalTextAnalyzer } from './local-text-analyzer';
export { OpenAiTextAnalyzer, FallbackTextAnalyzer } from './openai-text-analyzer';
export { analyzeMedical, type MedicalAnalysisResult } from './medical-analyzer';
export { analyzeFraudAbuse, type FraudAbuseResult } from './fraud-abuse-analyzer';
export { conversationSentiments, medicalAnalyses, fraudAbuseAnalyses } from './analysis.table';
