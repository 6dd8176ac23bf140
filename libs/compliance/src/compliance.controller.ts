import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Authenticated, CurrentActor, ErrorResponse, type AuthActor } from '@app/auth';
import { ApiIdParam, IdParam } from '@app/platform';
import { BreachService } from './breach.service';
import { BreakGlassService } from './break-glass.service';
import { ComplianceSettingsResponse, UpdateComplianceSettingsDto } from './privacy.dto';
import { RetentionService, type ComplianceSettings } from './retention.service';
import {
  BreachListQueryDto,
  BreachPageResponse,
  BreachResponse,
  BreakGlassResponse,
  CreateBreakGlassDto,
  UpdateBreachDto,
  breachResponse,
} from './compliance.dto';

@ApiTags('Compliance')
@Authenticated()
@Controller('compliance')
export class ComplianceController {
  constructor(
    private readonly breaches: BreachService,
    private readonly breakGlass: BreakGlassService,
    private readonly retention: RetentionService,
  ) {}

  @Get('settings')
  @ApiOperation({
    summary: 'The org’s compliance settings: business hours, retention (audit 7 y default; conversations), legal hold (orgAdmin).',
  })
  @ApiOkResponse({ type: ComplianceSettingsResponse })
  @ApiForbiddenResponse({ description: 'Only an orgAdmin', type: ErrorResponse })
  @ApiErrors()
  settings(@CurrentActor() actor: AuthActor): Promise<ComplianceSettings> {
    return this.retention.settings(actor);
  }

  @Patch('settings')
  @ApiOperation({
    summary: 'Change business hours, retention periods (conversations ≥ 30 days, audit ≥ 6 years) or legal hold (orgAdmin; audited).',
  })
  @ApiOkResponse({ type: ComplianceSettingsResponse })
  @ApiForbiddenResponse({ description: 'Only an orgAdmin', type: ErrorResponse })
  @ApiErrors(400)
  updateSettings(@CurrentActor() actor: AuthActor, @Body() body: UpdateComplianceSettingsDto): Promise<ComplianceSettings> {
    return this.retention.updateSettings(actor, body);
  }

  @Get('breaches')
  @ApiOperation({ summary: 'Breach log (B1/B2): orgAdmin sees its org, superAdmin every org (optionally ?orgId=). Audited.' })
  @ApiOkResponse({ type: BreachPageResponse })
  @ApiForbiddenResponse({ description: 'Only orgAdmin or superAdmin', type: ErrorResponse })
  @ApiErrors(400)
  async list(@CurrentActor() actor: AuthActor, @Query() query: BreachListQueryDto): Promise<BreachPageResponse> {
    const page = await this.breaches.list(actor, query);
    return { ...page, results: page.results.map(breachResponse) };
  }

  @Patch('breaches/:breachId')
  @ApiIdParam('breachId')
  @ApiOperation({ summary: 'Acknowledge a breach, or mark its notifications sent (stops escalation). Another org’s id answers 404.' })
  @ApiOkResponse({ type: BreachResponse })
  @ApiForbiddenResponse({ description: 'Only orgAdmin or superAdmin', type: ErrorResponse })
  @ApiErrors(400, 404)
  async update(@CurrentActor() actor: AuthActor, @IdParam('breachId') id: string, @Body() body: UpdateBreachDto): Promise<BreachResponse> {
    return breachResponse(await this.breaches.update(actor, id, body.status));
  }

  @Post('break-glass')
  @ApiOperation({
    summary: 'Break-glass (Z6): superAdmin read access to one org’s PHI for ≤ 60 min; audited (high) and alerted to the org’s admins.',
  })
  @ApiCreatedResponse({ type: BreakGlassResponse })
  @ApiForbiddenResponse({ description: 'Only a superAdmin', type: ErrorResponse })
  @ApiErrors(400, 404)
  create(@CurrentActor() actor: AuthActor, @Body() body: CreateBreakGlassDto): Promise<BreakGlassResponse> {
    return this.breakGlass.create(actor, body);
  }

  @Delete('break-glass/:grantId')
  @HttpCode(200)
  @ApiIdParam('grantId')
  @ApiOperation({ summary: 'Revoke an active break-glass grant early (superAdmin).' })
  @ApiOkResponse({ type: BreakGlassResponse })
  @ApiForbiddenResponse({ description: 'Only a superAdmin', type: ErrorResponse })
  @ApiErrors(404)
  revoke(@CurrentActor() actor: AuthActor, @IdParam('grantId') id: string): Promise<BreakGlassResponse> {
    return this.breakGlass.revoke(actor, id);
  }
}
