import { Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrors, Authenticated, CurrentActor, RequirePermission, type AuthActor } from '@app/auth';
import { ApiIdParam, IdParam } from '@app/platform';
import {
  AnalysisLimitQueryDto,
  AnalyzeSentimentResponse,
  ConversationSentimentResponse,
  FraudAnalysisQueryDto,
  FraudAnalysisResponse,
  FraudResultsResponse,
  MedicalResultsResponse,
  MedicalTrendQueryDto,
  MedicalTrendResponse,
  PatientReportResponse,
  PatientSentimentSummaryResponse,
  ReportQueryDto,
  SentimentTrendQueryDto,
  SentimentTrendResponse,
  TriggerAllResponse,
  TriggerResponse,
} from './analysis.dto';
import { FraudAbuseService } from './fraud-abuse.service';
import { MedicalAnalysisService } from './medical-analysis.service';
import { renderReportPdf } from './report-pdf';
import { reportLanguage } from './report-locales';
import { ReportService } from './report.service';
import { SentimentService } from './sentiment.service';

const FOLLOWS_PATIENT =
  'Access follows the patient: staff only for patients assigned to them (403 otherwise), orgAdmins for their org; ' +
  'another org’s ids answer 404; superAdmins have no implicit PHI access.';

/**
 * §2.14 sentiment. Decision: reads follow the patient for staff too (the old backend allowed only
 * orgAdmins, by permission rather than by intent); (re)analysing a call stays orgAdmin-only.
 */
@ApiTags('sentiment')
@Controller('sentiment')
@Authenticated()
@ApiErrors(400)
export class SentimentController {
  constructor(private readonly sentiment: SentimentService) {}

  @Get('patient/:patientId/trend')
  @RequirePermission('read', 'Conversation')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Sentiment of the patient’s calls over lastCall (default) / month / lifetime', description: FOLLOWS_PATIENT })
  @ApiOkResponse({ type: SentimentTrendResponse })
  @ApiErrors(403, 404)
  trend(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') patientId: string,
    @Query() query: SentimentTrendQueryDto,
  ): Promise<SentimentTrendResponse> {
    return this.sentiment.trend(actor, patientId, query.timeRange);
  }

  @Get('patient/:patientId/summary')
  @RequirePermission('read', 'Conversation')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Sentiment summary of the last 30 days (at most 10 calls)', description: FOLLOWS_PATIENT })
  @ApiOkResponse({ type: PatientSentimentSummaryResponse })
  @ApiErrors(403, 404)
  summary(@CurrentActor() actor: AuthActor, @IdParam('patientId') patientId: string): Promise<PatientSentimentSummaryResponse> {
    return this.sentiment.summary(actor, patientId);
  }

  @Get('conversation/:conversationId')
  @RequirePermission('read', 'Conversation')
  @ApiIdParam('conversationId')
  @ApiOperation({ summary: 'The stored sentiment of one call (null when not analysed yet)', description: FOLLOWS_PATIENT })
  @ApiOkResponse({ type: ConversationSentimentResponse })
  @ApiErrors(403, 404)
  ofConversation(@CurrentActor() actor: AuthActor, @IdParam('conversationId') id: string): Promise<ConversationSentimentResponse> {
    return this.sentiment.ofConversation(actor, id);
  }

  @Post('conversation/:conversationId/analyze')
  @HttpCode(200)
  @RequirePermission('update', 'Conversation')
  @ApiIdParam('conversationId')
  @ApiOperation({
    summary: 'Analyse a completed call now (replaces its sentiment and summary); orgAdmin',
    description: `${FOLLOWS_PATIENT} Uses OpenAI when configured, else (or when it fails) the local keyword analyzer (fallback: true).`,
  })
  @ApiOkResponse({ type: AnalyzeSentimentResponse })
  @ApiErrors(403, 404)
  analyze(@CurrentActor() actor: AuthActor, @IdParam('conversationId') id: string): Promise<AnalyzeSentimentResponse> {
    return this.sentiment.analyze(actor, id);
  }
}

/** §2.15 medical pattern analysis (local NLP screening signals, not a diagnosis). */
@ApiTags('medical-analysis')
@Controller('medical-analysis')
@Authenticated()
@ApiErrors(400)
export class MedicalAnalysisController {
  constructor(private readonly medical: MedicalAnalysisService) {}

  @Get('results/:patientId')
  @RequirePermission('read', 'MedicalAnalysis')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Stored analyses, newest first (limit 1..100, default 10)', description: FOLLOWS_PATIENT })
  @ApiOkResponse({ type: MedicalResultsResponse })
  @ApiErrors(403, 404)
  results(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') patientId: string,
    @Query() query: AnalysisLimitQueryDto,
  ): Promise<MedicalResultsResponse> {
    return this.medical.results(actor, patientId, query.limit);
  }

