import { Module, type OnModuleInit } from '@nestjs/common';
import { QueueModule } from '@app/platform';
import { CaregiversModule } from '@app/caregivers';
import { NotificationsModule } from '@app/notifications';
import { OrgsModule } from '@app/orgs';
import { breachDeadlinesJob, breachDetectJob, BreachDetector } from './breach-detector.service';
import { BreachRepository } from './breach.repository';
import { BreachService } from './breach.service';
import { BreakGlassService } from './break-glass.service';
import { ComplianceAlertService } from './compliance-alert.service';
import { ComplianceController } from './compliance.controller';
import { EncryptedColumnRegistry, KeyRotationService, reencryptJob } from './key-rotation.service';

/** Breach detection (B1/B2), break-glass (Z6/Z7) and key rotation (D2). */
@Module({
  imports: [QueueModule.forFeature([breachDetectJob, breachDeadlinesJob, reencryptJob]), CaregiversModule, NotificationsModule, OrgsModule],
  controllers: [ComplianceController],
  providers: [
    BreachRepository,
    BreachService,
    BreachDetector,
    BreakGlassService,
    ComplianceAlertService,
    EncryptedColumnRegistry,
    KeyRotationService,
  ],
  exports: [EncryptedColumnRegistry, KeyRotationService, BreachDetector, BreakGlassService],
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
  }
}
