import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches } from 'class-validator';
import { EmailField, OptionalString, PasswordField, PhoneField, RequiredString } from './dto-fields';

export class RegisterDto {
  @RequiredString('name', { example: 'Sunrise Care', description: 'the organisation’s name (also the first caregiver’s)' }) name!: string;
  @EmailField() email!: string;
  @PasswordField() password!: string;
  @PhoneField() phone!: string;
}

export class LoginDto {
  @EmailField() email!: string;
  @RequiredString('password', { maxLength: 1024 }) password!: string;
  @ApiPropertyOptional({ description: '6-digit TOTP code or an 8-character backup code' })
  @IsOptional()
  @IsString({ message: '"mfaToken" must be a string' })
  @Matches(/^[A-Za-z0-9 -]{6,16}$/, { message: '"mfaToken" must be a 6-digit code or a backup code' })
  mfaToken?: string;
}

export class RefreshTokenDto {
  @RequiredString('refreshToken', { maxLength: 512 }) refreshToken!: string;
}

export class EmailDto {
  @EmailField() email!: string;
}

export class ResendVerificationDto {
  @RequiredString('email', { maxLength: 254 }) email!: string;
}

export class PasswordDto {
  @PasswordField() password!: string;
}

/** `?token=` of the e-mailed links; `format=json` selects JSON on the verify page. */
export class TokenQueryDto {
  @OptionalString('token', { maxLength: 512 }) token?: string;
  @OptionalString('format', { maxLength: 10 }) format?: string;
}

export class VerifyEmailBodyDto {
  @OptionalString('token', { maxLength: 512 }) token?: string;
}

/** A9 posts the client's caregiver object; only its id/e-mail is used, to look the account up. */
export class SendVerificationEmailDto {
  @ApiPropertyOptional({ description: '{id, email, name, preferredLanguage} — used only to find the account' })
  @IsOptional()
  @IsObject({ message: '"caregiver" must be an object' })
  caregiver?: Record<string, unknown>;
}

export class SetPasswordForSsoDto {
  @EmailField() email!: string;
  @PasswordField() password!: string;
  @PasswordField('confirmPassword') confirmPassword!: string;
  @OptionalString('idToken', {
    maxLength: 8192,
    description: 'a provider ID token for this account (unless the request carries the account’s bearer token)',
  })
  idToken?: string;
  @OptionalString('provider', { maxLength: 20 }) provider?: string;
}

export class RegisterWithInviteDto {
  @RequiredString('token', { maxLength: 512 }) token!: string;
  @PasswordField() password!: string;
  @RequiredString('name') name!: string;
  @EmailField() email!: string;
  @PhoneField() phone!: string;
}
