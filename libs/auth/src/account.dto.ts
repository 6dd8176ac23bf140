import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { PageQueryDto } from '@app/platform';
import { ROLES, THEMES } from '@app/caregivers';
import { LOCALES } from '@app/notifications';
import { EmailField, OneOf, OptionalBoolean, OptionalString, PasswordField, PhoneField, RequiredString } from './dto-fields';

export class OrgListQueryDto extends PageQueryDto {
  @OptionalString('name', { maxLength: 200 }) name?: string;
  @OptionalString('role', { maxLength: 20, description: 'accepted for the client; orgs have no role, so it is ignored' }) role?: string;
}

export class CallRetrySettingsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 10 })
  @IsOptional()
  @IsInt({ message: '"callRetrySettings.retryCount" must be an integer' })
  @Min(0, { message: '"callRetrySettings.retryCount" must be greater than or equal to 0' })
  @Max(10, { message: '"callRetrySettings.retryCount" must be less than or equal to 10' })
  retryCount?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1440 })
  @IsOptional()
  @IsInt({ message: '"callRetrySettings.retryIntervalMinutes" must be an integer' })
  @Min(1, { message: '"callRetrySettings.retryIntervalMinutes" must be greater than or equal to 1' })
  @Max(1440, { message: '"callRetrySettings.retryIntervalMinutes" must be less than or equal to 1440' })
  retryIntervalMinutes?: number;

  @OptionalBoolean('callRetrySettings.alertOnAllMissedCalls') alertOnAllMissedCalls?: boolean;
}

export class UpdateOrgDto {
  @EmailField('email', false) email?: string;
  @OptionalString('name', { maxLength: 200 }) name?: string;
  @PhoneField('phone', false) phone?: string;
  @OptionalString('logo', { maxLength: 2000, nullable: true }) logo?: string | null;
  @OptionalString('timezone', { maxLength: 64, example: 'America/New_York' }) timezone?: string;
  @ApiPropertyOptional({ type: CallRetrySettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CallRetrySettingsDto)
  callRetrySettings?: CallRetrySettingsDto;
  @ApiPropertyOptional({ type: [String], description: 'accepted for the client; membership is managed through invites' })
  @IsOptional()
  @IsArray({ message: '"caregivers" must be an array' })
  @IsString({ each: true, message: '"caregivers" must contain ids' })
  caregivers?: string[];
  @ApiPropertyOptional({ type: [String], description: 'accepted for the client; ignored' })
  @IsOptional()
  @IsArray({ message: '"patients" must be an array' })
  @IsString({ each: true, message: '"patients" must contain ids' })
  patients?: string[];
  @OptionalBoolean('requireMfa', 'require every member to enrol in MFA') requireMfa?: boolean;
}

export class SetRoleDto {
  @OneOf('role', ROLES) role!: (typeof ROLES)[number];
}

export class InviteDto {
  @RequiredString('name') name!: string;
  @EmailField() email!: string;
  @PhoneField('phone', false) phone?: string;
}

export class CaregiverListQueryDto extends PageQueryDto {
  @OptionalString('org', { maxLength: 64, description: 'ignored: results are always the caller’s org' }) org?: string;
  @OptionalString('name', { maxLength: 200 }) name?: string;
  @OneOf('role', ROLES, false) role?: (typeof ROLES)[number];
}

/**
 * C3. `id`, `org`, `patients` and `isEmailVerified` are accepted (the client may echo them) but never
 * applied; `role` and every other field are rejected (mass assignment).
 */
export class UpdateCaregiverDto {
  @OptionalString('name', { maxLength: 200 }) name?: string;
  @EmailField('email', false) email?: string;
  @PhoneField('phone', false) phone?: string;
  @OptionalString('avatar', { maxLength: 2000 }) avatar?: string;
  @OneOf('preferredLanguage', LOCALES, false) preferredLanguage?: string;
  @OneOf('themePreference', THEMES, false) themePreference?: (typeof THEMES)[number];
  @OptionalBoolean('telemetryOptIn') telemetryOptIn?: boolean;
  @PasswordField('password', false) password?: string;
  @OptionalString('id', { maxLength: 64, description: 'ignored' }) id?: string;
  @OptionalString('org', { maxLength: 64, description: 'ignored' }) org?: string;
  @ApiPropertyOptional({ type: [String], description: 'ignored' })
  @IsOptional()
  @IsArray({ message: '"patients" must be an array' })
  patients?: unknown[];
  @ApiPropertyOptional({ description: 'ignored: set only by verifying the e-mail address' })
  @IsOptional()
  @IsBoolean({ message: '"isEmailVerified" must be a boolean' })
  isEmailVerified?: boolean;
}

export class ThemeDto {
  @OneOf('themePreference', THEMES) themePreference!: (typeof THEMES)[number];
}

export class CreateTestCaregiverDto {
  @RequiredString('orgId', { maxLength: 64 }) orgId!: string;
  @RequiredString('name') name!: string;
  @EmailField() email!: string;
  @PasswordField() password!: string;
  @PhoneField('phone', false) phone?: string;
  @OneOf('role', ROLES, false) role?: (typeof ROLES)[number];
}

export class TestEmailDto {
  @EmailField() email!: string;
}

export class TestSendInviteDto {
  @EmailField() email!: string;
  @OptionalString('name') name?: string;
  @PhoneField('phone', false) phone?: string;
  @OptionalString('orgId', { maxLength: 64 }) orgId?: string;
  @OptionalBoolean('forceResend') forceResend?: boolean;
}

export class TestGetEmailDto {
  @EmailField() email!: string;
  @OptionalBoolean('waitForEmail') waitForEmail?: boolean;
  @ApiPropertyOptional()
  @IsOptional()
  @IsInt({ message: '"maxWaitMs" must be an integer' })
  @Min(0)
  @Max(30000)
  maxWaitMs?: number;
}
