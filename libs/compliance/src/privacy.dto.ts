import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '@app/platform';
import type { PrivacyRequestRow } from './privacy.table';
import {
  CONSENT_STATUSES,
  CONSENT_TYPES,
  PRIVACY_REQUEST_KINDS,
  PRIVACY_REQUEST_STATUSES,
  type ConsentStatus,
  type ConsentType,
} from './privacy.table';
import { AUDIT_RETENTION_MIN_DAYS, CONVERSATION_RETENTION_MIN_DAYS, RETENTION_MAX_DAYS } from './retention.service';

export class RecordConsentDto {
  @ApiProperty({ enum: CONSENT_TYPES })
  @IsIn(CONSENT_TYPES, { message: `type must be one of ${CONSENT_TYPES.join(', ')}` })
  type!: ConsentType;

  @ApiProperty({ enum: CONSENT_STATUSES })
  @IsIn(CONSENT_STATUSES, { message: 'status must be granted or withdrawn' })
  status!: ConsentStatus;

  @ApiPropertyOptional({ format: 'date-time', description: 'When it was given or withdrawn (default: now; never in the future)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'effectiveAt must be an ISO 8601 date-time' })
  effectiveAt?: string;
}

export class ConsentStateResponse {
  @ApiProperty({ enum: CONSENT_TYPES }) type!: string;
  @ApiProperty({ enum: [...CONSENT_STATUSES, 'unknown'] }) status!: string;
  @ApiProperty({ nullable: true, type: Date }) grantedAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) withdrawnAt!: Date | null;
}

export class ConsentRecordResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CONSENT_TYPES }) type!: string;
  @ApiProperty({ enum: CONSENT_STATUSES }) status!: string;
  @ApiProperty() effectiveAt!: Date;
  @ApiProperty() recordedBy!: string;
  @ApiProperty() recordedAt!: Date;
}

export class ConsentOverviewResponse {
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ type: [ConsentStateResponse] }) consents!: ConsentStateResponse[];
  @ApiProperty({ type: [ConsentRecordResponse], description: 'Every grant and withdrawal, oldest first' })
  history!: ConsentRecordResponse[];
}

export class ErasureDto {
  @ApiProperty({ description: 'Must be true: erasure is irreversible' })
  @Equals(true, { message: 'confirm must be true' })
  confirm!: boolean;
}

export class PrivacyRequestQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'patientId must be a valid id' })
  patientId?: string;
}

export class PrivacyRequestResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ enum: PRIVACY_REQUEST_KINDS }) kind!: string;
  @ApiProperty({ enum: PRIVACY_REQUEST_STATUSES }) status!: string;
  @ApiProperty() requestedBy!: string;
  @ApiProperty() requestedAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) completedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String }) errorCode!: string | null;
}

export function privacyRequestResponse(row: PrivacyRequestRow): PrivacyRequestResponse {
  return { ...row };
}

export class PrivacyRequestPageResponse {
  @ApiProperty({ type: [PrivacyRequestResponse] }) results!: PrivacyRequestResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() totalPages!: number;
  @ApiProperty() totalResults!: number;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export class BusinessHoursDto {
  @ApiProperty({ example: 'America/Vancouver' })
  @IsString({ message: 'businessHours.timezone must be a string' })
  @MaxLength(64, { message: 'businessHours.timezone must be at most 64 characters' })
  timezone!: string;

  @ApiProperty({ type: [Number], description: 'ISO weekdays 1 (Mon) … 7 (Sun)', example: [1, 2, 3, 4, 5] })
  @IsArray({ message: 'businessHours.days must be an array' })
  @ArrayMinSize(1, { message: 'businessHours.days must not be empty' })
  @ArrayMaxSize(7, { message: 'businessHours.days has at most 7 entries' })
  @IsInt({ each: true, message: 'businessHours.days must hold integers 1..7' })
  @Min(1, { each: true, message: 'businessHours.days must hold integers 1..7' })
  @Max(7, { each: true, message: 'businessHours.days must hold integers 1..7' })
  days!: number[];

  @ApiProperty({ example: '08:00' })
  @Matches(HHMM, { message: 'businessHours.start must be HH:MM' })
  start!: string;

  @ApiProperty({ example: '18:00' })
  @Matches(HHMM, { message: 'businessHours.end must be HH:MM' })
  end!: string;
}

export class UpdateComplianceSettingsDto {
  @ApiPropertyOptional({ type: BusinessHoursDto, nullable: true, description: 'null: off-hours rule off' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @ValidateNested()
  @Type(() => BusinessHoursDto)
  businessHours?: BusinessHoursDto | null;

  @ApiPropertyOptional({ minimum: AUDIT_RETENTION_MIN_DAYS, maximum: RETENTION_MAX_DAYS, default: 2557 })
  @IsOptional()
  @IsInt({ message: 'auditRetentionDays must be an integer' })
  @Min(AUDIT_RETENTION_MIN_DAYS, { message: `auditRetentionDays must be at least ${AUDIT_RETENTION_MIN_DAYS} (6 years)` })
  @Max(RETENTION_MAX_DAYS, { message: `auditRetentionDays must be at most ${RETENTION_MAX_DAYS}` })
  auditRetentionDays?: number;

  @ApiPropertyOptional({
    minimum: CONVERSATION_RETENTION_MIN_DAYS,
    maximum: RETENTION_MAX_DAYS,
    nullable: true,
    type: Number,
    description: 'Conversations and transcripts; null: kept indefinitely',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsInt({ message: 'conversationRetentionDays must be an integer' })
  @Min(CONVERSATION_RETENTION_MIN_DAYS, { message: `conversationRetentionDays must be at least ${CONVERSATION_RETENTION_MIN_DAYS}` })
  @Max(RETENTION_MAX_DAYS, { message: `conversationRetentionDays must be at most ${RETENTION_MAX_DAYS}` })
  conversationRetentionDays?: number | null;

  @ApiPropertyOptional({ description: 'Suspends the retention purge for the org' })
  @IsOptional()
  @IsBoolean({ message: 'legalHold must be a boolean' })
  legalHold?: boolean;
}

export class ComplianceSettingsResponse {
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty({ type: BusinessHoursDto, nullable: true }) businessHours!: BusinessHoursDto | null;
  @ApiProperty() auditRetentionDays!: number;
  @ApiProperty({ nullable: true, type: Number }) conversationRetentionDays!: number | null;
  @ApiProperty() legalHold!: boolean;
  @ApiProperty({ nullable: true, type: Date }) updatedAt!: Date | null;
}
