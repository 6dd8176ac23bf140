import { Module, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@app/platform';
import { PlayoutPacer } from './media/pacer';
import { RtpPortPool } from './media/port-pool';

/**
 * Voice pipeline foundations as providers: the ONE shared playout pacer and the RTP port pool
 * (RTP_PORT_MIN..MAX). Per-call objects (RtpEndpoint, OpenAIRealtimeClient, RiskScanner) are
 * built by the call session from these; the ARI client (one per voice process) is created where
 * the telephony provider is wired, from AppConfig.ari.
 */
@Module({
  providers: [
    { provide: PlayoutPacer, useFactory: (): PlayoutPacer => new PlayoutPacer() },
    {
      provide: RtpPortPool,
      inject: [AppConfig],
      useFactory: (config: AppConfig): RtpPortPool => new RtpPortPool({ min: config.rtp.portMin, max: config.rtp.portMax }),
    },
  ],
  exports: [PlayoutPacer, RtpPortPool],
})
export class VoiceModule implements OnModuleDestroy {
  constructor(private readonly pacer: PlayoutPacer) {}

  onModuleDestroy(): void {
    this.pacer.close();
  }
}
