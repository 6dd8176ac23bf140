import { Body, Controller, Get, Header, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { resolveLocale, verificationPage } from '@app/notifications';
import { AppConfig } from '@app/platform';
import { AllowMfaEnrollment, Public } from './decorators';
import { ApiErrors } from './api-errors';
import {
  EmailDto,
  LoginDto,
  PasswordDto,
  RefreshTokenDto,
  RegisterDto,
  RegisterWithInviteDto,
  ResendVerificationDto,
  SendVerificationEmailDto,
  SetPasswordForSsoDto,
  TokenQueryDto,
  VerifyEmailBodyDto,
} from './auth.dto';
import { AuthRateLimitGuard, bearerToken } from './auth.guard';
import { AuthService } from './auth.service';
import { EmailVerificationService } from './email-verification.service';
import {
  CaregiverWithTokensResponse,
  InviteInfoResponse,
  LoginResponse,
  MessageResponse,
  MfaChallengeResponse,
  RefreshResponse,
  RegisterResponse,
  SuccessMessageResponse,
  VerifyEmailErrorResponse,
  VerifyEmailResponse,
} from './responses.dto';
import { SessionService } from './session.service';
import { SsoService } from './sso.service';

/** §2.1. Every route is public (the client sends a bearer anyway; it is ignored) and IP-limited. */
@ApiTags('auth')
@Controller('auth')
@Public()
@AllowMfaEnrollment()
@UseGuards(AuthRateLimitGuard)
@ApiErrors(429)
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly verification: EmailVerificationService,
    private readonly sso: SsoService,
    private readonly sessions: SessionService,
    private readonly config: AppConfig,
  ) {}

  @Post('register')
  @ApiOperation({ summary: 'Create an org and its first caregiver (orgAdmin); logged in at once, e-mail still to verify' })
  @ApiCreatedResponse({ type: RegisterResponse })
  @ApiErrors(400)
  register(@Body() dto: RegisterDto): Promise<RegisterResponse> {
    return this.auth.register(dto);
  }

  @Get('invite-info')
  @ApiOperation({ summary: 'Name, e-mail and phone of an invitation (to prefill the signup form)' })
  @ApiOkResponse({ type: InviteInfoResponse })
  @ApiErrors(400, 401)
  inviteInfo(@Query() query: TokenQueryDto): Promise<InviteInfoResponse> {
    return this.auth.inviteInfo(query.token);
  }

  @Post('registerWithInvite')
  @ApiOperation({ summary: 'Accept an invitation: set a password, become staff, get tokens' })
  @ApiCreatedResponse({ type: CaregiverWithTokensResponse })
  @ApiErrors(400, 401)
  registerWithInvite(@Body() dto: RegisterWithInviteDto): Promise<CaregiverWithTokensResponse> {
    return this.auth.registerWithInvite(dto);
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Password login; with MFA enabled, first answers the challenge, then takes mfaToken' })
  @ApiExtraModels(LoginResponse, MfaChallengeResponse)
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(LoginResponse) }, { $ref: getSchemaPath(MfaChallengeResponse) }] } })
  @ApiErrors(400, 401, 403)
  login(@Body() dto: LoginDto, @Req() req: Request): Promise<LoginResponse | MfaChallengeResponse> {
    return this.auth.login(dto, req.ip);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session of a refresh token (and close the user’s sockets)' })
  @ApiNoContentResponse({ description: 'No content' })
  @ApiErrors(400, 404)
  async logout(@Body() dto: RefreshTokenDto): Promise<void> {
    await this.auth.logout(dto.refreshToken);
  }

  @Post('refresh-tokens')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate a refresh token; a reused (already rotated) token revokes the whole session' })
  @ApiOkResponse({ type: RefreshResponse })
  @ApiErrors(400, 401)
  refresh(@Body() dto: RefreshTokenDto): Promise<RefreshResponse> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('forgot-password')
  @HttpCode(204)
  @ApiOperation({ summary: 'E-mail a reset link (the same 204 for unknown addresses)' })
  @ApiNoContentResponse({ description: 'No content' })
  @ApiErrors(400)
  async forgotPassword(@Body() dto: EmailDto): Promise<void> {
    await this.auth.forgotPassword(dto.email);
  }

  @Post('reset-password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password with the e-mailed token (?token=); ends every session' })
  @ApiNoContentResponse({ description: 'No content' })
  @ApiErrors(400, 401)
  async resetPassword(@Query() query: TokenQueryDto, @Body() dto: PasswordDto): Promise<void> {
    await this.auth.resetPassword(query.token, dto.password);
  }

  @Post('send-verification-email')
  @HttpCode(204)
  @ApiOperation({ summary: 'Send a verification link to the stored address of the named, unverified account' })
  @ApiNoContentResponse({ description: 'No content' })
  async sendVerificationEmail(@Body() dto: SendVerificationEmailDto): Promise<void> {
    await this.auth.sendVerification(dto.caregiver);
  }

  @Post('resend-verification-email')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a new verification link' })
  @ApiOkResponse({ type: MessageResponse })
  @ApiErrors(400, 404)
  resendVerificationEmail(@Body() dto: ResendVerificationDto): Promise<MessageResponse> {
    return this.auth.resendVerification(dto.email);
  }

  @Post('set-password-for-sso')
  @HttpCode(200)
  @ApiOperation({ summary: 'First password of an SSO account; needs the account’s bearer token or a provider ID token' })
  @ApiOkResponse({ type: SuccessMessageResponse })
  @ApiErrors(400, 401, 404, 501)
  async setPasswordForSso(@Body() dto: SetPasswordForSsoDto, @Req() req: Request): Promise<SuccessMessageResponse> {
    const token = bearerToken(req.headers.authorization);
    const actor = token ? await this.sessions.authenticate(token).catch(() => undefined) : undefined;
    return this.sso.setPasswordForSso(dto, actor);
  }

  @Get('verify-email')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Verify the e-mail address (?token=); JSON with Accept: application/json or ?format=json, else an HTML page' })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({ type: VerifyEmailResponse })
  @ApiExtraModels(VerifyEmailErrorResponse)
  @ApiErrors(400, 401)
  async verifyEmailGet(@Query() query: TokenQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.answerVerification(query.token, query.format, req, res);
  }

  @Post('verify-email')
  @ApiOperation({ summary: 'Same as GET; the token may also come in the body' })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({ type: VerifyEmailResponse })
  @ApiErrors(400, 401)
  async verifyEmailPost(
    @Query() query: TokenQueryDto,
    @Body() body: VerifyEmailBodyDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.answerVerification(query.token ?? body.token, query.format, req, res);
  }

  private async answerVerification(token: string | undefined, format: string | undefined, req: Request, res: Response): Promise<void> {
    const result = await this.verification.verify(token);
    const json = format === 'json' || (req.get('accept') ?? '').includes('application/json');
    if (json) {
      res.status(result.status).json(result.body);
      return;
    }
    const locale = resolveLocale(result.language, req.get('accept-language'));
    res
      .status(result.status)
      .type('html')
      .send(verificationPage(locale, result.outcome, this.config.frontendUrl));
  }
}
