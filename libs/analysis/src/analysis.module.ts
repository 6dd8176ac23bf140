import { Module, type OnModuleInit } from '@nestjs/common';
import { ConversationExtensions, ConversationsModule } from '@app/conversations';
import { EmergencyModule } from '@app/emergency';
import { PatientExtensions, PatientsModule } from '@app/patients';
import { AppConfig, QueueModule } from '@app/platform';
import { AnalysisCodec } from './analysis.codec';
import { FraudAbuseController, MedicalAnalysisController, ReportController, SentimentController } from './analysis.controller';
import { AnalysisJobs, analyzeConversationJob, analyzePatientJob } from './analysis-jobs.service';
import { AnalysisScheduler, analyzeMonthlyJob } from './analysis-schedule.service';
import { AnalysisRepository } from './analysis.repository';
import { AnalysisService } from './analysis.service';
import { FraudAbuseService } from './fraud-abuse.service';
import { LocalTextAnalyzer } from './local-text-analyzer';
import { MedicalAnalysisService } from './medical-analysis.service';
import { FallbackTextAnalyzer, OpenAiTextAnalyzer } from './openai-text-analyzer';
import { ReportService } from './report.service';
import { SentimentService } from './sentiment.service';
import { TEXT_ANALYZER, type TextAnalyzer } from './text-analyzer';

/** The text analyzer: OpenAI (falling back to local on failure) when a key is configured, else local. */
export function textAnalyzerFor(config: AppConfig, local: LocalTextAnalyzer): TextAnalyzer {
  const { apiKey, baseUrl, textModel } = config.openai;
  if (!apiKey) return local;
  return new FallbackTextAnalyzer(new OpenAiTextAnalyzer({ apiKey, baseUrl, model: textModel }), local);
}

/** Call sentiment and summaries, medical and fraud/abuse pattern analyses, wellness reports, and their jobs. */
@Module({
  imports: [
    PatientsModule,
    ConversationsModule,
    EmergencyModule,
    QueueModule.forFeature([analyzeConversationJob, analyzePatientJob, analyzeMonthlyJob]),
  ],
  controllers: [SentimentController, MedicalAnalysisController, FraudAbuseController, ReportController],
  providers: [
    AnalysisRepository,
    AnalysisCodec,
    LocalTextAnalyzer,
    { provide: TEXT_ANALYZER, useFactory: textAnalyzerFor, inject: [AppConfig, LocalTextAnalyzer] },
    AnalysisService,
    SentimentService,
    MedicalAnalysisService,
    FraudAbuseService,
    ReportService,
    AnalysisJobs,
    AnalysisScheduler,
  ],
  exports: [AnalysisService],
})
export class AnalysisModule implements OnModuleInit {
  constructor(
    private readonly patientExtensions: PatientExtensions,
    private readonly repo: AnalysisRepository,
    private readonly conversationExtensions: ConversationExtensions,
    private readonly analysis: AnalysisService,
  ) {}

  onModuleInit(): void {
    this.patientExtensions.register({ onPatientsDeleted: (orgId, patientIds, tx) => this.repo.deleteOfPatients(orgId, patientIds, tx) });
    // Conversation answers carry their stored sentiment (one query per page, decrypted here).
    this.conversationExtensions.registerSentiments(async (orgId, conversationIds, tx) => {
      const decrypted = this.analysis.sentimentsOf(await this.repo.sentimentsOfConversations(orgId, conversationIds, tx));
      return new Map([...decrypted].map(([id, { row, sentiment }]) => [id, { sentiment, analyzedAt: row.analyzedAt }]));
    });
  }
}
