import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDateString,
  IsDefined,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { ALERT_TYPES, CATEGORIES, CREATED_MODELS, IMPORTANCES, SEVERITIES, VISIBILITIES } from './alert.table';

const oneOf = (name: string, values: readonly string[]) =>
  IsIn(values as string[], { message: `"${name}" must be one of [${values.join(', ')}]` });

/** L1. `createdBy`/`createdModel`/`readBy` are accepted for compatibility and ignored (security.md Z3). */
export class CreateAlertDto {
  @ApiProperty({ maxLength: 2000 })
  @IsDefined({ message: '"message" is required' })
  @IsString({ message: '"message" must be a string' })
  @IsNotEmpty({ message: '"message" is not allowed to be empty' })
  @MaxLength(2000)
  message!: string;

  @ApiProperty({ enum: IMPORTANCES })
  @IsDefined({ message: '"importance" is required' })
  @oneOf('importance', IMPORTANCES)
  importance!: string;
  @ApiProperty({ enum: ALERT_TYPES })
  @IsDefined({ message: '"alertType" is required' })
  @oneOf('alertType', ALERT_TYPES)
  alertType!: string;
  @ApiProperty({ enum: VISIBILITIES })
  @IsDefined({ message: '"visibility" is required' })
  @oneOf('visibility', VISIBILITIES)
  visibility!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'ignored: the caller' }) @IsOptional() @IsString() createdBy?: string;
  @ApiPropertyOptional({ enum: CREATED_MODELS, description: 'ignored: Caregiver' })
  @IsOptional()
  @oneOf('createdModel', CREATED_MODELS)
  createdModel?: string;
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: '"relatedPatient" must be a valid id' })
  relatedPatient?: string;
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: '"relatedConversation" must be a valid id' })
  relatedConversation?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString({}, { message: '"relevanceUntil" must be a valid date' })
  relevanceUntil?: string;
  @ApiPropertyOptional({ type: [String], description: 'ignored' }) @IsOptional() @IsArray() readBy?: string[];
  @ApiPropertyOptional({ enum: CATEGORIES }) @IsOptional() @oneOf('category', CATEGORIES) category?: string;
  @ApiPropertyOptional({ enum: SEVERITIES }) @IsOptional() @oneOf('severity', SEVERITIES) severity?: string;
}

/** L4: at least one of message, importance, relevanceUntil. */
export class UpdateAlertDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: '"message" is not allowed to be empty' })
  @MaxLength(2000)
  message?: string;
  @ApiPropertyOptional({ enum: IMPORTANCES }) @IsOptional() @oneOf('importance', IMPORTANCES) importance?: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  @IsOptional()
  @IsDateString({}, { message: '"relevanceUntil" must be a valid date' })
  relevanceUntil?: string;
}

/** L2. */
export class AlertListQueryDto {
  @ApiPropertyOptional({ description: 'include alerts the caller already read' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: '"showRead" must be a boolean' })
  showRead?: boolean;
}

/** L7. */
export class MarkAlertsReadDto {
  @ApiProperty({ type: [String] })
  @IsDefined({ message: '"alertIds" is required' })
  @IsArray({ message: '"alertIds" must be an array' })
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true, message: '"alertIds" must contain valid ids' })
  alertIds!: string[];
}

export class AlertResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) _id!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ enum: IMPORTANCES }) importance!: string;
  @ApiProperty({ enum: ALERT_TYPES }) alertType!: string;
  @ApiPropertyOptional({ nullable: true, enum: CATEGORIES }) category!: string | null;
  @ApiPropertyOptional({ nullable: true, enum: SEVERITIES }) severity!: string | null;
  @ApiPropertyOptional({ format: 'uuid' }) relatedPatient?: string;
  @ApiPropertyOptional({ format: 'uuid' }) relatedConversation?: string;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty({ enum: CREATED_MODELS }) createdModel!: string;
  @ApiProperty({ enum: VISIBILITIES }) visibility!: string;
  @ApiProperty({ type: [String] }) readBy!: string[];
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) relevanceUntil!: string | null;
  @ApiProperty({ description: 'merged repeats of the same patient+category' }) occurrences!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
