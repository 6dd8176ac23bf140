import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiErrors } from './api-errors';
import { AuthRateLimitGuard } from './auth.guard';
import { Public } from './decorators';
import { MfaChallengeResponse, SsoLoginResponse, SsoVerifyResponse } from './responses.dto';
import { SsoLoginDto, SsoVerifyDto } from './sso.dto';
import { SsoService } from './sso.service';

/** §2.4: Google / Microsoft sign-in, accepted only with a verified provider ID token. */
@ApiTags('sso')
@Controller('sso')
@Public()
@UseGuards(AuthRateLimitGuard)
@ApiErrors(400, 401, 429, 501)
export class SsoController {
  constructor(private readonly sso: SsoService) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in (or sign up) with a provider ID token; 501 when the provider is not configured' })
  @ApiExtraModels(SsoLoginResponse, MfaChallengeResponse)
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(SsoLoginResponse) }, { $ref: getSchemaPath(MfaChallengeResponse) }] } })
  @ApiErrors(403)
  login(@Body() dto: SsoLoginDto): Promise<SsoLoginResponse | MfaChallengeResponse> {
    return this.sso.login(dto);
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify a provider ID token and return its identity' })
  @ApiOkResponse({ type: SsoVerifyResponse })
  verify(@Body() dto: SsoVerifyDto): Promise<SsoVerifyResponse> {
    return this.sso.verify(dto.provider, dto.token);
  }
}
