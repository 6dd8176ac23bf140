import { Controller, Get, Query, Res, applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RequestContext, type Page } from '@app/platform';
import { AuditEntriesQueryDto, AuditEntryPageResponse, AuditExportQueryDto, toSearch } from './audit.dto';
import type { AuditEntryView } from './audit-entry.view';
import { AuditQueryService, type AuditReadScope } from './audit-query.service';

/**
 * The access rule of these routes: orgAdmin of the org, or superAdmin. Authentication is the
 * global guard's (@app/auth); the role rule is enforced (and denials audited) by
 * AuditQueryService, because @app/auth depends on @app/audit and cannot be imported here.
 */
const AuditReaders = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired access token' }),
    ApiForbiddenResponse({ description: 'Only an orgAdmin (own org) or a superAdmin may read the audit log' }),
  );

function scope(orgId: string | undefined): AuditReadScope {
  return { actor: RequestContext.current()?.actor, orgId: orgId ?? null };
}

@ApiTags('Audit')
@AuditReaders()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get('entries')
  @ApiOperation({ summary: 'List audit entries (compliance officers). Reading is itself audited.' })
  @ApiOkResponse({ type: AuditEntryPageResponse })
  list(@Query() query: AuditEntriesQueryDto): Promise<Page<AuditEntryView>> {
    return this.audit.list(scope(query.orgId), toSearch(query), query);
  }

  @Get('entries/export')
  @ApiOperation({ summary: 'Export matching audit entries as CSV or NDJSON (streamed). The export is audited.' })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({ description: 'The entries, one per line' })
  async export(@Query() query: AuditExportQueryDto, @Res() res: Response): Promise<void> {
    const format = query.format ?? 'ndjson';
    // Authorised and audited before the first byte; errors up to here reach the exception filter.
    const lines = await this.audit.export(scope(query.orgId), toSearch(query), format);
    res.status(200);
    res.setHeader('Content-Type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="audit-entries.${format}"`);
    // A failure mid-stream can only cut the response short (headers are sent): the client sees an
    // incomplete download, never a mixed body.
    await pipeline(Readable.from(lines), res).catch(() => res.destroy());
  }
}
