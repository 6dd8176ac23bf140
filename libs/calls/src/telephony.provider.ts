import { Logger, type Provider } from '@nestjs/common';
import { AppConfig } from '@app/platform';
import {
  PlayoutPacer,
  RtpPortPool,
  TELEPHONY_PROVIDER,
  TwilioMediaTelephony,
  createAsteriskTelephony,
  type CallLeg,
  type CallLegEvents,
  type DialRequest,
  type TelephonyProvider,
} from '@app/voice';
import { TwilioVoiceClient } from './twilio-voice.client';

/** Which telephony provider the settings enable: Asterisk when ARI_URL is set, else Twilio, else none. */
export function telephonyKind(config: AppConfig): 'asterisk' | 'twilio' | undefined {
  if (config.ari.url && config.ari.username && config.ari.password) return 'asterisk';
  const { accountSid, authToken, fromNumber } = config.twilio;
  if (accountSid && authToken && fromNumber) return 'twilio';
  return undefined;
}

/** Why calls cannot be placed right now (503 message), or undefined when they can. */
export function voiceUnavailableReason(config: AppConfig): string | undefined {
  if (!telephonyKind(config))
    return 'Calling is not configured: set ARI_URL/ARI_USERNAME/ARI_PASSWORD (Asterisk) or TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN/TWILIO_FROM_NUMBER (Twilio)';
  if (!config.openai.apiKey) return 'The AI voice is not configured: set OPENAI_API_KEY';
  return undefined;
}

/** Stands in when no provider is configured: every dial fails at once (the API answers 503 before). */
class NoTelephony implements TelephonyProvider {
  readonly name = 'asterisk' as const;
  dial(request: DialRequest, events: CallLegEvents): CallLeg {
    queueMicrotask(() => events.ended('failed', 'dial_failed'));
    return {
      callId: request.callId,
      play: () => 0,
      flush: () => ({ itemId: undefined, playedMs: 0, discardedMs: 0 }),
      isPlaying: false,
      queuedMs: 0,
      mark: () => undefined,
      hangup: () => Promise.resolve(),
    };
  }
}

export const TWILIO_VOICE_CLIENT = Symbol('TwilioVoiceClient');

export const telephonyProviders: Provider[] = [
  {
    provide: TWILIO_VOICE_CLIENT,
    inject: [AppConfig],
    useFactory: (config: AppConfig): TwilioVoiceClient | undefined => {
      if (telephonyKind(config) !== 'twilio') return undefined;
      const { accountSid, authToken, fromNumber, apiBaseUrl } = config.twilio;
      return new TwilioVoiceClient({
        accountSid: accountSid as string,
        authToken: authToken as string,
        fromNumber: fromNumber as string,
        apiBaseUrl,
        publicUrl: config.publicUrl,
      });
    },
  },
  {
    provide: TELEPHONY_PROVIDER,
    inject: [AppConfig, PlayoutPacer, RtpPortPool, TWILIO_VOICE_CLIENT],
    useFactory: (config: AppConfig, pacer: PlayoutPacer, pool: RtpPortPool, twilio: TwilioVoiceClient | undefined): TelephonyProvider => {
      const logger = new Logger('Telephony');
      const onError = (error: Error): void => logger.warn(error.message);
      switch (telephonyKind(config)) {
        case 'asterisk':
          return createAsteriskTelephony(config, { pool, pacer }, onError);
        case 'twilio': {
          const client = twilio as TwilioVoiceClient;
          return new TwilioMediaTelephony({
            pacer,
            placeCall: (request) => client.createCall(request.callId, request.phoneNumber),
            endCall: (callSid) => client.endCall(callSid),
            onError,
          });
        }
        case undefined:
          return new NoTelephony();
      }
    },
  },
];
