import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { FREQUENCIES } from './recurrence';

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const TIME_MESSAGE = '"time" must be HH:mm (00:00-23:59)';

export class IntervalDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 31, description: 'weekly: 0-6 (0 = Sunday); monthly: day of month 1-31' })
  @IsOptional()
  @IsInt({ message: '"intervals.day" must be an integer' })
  @Min(0, { message: '"intervals.day" must be at least 0' })
  @Max(31, { message: '"intervals.day" must be at most 31' })
  day?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 52, description: 'weekly: every n weeks (default 1)' })
  @IsOptional()
  @IsInt({ message: '"intervals.weeks" must be an integer' })
  @Min(1, { message: '"intervals.weeks" must be at least 1' })
  @Max(52, { message: '"intervals.weeks" must be at most 52' })
  weeks?: number;

  @ApiPropertyOptional({ description: 'ignored (older clients echo it)' }) @IsOptional() @IsString() _id?: string;
}

/** Fields shared by every schedule body. */
class ScheduleFieldsDto {
  @ApiPropertyOptional({ type: [String], example: ['09:00', '17:30'], description: 'several calls a day: every HH:mm (overrides `time`)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(24)
  @Matches(HH_MM, { each: true, message: TIME_MESSAGE })
  times?: string[];

  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean({ message: '"isActive" must be a boolean' }) isActive?: boolean;
}

/** S1. */
export class CreateScheduleDto extends ScheduleFieldsDto {
  @ApiProperty({ enum: FREQUENCIES })
  @IsDefined({ message: '"frequency" is required' })
  @IsIn(FREQUENCIES, { message: `"frequency" must be one of [${FREQUENCIES.join(', ')}]` })
  frequency!: string;

  @ApiProperty({ type: [IntervalDto], description: 'may be empty for daily' })
  @IsDefined({ message: '"intervals" is required' })
  @IsArray({ message: '"intervals" must be an array' })
  @ArrayMaxSize(31)
  @ValidateNested({ each: true })
  @Type(() => IntervalDto)
  intervals!: IntervalDto[];

  @ApiProperty({ example: '09:00', description: 'HH:mm, 24 h, in the org’s time zone' })
  @IsDefined({ message: '"time" is required' })
  @Matches(HH_MM, { message: TIME_MESSAGE })
  time!: string;
}

/** S3: full update (`id`, `patient`, `nextCallDate` accepted; `patient` moves the schedule). */
export class ReplaceScheduleDto extends CreateScheduleDto {
  @ApiPropertyOptional({ description: 'ignored' }) @IsOptional() @IsString() id?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'move to another patient of the org' })
  @IsOptional()
  @Matches(/^[0-9a-f-]{36}$/i, { message: '"patient" must be a valid id' })
  patient?: string;
  @ApiPropertyOptional({ description: 'ignored (computed)' }) @IsOptional() @IsString() nextCallDate?: string;
}

/** S4 / embedded in P5 `schedules[]`. */
export class PatchScheduleDto extends ScheduleFieldsDto {
  @ApiPropertyOptional({ description: 'ignored on /schedules/:id; required inside a patient body' }) @IsOptional() @IsString() id?: string;
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @Matches(/^[0-9a-f-]{36}$/i, { message: '"patient" must be a valid id' })
  patient?: string;
  @ApiPropertyOptional({ description: 'ignored (computed)' }) @IsOptional() @IsString() nextCallDate?: string;
  @ApiPropertyOptional({ enum: FREQUENCIES })
  @IsOptional()
  @IsIn(FREQUENCIES, { message: `"frequency" must be one of [${FREQUENCIES.join(', ')}]` })
  frequency?: string;
  @ApiPropertyOptional({ type: [IntervalDto] })
  @IsOptional()
  @IsArray({ message: '"intervals" must be an array' })
  @ArrayMaxSize(31)
  @ValidateNested({ each: true })
  @Type(() => IntervalDto)
  intervals?: IntervalDto[];
  @ApiPropertyOptional({ example: '09:00' }) @IsOptional() @Matches(HH_MM, { message: TIME_MESSAGE }) time?: string;
}

export class IntervalResponse {
  @ApiProperty({ nullable: true, type: Number }) day!: number | null;
  @ApiProperty() weeks!: number;
}

/** ScheduleDTO plus `_id`, `patientId`, `times` and `timezone`. */
export class ScheduleResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) _id!: string;
  @ApiProperty({ format: 'uuid', description: 'patient id' }) patient!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ enum: FREQUENCIES }) frequency!: string;
  @ApiProperty({ type: [IntervalResponse] }) intervals!: IntervalResponse[];
  @ApiProperty({ example: '09:00', description: 'first call time, HH:mm in `timezone`' }) time!: string;
  @ApiProperty({ type: [String] }) times!: string[];
  @ApiProperty({ example: 'America/New_York' }) timezone!: string;
  @ApiProperty() isActive!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) nextCallDate!: string | null;
}
