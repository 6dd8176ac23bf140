import { Module, type OnModuleInit } from '@nestjs/common';
import { AccountExtensions } from '@app/auth';
import { CaregiversModule } from '@app/caregivers';
import { ConversationsModule } from '@app/conversations';
import { PatientExtensions, PatientsModule } from '@app/patients';
import { AlertController } from './alert.controller';
import { AlertRepository } from './alert.repository';
import { AlertService } from './alert.service';
import { EmergencyPhraseController } from './emergency-phrase.controller';
import { EmergencyPhraseEvents } from './emergency-phrase.events';
import { EmergencyPhraseRepository } from './emergency-phrase.repository';
import { EmergencyPhraseService } from './emergency-phrase.service';

/**
 * Emergency: alerts (list, read state, `raise` for the detector) and emergency phrases (defaults +
 * per-org CRUD, `phraseSet` for the detector). Alerts live here, next to what raises them.
 */
@Module({
  imports: [PatientsModule, ConversationsModule, CaregiversModule],
  controllers: [AlertController, EmergencyPhraseController],
  providers: [AlertRepository, AlertService, EmergencyPhraseRepository, EmergencyPhraseService, EmergencyPhraseEvents],
  exports: [AlertService, EmergencyPhraseService, EmergencyPhraseEvents],
})
export class EmergencyModule implements OnModuleInit {
  constructor(
    private readonly accounts: AccountExtensions,
    private readonly patientExtensions: PatientExtensions,
    private readonly alerts: AlertService,
    private readonly phrases: EmergencyPhraseService,
  ) {}

  onModuleInit(): void {
    this.accounts.register({
      loginData: async (actor) => ({ alerts: await this.alerts.unreadFor(actor) }),
      onOrgDeleted: (orgId, tx) => this.phrases.deleteOfOrg(orgId, tx),
    });
    this.patientExtensions.register({
      onPatientsDeleted: (orgId, patientIds, tx) => this.alerts.deleteOfPatients(orgId, patientIds, tx),
    });
  }
}
