import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsUUID } from 'class-validator';
import { OneOf, OptionalString } from '@app/auth';
import { W3_STATUS_MAP } from './call.service';

export const END_OUTCOMES = ['answered', 'no_answer', 'busy', 'failed', 'voicemail'] as const;

export class InitiateCallDto {
  @ApiProperty({ format: 'uuid' })
  @IsDefined({ message: '"patientId" is required' })
  @IsUUID('all', { message: '"patientId" must be a valid id' })
  patientId!: string;

  @OptionalString('callNotes', { maxLength: 500, description: 'Why this call is placed (kept with the request, not spoken)' })
  callNotes?: string;
}

export class CallStatusDto {
  @OneOf('status', Object.keys(W3_STATUS_MAP))
  status!: keyof typeof W3_STATUS_MAP;

  @OneOf('outcome', END_OUTCOMES, false)
  outcome?: (typeof END_OUTCOMES)[number];

  @OptionalString('notes', { maxLength: 500 })
  notes?: string;
}

export class EndCallDto {
  @OneOf('outcome', END_OUTCOMES)
  outcome!: (typeof END_OUTCOMES)[number];

  @OptionalString('notes', { maxLength: 500 })
  notes?: string;
}

export class InitiateCallResponse {
  @ApiProperty({ format: 'uuid' }) conversationId!: string;
  @ApiPropertyOptional({ nullable: true, description: 'The carrier call id once known (poll W2)' }) callSid!: string | null;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty() patientName!: string;
  @ApiProperty() patientPhone!: string;
  @ApiProperty({ format: 'uuid' }) agentId!: string;
  @ApiPropertyOptional({ nullable: true }) agentName!: string | null;
  @ApiProperty({ example: 'in-progress', description: 'What the client reads' }) status!: string;
  @ApiProperty({ example: 'in-progress', description: 'The earlier backend’s field, kept for compatibility' }) callStatus!: string;
}

export class CallDataResponse {
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
}

export class ActiveCallsResponse {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) data!: Record<string, unknown>[];
  @ApiProperty() count!: number;
}
