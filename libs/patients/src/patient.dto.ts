import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { isPhoneNumber } from '@app/caregivers';
import { PageQueryDto } from '@app/platform';
import { PATIENT_LANGUAGES } from './patient.model';

const trim = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
const phone = (_name: string): PropertyDecorator =>
  ValidateBy({
    name: 'phone',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isPhoneNumber(value),
      defaultMessage: () => 'Invalid phone number',
    },
  });
const isDate = Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '"dateOfBirth" must be a date (YYYY-MM-DD)' });
const strings = (name: string): PropertyDecorator =>
  applyDecorators(
    IsArray({ message: `"${name}" must be an array` }),
    ArrayMaxSize(100, { message: `"${name}" must contain at most 100 items` }),
    IsString({ each: true, message: `"${name}" items must be strings` }),
    MaxLength(200, { each: true, message: `"${name}" items must be at most 200 characters` }),
  );

/** Fields a patient body may carry besides the contract's own (all optional, all PHI). */
class PatientExtrasDto {
  @ApiPropertyOptional({ maxLength: 200, nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(200) preferredName?:
    string | null;
  @ApiPropertyOptional({ example: '1941-05-02', nullable: true, type: String }) @IsOptional() @isDate dateOfBirth?: string | null;
  @ApiPropertyOptional({ maxLength: 500, nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(500) address?: string | null;
  @ApiPropertyOptional({ maxLength: 5000, nullable: true, type: String, description: 'care notes (fed to the call assistant)' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string | null;
  @ApiPropertyOptional({ type: [String], example: ['metformin 500 mg twice daily'] })
  @IsOptional()
  @strings('medications')
  medications?: string[];
  @ApiPropertyOptional({ type: [String], example: ['type 2 diabetes'] }) @IsOptional() @strings('conditions') conditions?: string[];
  @ApiPropertyOptional({ minimum: 0, maximum: 150, deprecated: true, description: 'ignored: use dateOfBirth' })
  @IsOptional()
  @IsInt({ message: '"age" must be an integer' })
  @Min(0)
  @Max(150)
  age?: number;
}

/** P1. `org` is accepted for compatibility and ignored: a patient always joins the caller's org. */
export class CreatePatientDto extends PatientExtrasDto {
  @ApiProperty({ maxLength: 200, example: 'Margaret Doe' })
  @trim
  @IsDefined({ message: '"name" is required' })
  @IsString({ message: '"name" must be a string' })
  @IsNotEmpty({ message: '"name" is not allowed to be empty' })
  @MaxLength(200)
  name!: string;

  @ApiProperty({ format: 'email' })
  @trim
  @IsDefined({ message: '"email" is required' })
  @IsEmail({}, { message: '"email" must be a valid email' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: '+16045550101' })
  @IsDefined({ message: '"phone" is required' })
  @phone('phone')
  phone!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'ignored (the caller’s org)' }) @IsOptional() @IsString() org?: string;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) avatar?: string;
  @ApiPropertyOptional({ enum: PATIENT_LANGUAGES, default: 'en' })
  @IsOptional()
  @IsIn(PATIENT_LANGUAGES, { message: `"preferredLanguage" must be one of [${PATIENT_LANGUAGES.join(', ')}]` })
  preferredLanguage?: string;
  @ApiPropertyOptional({ type: [String], description: 'caregiver ids of the caller’s org (the caller is always linked)' })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true, message: '"caregivers" must contain valid ids' })
  caregivers?: string[];
  @ApiPropertyOptional({ type: [Object], description: 'schedules to create with the patient (ScheduleDTO bodies)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  schedules?: Record<string, unknown>[];
}

/** P5: at least one key; unknown keys are a 400. */
export class UpdatePatientDto extends PatientExtrasDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'ignored' }) @IsOptional() @IsString() id?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'ignored (a patient cannot change org)' }) @IsOptional() @IsString() org?: string;
  @ApiPropertyOptional({ maxLength: 1000, nullable: true, type: String }) @IsOptional() @IsString() @MaxLength(1000) avatar?: string | null;
  @ApiPropertyOptional({ format: 'email' }) @trim @IsOptional() @IsEmail({}, { message: '"email" must be a valid email' }) email?: string;
  @ApiPropertyOptional({ maxLength: 200 })
  @trim
  @IsOptional()
  @IsString()
  @IsNotEmpty({ message: '"name" is not allowed to be empty' })
  @MaxLength(200)
  name?: string;
  @ApiPropertyOptional({ example: '+16045550101' }) @IsOptional() @phone('phone') phone?: string;
  @ApiPropertyOptional({ enum: PATIENT_LANGUAGES })
  @IsOptional()
  @IsIn(PATIENT_LANGUAGES, { message: `"preferredLanguage" must be one of [${PATIENT_LANGUAGES.join(', ')}]` })
  preferredLanguage?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean({ message: '"isEmailVerified" must be a boolean' }) isEmailVerified?: boolean;
  @ApiPropertyOptional({ type: [String], description: 'replaces the caregiver set (ids of the caller’s org)' })
  @IsOptional()
  @IsArray()
  @IsUUID('all', { each: true, message: '"caregivers" must contain valid ids' })
  caregivers?: string[];
  @ApiPropertyOptional({ type: [Object], description: 'schedule updates, each with its `id`' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  schedules?: Record<string, unknown>[];
}

/** P2: `name` is exact-match (blind index); `role` is accepted and matches nothing, as before. */
export class PatientListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'exact match' }) @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ description: 'accepted for compatibility; patients have no role, so any value matches nothing' })
  @IsOptional()
  @IsString()
  role?: string;
}

