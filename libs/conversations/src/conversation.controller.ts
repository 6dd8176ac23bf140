import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, Authenticated, CurrentActor, RequirePermission, type AuthActor } from '@app/auth';
import { ApiIdParam, IdParam, type Page } from '@app/platform';
import { AppendMessageDto, ConversationPageQueryDto, ConversationPageResponse, ConversationResponse } from './conversation.dto';
import type { MessageRole } from './conversation.table';
import { ConversationService } from './conversation.service';

/** §2.10 and P10. Visibility follows the patient (staff: assigned patients only). */
@ApiTags('conversations')
@Controller()
@Authenticated()
@ApiErrors(400)
export class ConversationController {
  constructor(private readonly conversations: ConversationService) {}

  @Post('conversations/patient/:patientId')
  @RequirePermission('update', 'Conversation')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'Start an empty conversation for a patient (body ignored)' })
  @ApiCreatedResponse({ type: ConversationResponse })
  @ApiErrors(403, 404)
  create(@CurrentActor() actor: AuthActor, @IdParam('patientId') patientId: string): Promise<ConversationResponse> {
    return this.conversations.createForPatient(actor, patientId);
  }

  @Post('conversations/:conversationId')
  @HttpCode(200)
  @RequirePermission('update', 'Conversation')
  @ApiIdParam('conversationId')
  @ApiOperation({ summary: 'Append a message' })
  @ApiOkResponse({ type: ConversationResponse })
  @ApiErrors(403, 404)
  append(
    @CurrentActor() actor: AuthActor,
    @IdParam('conversationId') id: string,
    @Body() dto: AppendMessageDto,
  ): Promise<ConversationResponse> {
    return this.conversations.append(actor, id, { role: dto.role as MessageRole, content: dto.content });
  }

  @Get('conversations/:conversationId')
  @RequirePermission('read', 'Conversation')
  @ApiIdParam('conversationId')
  @ApiOperation({ summary: 'One conversation with its messages in order' })
  @ApiOkResponse({ type: ConversationResponse })
  @ApiErrors(403, 404)
  get(@CurrentActor() actor: AuthActor, @IdParam('conversationId') id: string): Promise<ConversationResponse> {
    return this.conversations.read(actor, id);
  }

  @Get('patients/:patientId/conversations')
  @RequirePermission('read', 'Conversation')
  @ApiTags('patients')
  @ApiIdParam('patientId')
  @ApiOperation({ summary: 'A patient’s conversations, paginated (default sortBy=startTime:desc)' })
  @ApiOkResponse({ type: ConversationPageResponse })
  @ApiErrors(403, 404)
  ofPatient(
    @CurrentActor() actor: AuthActor,
    @IdParam('patientId') patientId: string,
    @Query() query: ConversationPageQueryDto,
  ): Promise<Page<ConversationResponse>> {
    return this.conversations.listOfPatient(actor, patientId, query);
  }
}
