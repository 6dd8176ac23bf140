import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '@app/platform';
import { CALL_OUTCOMES, CALL_STATUSES, CONVERSATION_STATUSES, MESSAGE_ROLES } from './conversation.table';

/** V2. */
export class AppendMessageDto {
  @ApiProperty({ enum: MESSAGE_ROLES })
  @IsDefined({ message: '"role" is required' })
  @IsIn(MESSAGE_ROLES, { message: `"role" must be one of [${MESSAGE_ROLES.join(', ')}]` })
  role!: string;

  @ApiProperty({ maxLength: 20000 })
  @IsDefined({ message: '"content" is required' })
  @IsString({ message: '"content" must be a string' })
  @IsNotEmpty({ message: '"content" is not allowed to be empty' })
  @MaxLength(20000)
  content!: string;
}

/** P10 (default sortBy=startTime:desc). */
export class ConversationPageQueryDto extends PageQueryDto {}

export class MessageResponse {
  @ApiProperty({ format: 'uuid' }) _id!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: MESSAGE_ROLES }) role!: string;
  @ApiProperty() content!: string;
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiProperty({ example: 'text' }) messageType!: string;
  @ApiProperty({ type: Object }) metadata!: Record<string, unknown>;
  @ApiProperty({ description: 'order within the conversation (1, 2, …)' }) seq!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class SentimentIndicatorsResponse {
  @ApiProperty({ type: [String] }) positive!: string[];
  @ApiProperty({ type: [String] }) negative!: string[];
}

/** SentimentAnalysis (contract §2.14) of an analysed call. */
export class SentimentAnalysisResponse {
  @ApiProperty({ enum: ['positive', 'negative', 'neutral', 'mixed'] }) overallSentiment!: string;
  @ApiProperty({ minimum: -1, maximum: 1 }) sentimentScore!: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) confidence!: number;
  @ApiPropertyOptional() patientMood?: string;
  @ApiPropertyOptional({ type: [String] }) keyEmotions?: string[];
  @ApiPropertyOptional({ enum: ['low', 'medium', 'high'] }) concernLevel?: string;
  @ApiPropertyOptional({ type: SentimentIndicatorsResponse }) satisfactionIndicators?: SentimentIndicatorsResponse;
  @ApiPropertyOptional() summary?: string;
  @ApiPropertyOptional() recommendations?: string;
  @ApiProperty({ description: 'true when the local analyzer produced it (no LLM)' }) fallback!: boolean;
}

/** ConversationDTO plus `_id` and `patient`; staff answers omit `cost` (contract §1.9). */
export class ConversationResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) _id!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ format: 'uuid' }) patient!: string;
  @ApiPropertyOptional() callSid?: string;
  @ApiProperty({ nullable: true, type: String }) lineItemId!: string | null;
  @ApiProperty({ type: [MessageResponse] }) messages!: MessageResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'call summary' }) summary!: string | null;
  @ApiPropertyOptional({ description: 'same as summary (older readers)' }) history?: string;
  @ApiProperty({ type: Object }) analyzedData!: Record<string, unknown>;
  @ApiProperty({ type: Object }) metadata!: Record<string, unknown>;
  @ApiProperty({ enum: CONVERSATION_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) startTime!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) endTime!: string | null;
  @ApiProperty({ description: 'seconds' }) duration!: number;
  @ApiProperty({ enum: CALL_STATUSES }) callStatus!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) callStartTime!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) callEndTime!: string | null;
  @ApiProperty() callDuration!: number;
  @ApiProperty({ nullable: true, enum: CALL_OUTCOMES }) callOutcome!: string | null;
  @ApiProperty() callNotes!: string;
  @ApiPropertyOptional({ format: 'uuid' }) agentId?: string;
  @ApiProperty({ nullable: true, type: SentimentAnalysisResponse, description: 'null until the call is analysed' })
  sentiment!: SentimentAnalysisResponse | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) sentimentAnalyzedAt!: string | null;
  @ApiPropertyOptional({ description: 'USD; orgAdmin only' }) cost?: number;
}

export class ConversationPageResponse {
  @ApiProperty({ type: [ConversationResponse] }) results!: ConversationResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() totalPages!: number;
  @ApiProperty() totalResults!: number;
}
