import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Authenticated, CurrentActor, RequirePermission, type AuthActor } from '@app/auth';
import { ApiIdParam, IdParam, ValidationError, type Page } from '@app/platform';
import {
  BulkImportPhrasesDto,
  BulkImportResponse,
  CreatePhraseDto,
  PhraseExportItem,
  PhraseExportQueryDto,
  PhraseListQueryDto,
  PhraseStatisticsQueryDto,
  PhraseStatisticsResponse,
  PhrasePageResponse,
  PhraseResponse,
  TestPatternDto,
  TestPatternResponse,
  UpdatePhraseDto,
} from './emergency-phrase.dto';
import { PHRASE_LANGUAGES } from './emergency-phrase.table';
import { EmergencyPhraseService } from './emergency-phrase.service';

/** §3.14: orgAdmins manage their org's phrases; superAdmins the platform-wide ones. */
@ApiTags('emergency-phrases')
@Controller('emergency-phrases')
@Authenticated()
@ApiErrors(400)
export class EmergencyPhraseController {
  constructor(private readonly phrases: EmergencyPhraseService) {}

  @Post()
  @RequirePermission('create', 'EmergencyPhrase')
  @ApiOperation({ summary: 'Add a phrase (or override a built-in one by key)' })
  @ApiCreatedResponse({ type: PhraseResponse })
  @ApiErrors(403)
  create(@CurrentActor() actor: AuthActor, @Body() dto: CreatePhraseDto): Promise<PhraseResponse> {
    return this.phrases.create(actor, dto);
  }

  @Get()
  @RequirePermission('read', 'EmergencyPhrase')
  @ApiOperation({ summary: 'The caller’s own phrases (paginated)' })
  @ApiOkResponse({ type: PhrasePageResponse })
  @ApiErrors(403)
  list(@CurrentActor() actor: AuthActor, @Query() query: PhraseListQueryDto): Promise<Page<PhraseResponse>> {
    return this.phrases.list(actor, query);
  }

  @Get('language/:language')
  @RequirePermission('read', 'EmergencyPhrase')
  @ApiParam({ name: 'language', enum: PHRASE_LANGUAGES })
  @ApiOperation({ summary: 'The active phrases the detector uses for a language (built-ins + overrides + own)' })
  @ApiOkResponse({ type: [PhraseResponse] })
  @ApiErrors(403)
  byLanguage(@CurrentActor() actor: AuthActor, @Param('language') language: string): Promise<PhraseResponse[]> {
    if (!(PHRASE_LANGUAGES as readonly string[]).includes(language)) {
      throw new ValidationError(`"language" must be one of [${PHRASE_LANGUAGES.join(', ')}]`);
    }
    return this.phrases.byLanguage(actor, language);
  }

  @Post('test-pattern')
  @HttpCode(200)
  @RequirePermission('read', 'EmergencyPhrase')
  @ApiOperation({ summary: 'Try a pattern against a text (case-insensitive)' })
  @ApiOkResponse({ type: TestPatternResponse })
  @ApiErrors(403)
  testPattern(@Body() dto: TestPatternDto): TestPatternResponse {
    return this.phrases.testPattern(dto.pattern, dto.testText);
  }

  // The fixed paths below come before `:phraseId`, which would otherwise capture them.

  @Post('bulk-import')
  @RequirePermission('create', 'EmergencyPhrase')
  @ApiOperation({
    summary: 'Add up to 1000 phrases at once',
    description: 'Each item is checked like POST /emergency-phrases; valid items are stored together, invalid ones listed in `errors`.',
  })
  @ApiCreatedResponse({ type: BulkImportResponse })
  @ApiErrors(403)
  bulkImport(@CurrentActor() actor: AuthActor, @Body() dto: BulkImportPhrasesDto): Promise<BulkImportResponse> {
    return this.phrases.bulkImport(actor, dto.phrases);
  }

  @Get('export')
  @RequirePermission('read', 'EmergencyPhrase')
  @Header('Content-Disposition', 'attachment; filename="emergency-phrases.json"')
  @ApiProduces('application/json')
  @ApiOperation({
    summary: 'The caller’s own phrases as a JSON file (sorted by language, severity, category)',
    description: 'Items have the create shape, so the file can be sent back to bulk-import. Built-in defaults are not included.',
  })
  @ApiOkResponse({ type: [PhraseExportItem] })
  @ApiErrors(403)
  export(@CurrentActor() actor: AuthActor, @Query() query: PhraseExportQueryDto): Promise<PhraseExportItem[]> {
    return this.phrases.export(actor, query);
  }

  @Get('statistics')
  @RequirePermission('read', 'EmergencyPhrase')
  @ApiOperation({ summary: 'Counts and most used of the caller’s own phrases' })
  @ApiOkResponse({ type: PhraseStatisticsResponse })
  @ApiErrors(403)
  statistics(@CurrentActor() actor: AuthActor, @Query() query: PhraseStatisticsQueryDto): Promise<PhraseStatisticsResponse> {
    return this.phrases.statistics(actor, query.language);
  }

  @Get(':phraseId')
  @RequirePermission('read', 'EmergencyPhrase')
  @ApiIdParam('phraseId')
  @ApiOperation({ summary: 'One phrase' })
  @ApiOkResponse({ type: PhraseResponse })
  @ApiErrors(403, 404)
  get(@CurrentActor() actor: AuthActor, @IdParam('phraseId') id: string): Promise<PhraseResponse> {
    return this.phrases.get(actor, id);
  }

  @Patch(':phraseId')
  @RequirePermission('update', 'EmergencyPhrase')
  @ApiIdParam('phraseId')
  @ApiOperation({ summary: 'Change a phrase' })
  @ApiOkResponse({ type: PhraseResponse })
  @ApiErrors(403, 404)
  update(@CurrentActor() actor: AuthActor, @IdParam('phraseId') id: string, @Body() dto: UpdatePhraseDto): Promise<PhraseResponse> {
    return this.phrases.update(actor, id, dto);
  }

  @Patch(':phraseId/toggle')
  @RequirePermission('update', 'EmergencyPhrase')
  @ApiIdParam('phraseId')
  @ApiOperation({ summary: 'Flip isActive' })
  @ApiOkResponse({ type: PhraseResponse })
  @ApiErrors(403, 404)
  toggle(@CurrentActor() actor: AuthActor, @IdParam('phraseId') id: string): Promise<PhraseResponse> {
    return this.phrases.toggle(actor, id);
  }

  @Delete(':phraseId')
  @HttpCode(204)
  @RequirePermission('delete', 'EmergencyPhrase')
  @ApiIdParam('phraseId')
  @ApiOperation({ summary: 'Delete a phrase' })
  @ApiNoContentResponse({ description: 'No content' })
  @ApiErrors(403, 404)
  async remove(@CurrentActor() actor: AuthActor, @IdParam('phraseId') id: string): Promise<void> {
    await this.phrases.remove(actor, id);
  }
}
