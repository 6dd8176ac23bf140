import { RequiredString } from './dto-fields';

export class MfaTokenDto {
  @RequiredString('token', { maxLength: 16, description: 'a 6-digit TOTP code (or, where accepted, a backup code)' }) token!: string;
}