/** P12. */
export class AssignUnassignedDto {
  @ApiProperty({ format: 'uuid' })
  @IsDefined({ message: '"caregiverId" is required' })
  @IsUUID('all', { message: '"caregiverId" must be a valid id' })
  caregiverId!: string;
  @ApiProperty({ type: [String] })
  @IsDefined({ message: '"patientIds" is required' })
  @IsArray({ message: '"patientIds" must be an array' })
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true, message: '"patientIds" must contain valid ids' })
  patientIds!: string[];
}

/**
 * PatientDTO as the client reads it, plus the superset the field filter speaks (`_id`,
 * `language`, `assignedCaregivers`). Staff answers omit email, phone, dateOfBirth and address;
 * list answers mask the phone (security.md D5).
 */
export class PatientResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'same as id (older readers)' }) _id!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) preferredName!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) avatar!: string | null;
  @ApiPropertyOptional({ description: 'orgAdmin only' }) email?: string | null;
  @ApiPropertyOptional({ description: 'orgAdmin only; masked in lists' }) phone?: string;
  @ApiPropertyOptional({ description: 'orgAdmin only', nullable: true, type: String }) dateOfBirth?: string | null;
  @ApiPropertyOptional({ description: 'orgAdmin only', nullable: true, type: String }) address?: string | null;
  @ApiProperty({ example: 'en' }) preferredLanguage!: string;
  @ApiProperty({ example: 'en', description: 'same as preferredLanguage' }) language!: string;
  @ApiProperty() isEmailVerified!: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) org!: string | null;
  @ApiProperty({ type: [String] }) caregivers!: string[];
  @ApiProperty({ type: [String], description: 'same as caregivers' }) assignedCaregivers!: string[];
  @ApiProperty({ type: [Object], description: 'ScheduleDTOs' }) schedules!: unknown[];
  @ApiPropertyOptional({ nullable: true, type: String }) notes!: string | null;
  @ApiProperty({ type: [String] }) medications!: string[];
  @ApiProperty({ type: [String] }) conditions!: string[];
  @ApiProperty({ enum: ['active'] }) status!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) lastContact!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class PatientPageResponse {
  @ApiProperty({ type: [PatientResponse] }) results!: PatientResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() totalPages!: number;
  @ApiProperty() totalResults!: number;
}
