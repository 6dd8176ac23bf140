import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PageQueryDto } from '@app/platform';
import { BREACH_RULES } from './breach-rules';
import { BREACH_STATUSES, type BreachStatus } from './breach.service';
import { BREAK_GLASS_MAX_MINUTES, BREAK_GLASS_REASON_MIN, type BreakGlassGrant } from './break-glass.service';
import type { BreachRow } from './compliance.table';

export class BreachListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: BREACH_STATUSES })
  @IsOptional()
  @IsIn(BREACH_STATUSES, { message: `status must be one of ${BREACH_STATUSES.join(', ')}` })
  status?: BreachStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'superAdmin only: one org' })
  @IsOptional()
  @IsUUID('all', { message: 'orgId must be a valid id' })
  orgId?: string;
}

export class UpdateBreachDto {
  @ApiProperty({ enum: ['acknowledged', 'notified'], description: '`notified`: the 164.404 notifications were sent (stops escalation)' })
  @IsIn(['acknowledged', 'notified'], { message: 'status must be acknowledged or notified' })
  status!: 'acknowledged' | 'notified';
}

export class BreachEvidenceResponse {
  @ApiProperty() count!: number;
  @ApiProperty() threshold!: number;
  @ApiProperty() windowMs!: number;
  @ApiProperty({ description: 'First audit seq of the window' }) firstSeq!: number;
  @ApiProperty({ description: 'Audit seq that fired the rule' }) lastSeq!: number;
}

export class BreachResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) orgId!: string | null;
  @ApiProperty({ enum: Object.keys(BREACH_RULES) }) rule!: string;
  @ApiProperty({ description: 'Account id, org id or audit_chain' }) subject!: string;
  @ApiProperty({ enum: ['medium', 'high', 'critical'] }) severity!: string;
  @ApiProperty({ enum: BREACH_STATUSES }) status!: string;
  @ApiProperty() windowStart!: Date;
  @ApiProperty() windowEnd!: Date;
  @ApiProperty({ type: BreachEvidenceResponse }) evidence!: BreachEvidenceResponse;
  @ApiProperty() discoveredAt!: Date;
  @ApiProperty({ description: 'discoveredAt + 60 days (164.404(b))' }) notificationDeadline!: Date;
  @ApiProperty({ nullable: true, type: Date }) escalatedDay30At!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) escalatedDay50At!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) acknowledgedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String }) acknowledgedBy!: string | null;
  @ApiProperty({ nullable: true, type: Date }) notifiedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String }) notifiedBy!: string | null;
}

export function breachResponse(row: BreachRow): BreachResponse {
  const { dedupeKey: _key, ...rest } = row;
  void _key;
  return rest;
}

export class BreachPageResponse {
  @ApiProperty({ type: [BreachResponse] }) results!: BreachResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() totalPages!: number;
  @ApiProperty() totalResults!: number;
}

export class CreateBreakGlassDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'orgId must be a valid id' })
  orgId!: string;

  @ApiProperty({ minLength: BREAK_GLASS_REASON_MIN, maxLength: 1000, description: 'Why emergency access is needed (stored encrypted)' })
  @IsString({ message: 'reason must be a string' })
  @MinLength(BREAK_GLASS_REASON_MIN, { message: `reason must be at least ${BREAK_GLASS_REASON_MIN} characters` })
  @MaxLength(1000, { message: 'reason must be at most 1000 characters' })
  reason!: string;

  @ApiProperty({ minimum: 1, maximum: BREAK_GLASS_MAX_MINUTES })
  @Type(() => Number)
  @IsInt({ message: 'durationMinutes must be an integer' })
  @Min(1, { message: 'durationMinutes must be at least 1' })
  @Max(BREAK_GLASS_MAX_MINUTES, { message: `durationMinutes must be at most ${BREAK_GLASS_MAX_MINUTES}` })
  durationMinutes!: number;
}

export class BreakGlassResponse implements BreakGlassGrant {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty() actorId!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() expiresAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) revokedAt!: Date | null;
}
