import { Controller, Delete, Get, HttpCode } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIdParam, IdParam } from '@app/platform';
import { ApiErrors } from './api-errors';
import type { AuthActor } from './actor';
import { AllowMfaEnrollment, Authenticated, CurrentActor } from './decorators';
import { SessionResponse } from './session.dto';
import { SessionService } from './session.service';

/** S6: the caller's own login sessions (devices) — list them and end any of them. */
@ApiTags('auth')
@Controller('auth/sessions')
@Authenticated()
@AllowMfaEnrollment()
export class SessionController {
  constructor(private readonly sessions: SessionService) {}

  @Get()
  @ApiOperation({ summary: 'The caller’s live sessions, most recently active first (`current`: this one)' })
  @ApiOkResponse({ type: [SessionResponse] })
  @ApiErrors(503)
  list(@CurrentActor() actor: AuthActor): Promise<SessionResponse[]> {
    return this.sessions.list(actor);
  }

  @Delete(':sessionId')
  @HttpCode(204)
  @ApiIdParam('sessionId')
  @ApiOperation({ summary: 'End one of the caller’s sessions (its tokens stop working, its sockets close)' })
  @ApiNoContentResponse({ description: 'No content' })
  @ApiErrors(400, 404)
  async terminate(@CurrentActor() actor: AuthActor, @IdParam('sessionId') sessionId: string): Promise<void> {
    await this.sessions.terminateOwn(actor, sessionId);
  }
}
