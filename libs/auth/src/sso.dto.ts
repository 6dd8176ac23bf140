import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUrl } from 'class-validator';
import { SSO_PROVIDERS } from '@app/caregivers';
import { OneOf, OptionalString, RequiredString } from './dto-fields';

/**
 * SSO1's shape, plus the provider ID token that is now required: the posted e-mail, name and id
 * are no longer trusted (the verified token's claims are used instead).
 */
export class SsoLoginDto {
  @OneOf('provider', SSO_PROVIDERS) provider!: 'google' | 'microsoft';
  @OptionalString('idToken', { maxLength: 8192, description: 'OIDC ID token issued by the provider to this app (required)' })
  idToken?: string;
  @OptionalString('email', { maxLength: 254, description: 'ignored: the ID token’s e-mail is used' }) email?: string;
  @OptionalString('name', { maxLength: 200, description: 'ignored when the ID token has a name' }) name?: string;
  @OptionalString('id', { maxLength: 200, description: 'ignored: the ID token’s subject is used' }) id?: string;
  @ApiPropertyOptional({ format: 'uri' })
  @IsOptional()
  @IsUrl({ require_protocol: true }, { message: '"picture" must be a valid uri' })
  picture?: string;
  @OptionalString('mfaToken', { maxLength: 16 }) mfaToken?: string;
}

export class SsoVerifyDto {
  @OneOf('provider', SSO_PROVIDERS) provider!: 'google' | 'microsoft';
  @RequiredString('token', { maxLength: 8192, description: 'OIDC ID token' }) token!: string;
}
