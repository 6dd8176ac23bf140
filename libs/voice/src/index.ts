// Public door of @app/voice: media (G.711, RTP, jitter buffer, pacing, ports, RTP endpoint),
// the Asterisk ARI client, the OpenAI Realtime client and the live risk detector.
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