  @Get('trend/:patientId')
  @RequirePermission('read', 'MedicalAnalysis')
  @ApiIdParam('patientId')
  @ApiOperation({
    summary: 'Stored analyses of the last month / quarter / year (default year) with averages and directions',
    description: FOLLOWS_PATIENT,
  })
  @ApiOkResponse({ type: MedicalTrendResponse })
  @ApiErrors(403, 404)
  trend(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') patientId: string,
    @Query() query: MedicalTrendQueryDto,
  ): Promise<MedicalTrendResponse> {
    return this.medical.trend(actor, patientId, query.timeRange);
  }

  @Post('trigger-patient/:patientId')
  @HttpCode(200)
  @RequirePermission('create', 'MedicalAnalysis')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Analyse the patient’s last 12 months now and store the result', description: FOLLOWS_PATIENT })
  @ApiOkResponse({ type: TriggerResponse })
  @ApiErrors(403, 404)
  triggerPatient(@CurrentActor() actor: AuthActor, @IdParam('patientId') patientId: string): Promise<TriggerResponse> {
    return this.medical.triggerPatient(actor, patientId);
  }

  @Post('trigger-all')
  @HttpCode(200)
  @RequirePermission('manage', 'MedicalAnalysis')
  @ApiOperation({
    summary: 'Schedule an analysis job for every patient of the caller’s org (orgAdmin; once per patient per UTC day)',
  })
  @ApiOkResponse({ type: TriggerAllResponse })
  @ApiErrors(403)
  triggerAll(@CurrentActor() actor: AuthActor): Promise<TriggerAllResponse> {
    return this.medical.triggerAll(actor);
  }
}

/** §2.16 fraud / abuse / relationship risk (keyword heuristics). Unlike the old backend, access follows the patient. */
@ApiTags('fraud-abuse-analysis')
@Controller('fraud-abuse-analysis')
@Authenticated()
@ApiErrors(400)
export class FraudAbuseController {
  constructor(private readonly fraud: FraudAbuseService) {}

  @Get('results/:patientId')
  @RequirePermission('read', 'MedicalAnalysis')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Stored analyses, newest first (limit 1..100, default 5)', description: FOLLOWS_PATIENT })
  @ApiOkResponse({ type: FraudResultsResponse })
  @ApiErrors(403, 404)
  results(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') patientId: string,
    @Query() query: AnalysisLimitQueryDto,
  ): Promise<FraudResultsResponse> {
    return this.fraud.results(actor, patientId, query.limit);
  }

  @Post('trigger-patient/:patientId')
  @HttpCode(200)
  @RequirePermission('create', 'MedicalAnalysis')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Analyse the patient’s last 12 months now and store the result', description: FOLLOWS_PATIENT })
  @ApiOkResponse({ type: TriggerResponse })
  @ApiErrors(403, 404)
  trigger(@CurrentActor() actor: AuthActor, @IdParam('patientId') patientId: string): Promise<TriggerResponse> {
    return this.fraud.trigger(actor, patientId);
  }

  @Get(':patientId')
  @RequirePermission('read', 'MedicalAnalysis')
  @ApiIdParam('patientId')
  @ApiOperation({
    summary: 'Analysis of the last month / quarter / year (rolling) or a custom period (startDate and endDate required)',
    description: `${FOLLOWS_PATIENT} A result of the same period computed in the last 24 h is reused; otherwise one is computed and stored.`,
  })
  @ApiOkResponse({ type: FraudAnalysisResponse })
  @ApiErrors(403, 404)
  analyze(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') patientId: string,
    @Query() query: FraudAnalysisQueryDto,
  ): Promise<FraudAnalysisResponse> {
    return this.fraud.analyze(actor, patientId, query);
  }
}

/** Per-patient wellness report for caregivers (JSON and PDF). */
@ApiTags('reports')
@Controller('reports')
@Authenticated()
@ApiErrors(400)
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Get('patients/:patientId')
  @RequirePermission('read', 'Conversation')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Wellness report of a period (default the last 30 days, at most two years)', description: FOLLOWS_PATIENT })
  @ApiOkResponse({ type: PatientReportResponse })
  @ApiErrors(403, 404)
  async report(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') patientId: string,
    @Query() query: ReportQueryDto,
  ): Promise<PatientReportResponse> {
    return (await this.reports.build(actor, patientId, query, 'analysis.report.read')).body;
  }

  @Get('patients/:patientId/pdf')
  @RequirePermission('read', 'Conversation')
  @ApiIdParam('patientId')
  @ApiProduces('application/pdf')
  @ApiOperation({
    summary: 'The wellness report as a printable PDF with a mood trend chart (audited as an export)',
    description: FOLLOWS_PATIENT,
  })
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiErrors(403, 404)
  async pdf(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') patientId: string,
    @Query() query: ReportQueryDto,
    @Res() res: Response,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<void> {
    // Authorised, collected and audited before the first byte; errors up to here reach the filter.
    const report = await this.reports.build(actor, patientId, query, 'analysis.report.export');
    const pdf = await renderReportPdf(report, reportLanguage(query.lang, acceptLanguage));
    // The file name carries ids only (no patient name in headers or logs).
    const name = `wellness-report-${patientId}-${report.body.generatedAt.slice(0, 10)}.pdf`;
    res.status(200);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Length', String(pdf.length));
    res.end(pdf);
  }
}
