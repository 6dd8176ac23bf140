import { Global, Module } from '@nestjs/common';
import { QueueModule } from '@app/platform';
import { AuditChainRepository } from './audit-chain.repository';
import { AuditController } from './audit.controller';
import { AuditQueryService } from './audit-query.service';
import { AuditReadRepository } from './audit-read.repository';
import { AuditEntryRepository } from './audit-entry.repository';
import { AuditSealer, sealAuditJob } from './audit-sealer.service';
import { AuditService } from './audit.service';
import { AuditVerifier } from './audit-verifier';
import { AuditPruner } from './audit-pruner.service';

/** Global: every domain records audit entries through `AuditService` without importing this. */
@Global()
@Module({
  imports: [QueueModule.forFeature([sealAuditJob])],
  controllers: [AuditController],
  providers: [
    AuditEntryRepository,
    AuditChainRepository,
    AuditReadRepository,
    AuditService,
    AuditSealer,
    AuditVerifier,
    AuditQueryService,
    AuditPruner,
  ],
  exports: [AuditService, AuditSealer, AuditVerifier, AuditPruner],
})
export class AuditModule {}
