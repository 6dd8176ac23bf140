import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, Matches } from 'class-validator';
import { PhoneField } from './dto-fields';

export class SendCodeDto {
  @PhoneField('phoneNumber', false) phoneNumber?: string;
}

export class VerifyCodeDto {
  @ApiProperty({ example: '123456' })
  @IsDefined({ message: '"code" is required' })
  @Matches(/^\d{6}$/, { message: '"code" must be exactly 6 digits' })
  code!: string;
}
