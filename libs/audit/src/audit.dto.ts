import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQueryDto } from '@app/platform';
import type { AuditEntrySearch } from './audit-query.service';

/** Validator + Swagger for an optional UUID filter, kept together so they cannot drift. */
function UuidFilter(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ format: 'uuid', description }),
    IsOptional(),
    IsUUID('all', { message: `must be a valid id` }),
  );
}

function DateFilter(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ format: 'date-time', description }),
    IsOptional(),
    IsISO8601({ strict: true }, { message: 'must be an ISO 8601 date-time' }),
  );
}

export class AuditEntryFiltersDto {
  @UuidFilter('Only entries of this org (superAdmin: any org; orgAdmin: their own; omit for all orgs as superAdmin)')
  orgId?: string;

  @UuidFilter('Only entries touching this patient')
  patientId?: string;

  @ApiPropertyOptional({ description: 'Only entries by this actor (user id)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:-]{1,128}$/, { message: 'actorId must be an id' })
  actorId?: string;

  @ApiPropertyOptional({ example: 'patient.read', description: 'Only this action code' })
  @IsOptional()
  @Matches(/^[a-z0-9_.:-]{1,64}$/, { message: 'action must be an action code such as patient.read' })
  action?: string;

  @DateFilter('From this time (inclusive)')
  from?: string;

  @DateFilter('Until this time (exclusive)')
  to?: string;
}

/** `GET /v1/audit/entries`: the filters plus page, limit and sortBy (occurredAt | seq). */
export class AuditEntriesQueryDto extends IntersectionType(PageQueryDto, AuditEntryFiltersDto) {}

export class AuditExportQueryDto extends AuditEntryFiltersDto {
  @ApiPropertyOptional({ enum: ['csv', 'ndjson'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['csv', 'ndjson'], { message: 'format must be csv or ndjson' })
  format?: 'csv' | 'ndjson';
}

export function toSearch(query: AuditEntryFiltersDto | AuditEntriesQueryDto): AuditEntrySearch {
  return {
    patientId: query.patientId,
    actorId: query.actorId,
    action: query.action,
    from: query.from ? new Date(query.from) : undefined,
    to: query.to ? new Date(query.to) : undefined,
  };
}

export class AuditEntryResponse {
  @ApiProperty({ example: '1042', description: 'Insert id (gaps possible)' }) id!: string;
  @ApiProperty({ nullable: true, type: String, example: '1040', description: 'Gap-free position in the sealed chain; null until sealed' })
  seq!: string | null;
  @ApiProperty() sealed!: boolean;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) orgId!: string | null;
  @ApiProperty({ nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'orgAdmin' }) actorRole!: string | null;
  @ApiProperty({ nullable: true, type: String }) sessionId!: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent!: string | null;
  @ApiProperty({ example: 'patient.read' }) action!: string;
  @ApiProperty({ example: 'patient' }) resourceType!: string;
  @ApiProperty({ type: [String] }) resourceIds!: string[];
  @ApiProperty({ type: [String] }) patientIds!: string[];
  @ApiProperty({ enum: ['success', 'denied', 'failure'] }) outcome!: string;
  @ApiProperty({ nullable: true, type: String, example: 'cross_tenant' }) reason!: string | null;
  @ApiProperty({ enum: ['info', 'warning', 'high'] }) severity!: string;
}

export class AuditEntryPageResponse {
  @ApiProperty({ type: [AuditEntryResponse] }) results!: AuditEntryResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() totalPages!: number;
  @ApiProperty() totalResults!: number;
}
