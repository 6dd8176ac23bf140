/**
 * The OpenAI Realtime GA protocol events the voice pipeline sends and handles (a subset of
 * openai 6.49 `resources/realtime`; the spec checks at compile time that every client event here
 * is a valid SDK `RealtimeClientEvent`). Server events of other types are ignored.
 */

export type RealtimeAudioFormat = { type: 'audio/pcmu' } | { type: 'audio/pcma' } | { type: 'audio/pcm'; rate: 24000 };

export interface RealtimeServerVad {
  type: 'server_vad';
  threshold?: number;
  prefix_padding_ms?: number;
  silence_duration_ms?: number;
  create_response?: boolean;
  interrupt_response?: boolean;
  idle_timeout_ms?: number | null;
}

export interface RealtimeSemanticVad {
  type: 'semantic_vad';
  eagerness?: 'low' | 'medium' | 'high' | 'auto';
  create_response?: boolean;
  interrupt_response?: boolean;
}

export interface RealtimeFunctionTool {
  type: 'function';
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters?: Record<string, unknown>;
}

export interface RealtimeSessionConfig {
  type: 'realtime';
  model?: string;
  instructions?: string;
  output_modalities?: Array<'audio' | 'text'>;
  audio?: {
    input?: {
      format?: RealtimeAudioFormat;
      transcription?: { model?: string; language?: string; prompt?: string };
      turn_detection?: RealtimeServerVad | RealtimeSemanticVad | null;
      noise_reduction?: { type?: 'near_field' | 'far_field' };
    };
    output?: { format?: RealtimeAudioFormat; voice?: string; speed?: number };
  };
  tools?: RealtimeFunctionTool[];
  tool_choice?: 'auto' | 'none' | 'required';
  max_output_tokens?: number | 'inf';
}

export type RealtimeInputItem =
  | { type: 'message'; role: 'system'; content: Array<{ type: 'input_text'; text: string }>; id?: string }
  | { type: 'message'; role: 'user'; content: Array<{ type: 'input_text'; text: string }>; id?: string }
  | { type: 'message'; role: 'assistant'; content: Array<{ type: 'output_text'; text: string }>; id?: string }
  | { type: 'function_call_output'; call_id: string; output: string; id?: string };

// ---- client events -----------------------------------------------------------------------------

export interface SessionUpdateEvent {
  type: 'session.update';
  session: RealtimeSessionConfig;
  event_id?: string;
}
export interface InputAudioBufferAppendEvent {
  type: 'input_audio_buffer.append';
  /** Base64 of µ-law bytes (the session's input format). */
  audio: string;
  event_id?: string;
}
export interface InputAudioBufferClearEvent {
  type: 'input_audio_buffer.clear';
  event_id?: string;
}
export interface ResponseCreateEvent {
  type: 'response.create';
  response?: {
    instructions?: string;
    output_modalities?: Array<'audio' | 'text'>;
    tool_choice?: 'auto' | 'none' | 'required';
    metadata?: Record<string, string>;
  };
  event_id?: string;
}
export interface ResponseCancelEvent {
  type: 'response.cancel';
  response_id?: string;
  event_id?: string;
}
export interface ConversationItemCreateEvent {
  type: 'conversation.item.create';
  item: RealtimeInputItem;
  previous_item_id?: string;
  event_id?: string;
}
export interface ConversationItemTruncateEvent {
  type: 'conversation.item.truncate';
  item_id: string;
  content_index: number;
  /** Audio of the item actually played to the user, ms. */
  audio_end_ms: number;
  event_id?: string;
}

export type RealtimeClientEvent =
  | SessionUpdateEvent
  | InputAudioBufferAppendEvent
  | InputAudioBufferClearEvent
  | ResponseCreateEvent
  | ResponseCancelEvent
  | ConversationItemCreateEvent
  | ConversationItemTruncateEvent;

// ---- server events -----------------------------------------------------------------------------

interface ServerBase {
  event_id: string;
}

export interface RealtimeUsage {
  total_tokens?: number;
  input_tokens?: number;
  output_tokens?: number;
  input_token_details?: { audio_tokens?: number; text_tokens?: number; cached_tokens?: number };
  output_token_details?: { audio_tokens?: number; text_tokens?: number };
}

export interface RealtimeResponseSummary {
  id?: string;
  status?: 'completed' | 'cancelled' | 'failed' | 'incomplete' | 'in_progress';
  status_details?: { type?: string; reason?: string; error?: { type?: string; code?: string } | null } | null;
  output?: Array<{ id?: string; type: string; name?: string; call_id?: string; arguments?: string; role?: string }>;
  usage?: RealtimeUsage;
}

