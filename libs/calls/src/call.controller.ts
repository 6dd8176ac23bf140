import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Authenticated, CurrentActor, RequirePermission, type AuthActor } from '@app/auth';
import { ConversationResponse } from '@app/conversations';
import { ApiIdParam, IdParam } from '@app/platform';
import { ActiveCallsResponse, CallDataResponse, CallStatusDto, EndCallDto, InitiateCallDto, InitiateCallResponse } from './call.dto';
import { CallService } from './call.service';

/**
 * §2.11 call workflow. Any caregiver who may see the patient (staff: assigned patients; orgAdmin:
 * the org's); superAdmins have no implicit PHI access. Without a telephony provider or an AI key,
 * initiating answers 503 with the reason.
 */
@ApiTags('calls')
@Controller('calls')
@Authenticated()
@RequirePermission('read', 'Conversation')
@ApiErrors(400)
export class CallController {
  constructor(private readonly calls: CallService) {}

  @Post('initiate')
  @ApiOperation({ summary: 'Call a patient now (W1); progress arrives as `call.status` on Socket.io and via W2' })
  @ApiCreatedResponse({ type: InitiateCallResponse })
  @ApiErrors(403, 404, 409, 503)
  initiate(@CurrentActor() actor: AuthActor, @Body() dto: InitiateCallDto): Promise<Record<string, unknown>> {
    return this.calls.initiate(actor, dto.patientId);
  }

  @Get('active')
  @ApiOperation({ summary: 'Calls in progress that the caller placed (W5)' })
  @ApiOkResponse({ type: ActiveCallsResponse })
  @ApiErrors(403)
  active(@CurrentActor() actor: AuthActor): Promise<{ data: Record<string, unknown>[]; count: number }> {
    return this.calls.active(actor);
  }

  @Get(':conversationId/status')
  @ApiIdParam('conversationId')
  @ApiOperation({ summary: 'Live status of a call with its transcript so far (W2)' })
  @ApiOkResponse({ type: CallDataResponse })
  @ApiErrors(403, 404)
  status(@CurrentActor() actor: AuthActor, @IdParam('conversationId') id: string): Promise<{ data: Record<string, unknown> }> {
    return this.calls.status(actor, id);
  }

  @Post(':conversationId/status')
  @HttpCode(200)
  @ApiIdParam('conversationId')
  @ApiOperation({ summary: 'Report a call status (W3; telephony normally reports itself)' })
  @ApiOkResponse({ type: ConversationResponse })
  @ApiErrors(403, 404)
  updateStatus(
    @CurrentActor() actor: AuthActor,
    @IdParam('conversationId') id: string,
    @Body() dto: CallStatusDto,
  ): Promise<ConversationResponse> {
    return this.calls.updateStatus(actor, id, dto);
  }

  @Post(':conversationId/end')
  @HttpCode(200)
  @ApiIdParam('conversationId')
  @ApiOperation({ summary: 'End a call from the dashboard (W4): hangs up telephony and the AI' })
  @ApiOkResponse({ type: ConversationResponse })
  @ApiErrors(403, 404)
  end(@CurrentActor() actor: AuthActor, @IdParam('conversationId') id: string, @Body() dto: EndCallDto): Promise<ConversationResponse> {
    return this.calls.end(actor, id, dto);
  }

  @Get(':conversationId/conversation')
  @ApiIdParam('conversationId')
  @ApiOperation({ summary: 'The call’s conversation summary (W6)' })
  @ApiOkResponse({ type: CallDataResponse })
  @ApiErrors(403, 404)
  conversation(@CurrentActor() actor: AuthActor, @IdParam('conversationId') id: string): Promise<{ data: Record<string, unknown> }> {
    return this.calls.conversationOf(actor, id);
  }
}
