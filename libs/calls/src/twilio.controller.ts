import { Body, Controller, Headers, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrors, Public } from '@app/auth';
import { ConversationService } from '@app/conversations';
import { AppConfig, ForbiddenError, ServiceUnavailableError } from '@app/platform';
import { CallSessionFactory, TELEPHONY_PROVIDER, TwilioMediaTelephony, type TelephonyProvider, type TwilioCallStatus } from '@app/voice';
import { CallRunner } from './call-runner.service';
import { CallDirectory } from './call-directory';
import { connectStreamTwiml, sayAndHangupTwiml, verifyTwilioSignature } from './twilio-voice.client';

const STATUSES: readonly TwilioCallStatus[] = [
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'answered',
  'completed',
  'busy',
  'no-answer',
  'failed',
  'canceled',
];

/** What an unknown caller hears (in the language of the number's country is not known: English and Spanish). */
const UNKNOWN_CALLER =
  'Hello, this is Bianca, the wellness call service. We could not match your number to a patient, so we cannot take your call on this line. Please contact your care team. Goodbye.';

/**
 * Twilio's webhooks: call status callbacks and incoming calls. Both are verified with
 * `X-Twilio-Signature` against PUBLIC_URL + the request path (Twilio signs the URL it called).
 */
@ApiTags('twilio')
@Controller('twilio')
@Public()
export class TwilioController {
  constructor(
    private readonly config: AppConfig,
    private readonly runner: CallRunner,
    private readonly directory: CallDirectory,
    private readonly conversations: ConversationService,
    private readonly sessions: CallSessionFactory,
    @Inject(TELEPHONY_PROVIDER) private readonly telephony: TelephonyProvider,
  ) {}

  private verify(req: Request, body: Record<string, unknown>, signature: string | undefined): Record<string, string> {
    const token = this.config.twilio.authToken;
    if (!token || !(this.telephony instanceof TwilioMediaTelephony))
      throw new ServiceUnavailableError('Twilio calling is not configured', 'TwilioUnavailable');
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(body ?? {})) if (typeof v === 'string') params[k] = v;
    const url = new URL(req.originalUrl, this.config.publicUrl).toString();
    if (!verifyTwilioSignature(token, url, params, signature))
      throw new ForbiddenError('Invalid Twilio signature', 'TwilioSignatureInvalid');
    return params;
  }

  @Post('status')
  @HttpCode(204)
  @ApiOperation({ summary: 'Twilio call status callback (form-encoded, X-Twilio-Signature required)' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiNoContentResponse({ description: 'Taken' })
  @ApiErrors(403, 503)
  async status(
    @Req() req: Request,
    @Body() body: Record<string, unknown>,
    @Headers('x-twilio-signature') signature?: string,
  ): Promise<void> {
    const params = this.verify(req, body, signature);
    const callId = typeof req.query.callId === 'string' ? req.query.callId : undefined;
    // Asynchronous answering-machine detection result.
    if (params.AnsweredBy && callId) {
      if (/^machine|^fax$/.test(params.AnsweredBy)) void this.sessions.get(callId)?.answeringMachine();
      return;
    }
    const status = params.CallStatus as TwilioCallStatus;
    if (!STATUSES.includes(status)) return;
    const telephony = this.telephony as TwilioMediaTelephony;
    if (callId && params.CallSid) {
      telephony.bindCallSid(callId, params.CallSid);
      const owner = await this.directory.owner(callId).catch(() => undefined);
      if (owner) await this.conversations.updateCall(owner.orgId, callId, { callSid: params.CallSid }).catch(() => undefined);
    }
    telephony.handleStatus(params.CallSid ?? callId ?? '', status);
  }

  /** The service number's Voice URL: a patient calling in reaches the same pipeline. */
  @Post('voice')
  @ApiOperation({ summary: 'Incoming call webhook (Voice URL of the service number): TwiML connecting a known patient, or a goodbye' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOkResponse({ description: 'TwiML', content: { 'text/xml': { schema: { type: 'string' } } } })
  @ApiErrors(403, 503)
  async incoming(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: Record<string, unknown>,
    @Headers('x-twilio-signature') signature?: string,
  ): Promise<void> {
    const params = this.verify(req, body, signature);
    const result =
      params.CallSid && params.From
        ? await this.runner.inbound(params.From, params.CallSid)
        : { accepted: false as const, reason: 'unknown_caller' as const };
    res.type('text/xml');
    res.status(200);
    if (result.accepted) res.send(connectStreamTwiml(this.config.publicUrl, result.callId));
    else res.send(sayAndHangupTwiml(UNKNOWN_CALLER, 'en-US'));
  }
}