export interface SessionCreatedEvent extends ServerBase {
  type: 'session.created';
  session: RealtimeSessionConfig & { id?: string };
}
export interface SessionUpdatedEvent extends ServerBase {
  type: 'session.updated';
  session: RealtimeSessionConfig & { id?: string };
}
export interface SpeechStartedEvent extends ServerBase {
  type: 'input_audio_buffer.speech_started';
  audio_start_ms: number;
  item_id: string;
}
export interface SpeechStoppedEvent extends ServerBase {
  type: 'input_audio_buffer.speech_stopped';
  audio_end_ms: number;
  item_id: string;
}
export interface InputAudioBufferCommittedEvent extends ServerBase {
  type: 'input_audio_buffer.committed';
  item_id: string;
  previous_item_id?: string | null;
}
export interface InputTranscriptionDeltaEvent extends ServerBase {
  type: 'conversation.item.input_audio_transcription.delta';
  item_id: string;
  content_index?: number;
  delta?: string;
}
export interface InputTranscriptionCompletedEvent extends ServerBase {
  type: 'conversation.item.input_audio_transcription.completed';
  item_id: string;
  content_index: number;
  transcript: string;
  usage?: { type: 'duration'; seconds: number } | { type: 'tokens'; input_tokens: number; output_tokens: number; total_tokens: number };
}
export interface InputTranscriptionFailedEvent extends ServerBase {
  type: 'conversation.item.input_audio_transcription.failed';
  item_id: string;
  content_index: number;
  error: { type?: string; code?: string; message?: string };
}
export interface ResponseCreatedEvent extends ServerBase {
  type: 'response.created';
  response: RealtimeResponseSummary;
}
export interface ResponseOutputAudioDeltaEvent extends ServerBase {
  type: 'response.output_audio.delta';
  response_id: string;
  item_id: string;
  output_index: number;
  content_index: number;
  /** Base64 of µ-law bytes (the session's output format). */
  delta: string;
}
export interface ResponseOutputAudioDoneEvent extends ServerBase {
  type: 'response.output_audio.done';
  response_id: string;
  item_id: string;
  output_index: number;
  content_index: number;
}
export interface ResponseOutputAudioTranscriptDeltaEvent extends ServerBase {
  type: 'response.output_audio_transcript.delta';
  response_id: string;
  item_id: string;
  output_index: number;
  content_index: number;
  delta: string;
}
export interface ResponseOutputAudioTranscriptDoneEvent extends ServerBase {
  type: 'response.output_audio_transcript.done';
  response_id: string;
  item_id: string;
  output_index: number;
  content_index: number;
  transcript: string;
}
export interface ResponseFunctionCallArgumentsDoneEvent extends ServerBase {
  type: 'response.function_call_arguments.done';
  response_id: string;
  item_id: string;
  output_index: number;
  call_id: string;
  name: string;
  /** JSON text of the arguments. */
  arguments: string;
}
export interface ResponseDoneEvent extends ServerBase {
  type: 'response.done';
  response: RealtimeResponseSummary;
}
export interface ConversationItemTruncatedEvent extends ServerBase {
  type: 'conversation.item.truncated';
  item_id: string;
  content_index: number;
  audio_end_ms: number;
}
export interface RealtimeErrorEvent extends ServerBase {
  type: 'error';
  error: { type: string; code?: string | null; message: string; param?: string | null; event_id?: string | null };
}

export type RealtimeServerEvent =
  | SessionCreatedEvent
  | SessionUpdatedEvent
  | SpeechStartedEvent
  | SpeechStoppedEvent
  | InputAudioBufferCommittedEvent
  | InputTranscriptionDeltaEvent
  | InputTranscriptionCompletedEvent
  | InputTranscriptionFailedEvent
  | ResponseCreatedEvent
  | ResponseOutputAudioDeltaEvent
  | ResponseOutputAudioDoneEvent
  | ResponseOutputAudioTranscriptDeltaEvent
  | ResponseOutputAudioTranscriptDoneEvent
  | ResponseFunctionCallArgumentsDoneEvent
  | ResponseDoneEvent
  | ConversationItemTruncatedEvent
  | RealtimeErrorEvent;

export type RealtimeServerEventType = RealtimeServerEvent['type'];

export const REALTIME_SERVER_EVENT_TYPES: ReadonlySet<string> = new Set<RealtimeServerEventType>([
  'session.created',
  'session.updated',
  'input_audio_buffer.speech_started',
  'input_audio_buffer.speech_stopped',
  'input_audio_buffer.committed',
  'conversation.item.input_audio_transcription.delta',
  'conversation.item.input_audio_transcription.completed',
  'conversation.item.input_audio_transcription.failed',
  'response.created',
  'response.output_audio.delta',
  'response.output_audio.done',
  'response.output_audio_transcript.delta',
  'response.output_audio_transcript.done',
  'response.function_call_arguments.done',
  'response.done',
  'conversation.item.truncated',
  'error',
]);
