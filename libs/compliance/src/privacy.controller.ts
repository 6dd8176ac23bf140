import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { ApiErrors, Authenticated, CurrentActor, ErrorResponse, RequirePermission, type AuthActor } from '@app/auth';
import { ApiIdParam, IdParam } from '@app/platform';
import {
  ConsentOverviewResponse,
  ErasureDto,
  PrivacyRequestPageResponse,
  PrivacyRequestQueryDto,
  PrivacyRequestResponse,
  RecordConsentDto,
  privacyRequestResponse,
} from './privacy.dto';
import { PrivacyService, type ConsentOverview } from './privacy.service';

const ADMIN_ONLY = 'Only an orgAdmin of the patient’s org (a superAdmin: reads under an active break-glass grant)';

/**
 * Privacy (§3.20, patient data subjects): consent and data-subject requests. `RequirePermission`
 * makes the guard audit break-glass use; the orgAdmin rule itself is PrivacyService's.
 */
@ApiTags('Privacy')
@Authenticated()
@Controller('privacy')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  @Get('patients/:patientId/consents')
  @RequirePermission('read', 'Patient')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Current consent per type (ai_disclosure, recording, data_processing) and the full history. Audited.' })
  @ApiOkResponse({ type: ConsentOverviewResponse })
  @ApiForbiddenResponse({ description: ADMIN_ONLY, type: ErrorResponse })
  @ApiErrors(404)
  consents(@CurrentActor() actor: AuthActor, @IdParam('patientId') patientId: string): Promise<ConsentOverview> {
    return this.privacy.consents(actor, patientId);
  }

  @Post('patients/:patientId/consents')
  @RequirePermission('update', 'Patient')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Record a consent grant or withdrawal (appended to the history; audited).' })
  @ApiCreatedResponse({ type: ConsentOverviewResponse })
  @ApiForbiddenResponse({ description: 'Only an orgAdmin of the patient’s org', type: ErrorResponse })
  @ApiErrors(400, 404)
  recordConsent(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') patientId: string,
    @Body() body: RecordConsentDto,
  ): Promise<ConsentOverview> {
    return this.privacy.recordConsent(actor, patientId, body);
  }

  @Post('patients/:patientId/export')
  @HttpCode(200)
  @RequirePermission('read', 'Patient')
  @ApiIdParam('patientId')
  @ApiOperation({
    summary:
      'Data-subject export: a zip of JSON (patient, schedules, conversations + messages, alerts, consents, other domains) and plain-text transcripts. Streamed; recorded as a request and audited.',
  })
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'The zip archive (Content-Disposition: attachment)' })
  @ApiForbiddenResponse({ description: ADMIN_ONLY, type: ErrorResponse })
  @ApiErrors(404)
  async export(@CurrentActor() actor: AuthActor, @IdParam('patientId') patientId: string, @Res() res: Response): Promise<void> {
    // Authorised, collected and audited before the first byte; errors up to here reach the filter.
    const result = await this.privacy.export(actor, patientId);
    const zip = new ZipFile();
    const mtime = result.request.requestedAt;
    for (const file of result.files) zip.addBuffer(file.content, file.path, { mtime });
    zip.end();
    res.status(200);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="${result.fileName}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Privacy-Request-Id', result.request.id);
    await pipeline(zip.outputStream, res).catch(() => res.destroy());
  }

  @Post('patients/:patientId/erasure')
  @HttpCode(200)
  @RequirePermission('delete', 'Patient')
  @ApiIdParam('patientId')
  @ApiOperation({
    summary:
      'Data-subject erasure: deletes the patient and every domain’s data of them in one transaction (irreversible; body {confirm: true}). The audit log keeps its ids-only entries and still verifies.',
  })
  @ApiOkResponse({ type: PrivacyRequestResponse })
  @ApiForbiddenResponse({ description: 'Only an orgAdmin of the patient’s org', type: ErrorResponse })
  @ApiErrors(400, 404)
  async erase(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') patientId: string,
    @Body() body: ErasureDto,
  ): Promise<PrivacyRequestResponse> {
    void body;
    return privacyRequestResponse(await this.privacy.erase(actor, patientId));
  }

  @Get('requests')
  @ApiOperation({ summary: 'The org’s data-subject requests (orgAdmin), newest first; ?patientId= for one patient. Audited.' })
  @ApiOkResponse({ type: PrivacyRequestPageResponse })
  @ApiForbiddenResponse({ description: 'Only an orgAdmin', type: ErrorResponse })
  @ApiErrors(400)
  async requests(@CurrentActor() actor: AuthActor, @Query() query: PrivacyRequestQueryDto): Promise<PrivacyRequestPageResponse> {
    const page = await this.privacy.requests(actor, query);
    return { ...page, results: page.results.map(privacyRequestResponse) };
  }
}
