// Public door of @app/calls: the call workflow (§2.11), scheduled dispatch, inbound calls, Twilio
// webhooks, and the voice pipeline's ports over care records, billing and notifications.
// After each answered call the conversation's summary and sentiment are queued (@app/analysis).
export * from './calls.module';
export { CallService, END_CALL_CHANNEL, type PlaceCallInput } from './call.service';
export { CallDispatcher, SLOT_GRACE_MS, STALE_ATTEMPT_MS } from './call-dispatcher.service';
export { CallRunner, type InboundResult } from './call-runner.service';
export { CallRiskPorts, alertCategoryOf } from './call-risk';
export { telephonyKind, voiceUnavailableReason } from './telephony.provider';
export { twilioSignature, verifyTwilioSignature, connectStreamTwiml, mediaStreamUrl } from './twilio-voice.client';
export { callDispatches, type CallDispatchRow } from './calls.table';
export { CallDispatchRepository } from './call-dispatch.repository';
