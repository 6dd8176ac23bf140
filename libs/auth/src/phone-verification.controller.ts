import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from './api-errors';
import type { AuthActor } from './actor';
import { AuthRateLimitGuard } from './auth.guard';
import { Authenticated, CurrentActor } from './decorators';
import { SendCodeDto, VerifyCodeDto } from './phone-verification.dto';
import { PhoneVerificationService } from './phone-verification.service';
import { PhoneCodeSentResponse, SuccessMessageResponse } from './responses.dto';

/** §2.2: the caller verifies their own phone number by SMS code. */
@ApiTags('phone-verification')
@Controller('phone-verification')
@Authenticated()
@UseGuards(AuthRateLimitGuard)
@ApiErrors(400, 429, 503)
export class PhoneVerificationController {
  constructor(private readonly phones: PhoneVerificationService) {}

  @Post('send-code')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a 6-digit code by SMS (to phoneNumber, or the account’s number)' })
  @ApiOkResponse({ type: PhoneCodeSentResponse })
  sendCode(@CurrentActor() actor: AuthActor, @Body() dto: SendCodeDto): Promise<PhoneCodeSentResponse> {
    return this.phones.send(actor, dto.phoneNumber, false);
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check the code; the number becomes verified' })
  @ApiOkResponse({ type: SuccessMessageResponse })
  verify(@CurrentActor() actor: AuthActor, @Body() dto: VerifyCodeDto): Promise<SuccessMessageResponse> {
    return this.phones.verify(actor, dto.code);
  }

  @Post('resend')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a new code to the pending (or the account’s) number' })
  @ApiOkResponse({ type: PhoneCodeSentResponse })
  resend(@CurrentActor() actor: AuthActor): Promise<PhoneCodeSentResponse> {
    return this.phones.send(actor, undefined, true);
  }
}
