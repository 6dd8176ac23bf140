// Public door of @app/conversations: calls and their ordered messages (PHI, encrypted).
//
// For the voice pipeline: ConversationService.start({orgId, patientId, provider, callSid, ...}),
// appendMessage(orgId, conversationId, {role, content, messageType}) (ordered by a per-conversation
// sequence under a row lock), updateCall(orgId, id, {status, callStatus, callOutcome, times,
// duration, usage, costCents, ...}), setSummary(orgId, id, text), findByCallSid(provider, sid).
// For analysis: ofPatientsBetween(orgId, patientIds, from, to) → decrypted messages in order;
// ConversationExtensions.registerSentiments(lookup) fills `sentiment` in conversation answers.
export * from './conversations.module';
export {
  ConversationService,
  CONVERSATION_NOT_FOUND,
  type ConversationMessage,
  type ConversationWithMessages,
  type CallUpdate,
} from './conversation.service';
export {
  CONVERSATION_STATUSES,
  CALL_STATUSES,
  CALL_OUTCOMES,
  MESSAGE_ROLES,
  type ConversationRow,
  type ConversationStatus,
  type CallStatus,
  type CallOutcome,
  type MessageRole,
  type CallUsage,
} from './conversation.table';
export { ConversationResponse, SentimentAnalysisResponse } from './conversation.dto';
export { ConversationExtensions, type ConversationSentiment, type SentimentLookup, type StoredSentiment } from './conversation-extensions';
