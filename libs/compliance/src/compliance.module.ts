import { Module, type OnModuleInit } from '@nestjs/common';
import { QueueModule } from '@app/platform';
import { AnalysisModule } from '@app/analysis';
import { CallsModule } from '@app/calls';
import { CaregiversModule } from '@app/caregivers';
import { NotificationsModule } from '@app/notifications';
import { ConversationsModule } from '@app/conversations';
import { OrgsModule } from '@app/orgs';
import { PatientsModule } from '@app/patients';
import { SchedulesModule } from '@app/schedules';
import { breachDeadlinesJob, breachDetectJob, BreachDetector } from './breach-detector.service';
import { BreachRepository } from './breach.repository';
import { BreachService } from './breach.service';
import { BreakGlassService } from './break-glass.service';
import { ComplianceAlertService } from './compliance-alert.service';
import { ComplianceController } from './compliance.controller';
import { EncryptedColumnRegistry, KeyRotationService, reencryptJob, type EncryptedColumnSet } from './key-rotation.service';
import { CorePrivacyContributors } from './privacy-core.contributors';
import { DomainPrivacyContributors } from './privacy-domain.contributors';
import { PrivacyContributors } from './privacy-contributors';
import { PrivacyController } from './privacy.controller';
import { PrivacyService } from './privacy.service';
import { RetentionService, retentionPurgeJob } from './retention.service';

const CORE_ENCRYPTED_COLUMNS: EncryptedColumnSet[] = [
  {
    table: 'patients',
    idColumn: 'id',
    orgColumn: 'org_id',
    columns: [
      { name: 'name' },
      { name: 'email' },
      { name: 'phone' },
      { name: 'preferred_name', context: 'preferredName' },
      { name: 'date_of_birth', context: 'dateOfBirth' },
      { name: 'address' },
      { name: 'notes' },
      { name: 'medications' },
      { name: 'conditions' },
    ],
  },
  { table: 'conversations', idColumn: 'id', orgColumn: 'org_id', columns: [{ name: 'summary' }] },
  { table: 'messages', idColumn: 'id', orgColumn: 'org_id', columns: [{ name: 'content' }] },
  { table: 'alerts', idColumn: 'id', orgColumn: 'org_id', columns: [{ name: 'message' }, { name: 'message_params' }] },
  {
    table: 'auth_mfa_factors',
    idColumn: 'caregiver_id',
    orgColumn: 'org_id',
    columns: [{ name: 'secret' }, { name: 'pending_secret' }],
  },
];

/**
 * Breach detection (B1/B2), break-glass (Z6/Z7), key rotation (D2), privacy (consent, data-subject
 * export/erasure through the PrivacyContributors registry) and retention (L6).
 */
@Module({
  imports: [
    QueueModule.forFeature([breachDetectJob, breachDeadlinesJob, reencryptJob, retentionPurgeJob]),
    CaregiversModule,
    NotificationsModule,
    OrgsModule,
    PatientsModule,
    SchedulesModule,
    ConversationsModule,
    AnalysisModule,
    CallsModule,
  ],
  controllers: [ComplianceController, PrivacyController],
  providers: [
    BreachRepository,
    BreachService,
    BreachDetector,
    BreakGlassService,
    ComplianceAlertService,
    EncryptedColumnRegistry,
    KeyRotationService,
    PrivacyContributors,
    CorePrivacyContributors,
    DomainPrivacyContributors,
    PrivacyService,
    RetentionService,
  ],
  exports: [
    EncryptedColumnRegistry,
    KeyRotationService,
    BreachDetector,
    BreakGlassService,
    PrivacyContributors,
    PrivacyService,
    RetentionService,
  ],
})
export class ComplianceModule implements OnModuleInit {
  constructor(private readonly registry: EncryptedColumnRegistry) {}

  onModuleInit(): void {
    this.registry.register({
      table: 'compliance_break_glass_grants',
      idColumn: 'id',
      orgColumn: 'org_id',
      columns: [{ name: 'reason_encrypted', context: 'reason' }],
    });
    // The FieldCipher columns of the domains below compliance (they cannot import it). Contexts
    // as their writers build them (patient columns use the camelCase field names).
    for (const set of CORE_ENCRYPTED_COLUMNS) this.registry.register(set);
  }
}
