import { Module } from '@nestjs/common';
import { AnalysisModule } from '@app/analysis';
import { BillingModule } from '@app/billing';
import { CaregiversModule } from '@app/caregivers';
import { ConversationsModule } from '@app/conversations';
import { EmergencyModule } from '@app/emergency';
import { NotificationsModule } from '@app/notifications';
import { OrgsModule } from '@app/orgs';
import { PatientsModule } from '@app/patients';
import { AppConfig, QueueModule } from '@app/platform';
import { SchedulesModule } from '@app/schedules';
import {
  CALL_CONTEXT_SOURCE,
  CALL_EVENT_SINK,
  CallSessionFactory,
  REALTIME_CLIENT_FACTORY,
  RISK_DETECTOR_SOURCE,
  RISK_SINK,
  TRANSCRIPT_SINK,
  VoiceModule,
  realtimeClientFactory,
} from '@app/voice';
import { CallAudience } from './call-audience';
import { CareCallContextSource } from './call-context.source';
import { CallDirectory } from './call-directory';
import { CallDispatchRepository } from './call-dispatch.repository';
import { CallDispatcher } from './call-dispatcher.service';
import { CALL_JOBS } from './call-jobs';
import { CallRecorder } from './call-recorder';
import { CallRiskPorts } from './call-risk';
import { CallRunner } from './call-runner.service';
import { CallController } from './call.controller';
import { CallService } from './call.service';
import { telephonyProviders } from './telephony.provider';
import { TwilioController } from './twilio.controller';
import { TwilioMediaServer } from './twilio-media.server';

/**
 * Calls: the §2.11 workflow, scheduled dispatch with retries and missed check-in alerts, inbound
 * calls, Twilio webhooks and media socket — and the voice pipeline's ports implemented over care
 * records (context, transcripts, call events, risk → alerts), billing and notifications.
 */
@Module({
  imports: [
    VoiceModule,
    OrgsModule,
    CaregiversModule,
    PatientsModule,
    SchedulesModule,
    ConversationsModule,
    EmergencyModule,
    BillingModule,
    AnalysisModule,
    NotificationsModule,
    QueueModule.forFeature(CALL_JOBS),
  ],
  controllers: [CallController, TwilioController],
  providers: [
    ...telephonyProviders,
    CallDispatchRepository,
    CallDirectory,
    CallAudience,
    CareCallContextSource,
    CallRecorder,
    CallRiskPorts,
    { provide: CALL_CONTEXT_SOURCE, useExisting: CareCallContextSource },
    { provide: TRANSCRIPT_SINK, useExisting: CallRecorder },
    { provide: CALL_EVENT_SINK, useExisting: CallRecorder },
    { provide: RISK_SINK, useExisting: CallRiskPorts },
    { provide: RISK_DETECTOR_SOURCE, useExisting: CallRiskPorts },
    { provide: REALTIME_CLIENT_FACTORY, inject: [AppConfig], useFactory: realtimeClientFactory },
    CallSessionFactory,
    CallService,
    CallRunner,
    CallDispatcher,
    TwilioMediaServer,
  ],
  exports: [CallService, CallSessionFactory, CallRiskPorts, CallDispatcher, CallRunner, CallDispatchRepository],
})
export class CallsModule {}
