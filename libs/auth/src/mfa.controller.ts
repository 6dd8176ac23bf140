import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from './api-errors';
import type { AuthActor } from './actor';
import { AuthRateLimitGuard } from './auth.guard';
import { AllowMfaEnrollment, Authenticated, CurrentActor } from './decorators';
import { MfaTokenDto } from './mfa.dto';
import { MfaService } from './mfa.service';
import { BackupCodesResponse, MfaEnableResponse, MfaStatusResponse, MfaToggleResponse } from './responses.dto';

/** §2.3: TOTP enrolment, backup codes. Reachable by sessions that must still enrol. */
@ApiTags('mfa')
@Controller('mfa')
@Authenticated()
@AllowMfaEnrollment()
@UseGuards(AuthRateLimitGuard)
@ApiErrors(429)
export class MfaController {
  constructor(private readonly mfa: MfaService) {}

  @Get('status')
  @ApiOperation({ summary: 'Whether MFA is enabled (and required), and how many backup codes remain' })
  @ApiOkResponse({ type: MfaStatusResponse })
  status(@CurrentActor() actor: AuthActor): Promise<MfaStatusResponse> {
    return this.mfa.status(actor);
  }

  @Post('enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start enrolment: a new secret, its QR code and 10 backup codes (MFA active after /mfa/verify)' })
  @ApiOkResponse({ type: MfaEnableResponse })
  @ApiErrors(400)
  enable(@CurrentActor() actor: AuthActor): Promise<MfaEnableResponse> {
    return this.mfa.enable(actor);
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Finish enrolment with a code from the authenticator app' })
  @ApiOkResponse({ type: MfaToggleResponse })
  @ApiErrors(400)
  verify(@CurrentActor() actor: AuthActor, @Body() dto: MfaTokenDto): Promise<MfaToggleResponse> {
    return this.mfa.verifyEnrollment(actor, dto.token);
  }

  @Post('disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn MFA off (TOTP or backup code); refused where MFA is mandatory' })
  @ApiOkResponse({ type: MfaToggleResponse })
  @ApiErrors(400, 403)
  disable(@CurrentActor() actor: AuthActor, @Body() dto: MfaTokenDto): Promise<MfaToggleResponse> {
    return this.mfa.disable(actor, dto.token);
  }

  @Post('backup-codes')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace every backup code (old ones stop working)' })
  @ApiOkResponse({ type: BackupCodesResponse })
  @ApiErrors(400)
  backupCodes(@CurrentActor() actor: AuthActor, @Body() dto: MfaTokenDto): Promise<BackupCodesResponse> {
    return this.mfa.regenerateBackupCodes(actor, dto.token);
  }
}
