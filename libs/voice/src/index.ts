// Public door of @app/voice: media (G.711, RTP, jitter buffer, pacing, ports, RTP endpoint),
// the Asterisk ARI client, the OpenAI Realtime client, the live risk detector, and the call
// session core (CallSession, its ports, and the Asterisk / Twilio telephony providers).
export * from './voice.module';
export * from './media/g711';
export * from './media/rtp';
export * from './media/jitter-buffer';
export * from './media/clock';
export * from './media/pacer';
export * from './media/port-pool';
export * from './media/rtp-endpoint';
export * from './asterisk/ari.types';
export * from './asterisk/circuit-breaker';
export * from './asterisk/ari-client';
export * from './realtime/realtime.types';
export * from './realtime/openai-realtime-client';
export * from './risk/risk-detector';
export { NEGATION_CUES, isNegated, type NegationCues } from './risk/negation';
export * from './call/ports';
export * from './call/scheduler';
export * from './call/instructions';
export * from './call/call-session';
export * from './call/call-session.factory';
export * from './telephony/telephony';
export {
  AsteriskTelephony,
  createAsteriskTelephony,
  type AsteriskTelephonyOptions,
  type AsteriskCallIds,
  type InboundAsteriskCall,
} from './telephony/asterisk-telephony';
export { TwilioMediaTelephony, type TwilioMediaTelephonyOptions, type TwilioCallStatus } from './telephony/twilio-media-telephony';
