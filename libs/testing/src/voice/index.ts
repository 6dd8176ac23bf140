// Protocol fakes and deterministic time for the voice pipeline (libs/voice).
export * from './fake-clock';
export * from './fake-asterisk';
export * from './fake-openai-realtime';
export * from './fake-twilio-media-stream';
export * from './in-memory-call-ports';
export * from './voice-call-harness';
