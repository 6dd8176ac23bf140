import { Module, type DynamicModule } from '@nestjs/common';
import { AnalysisModule } from '@app/analysis';
import { AuditModule } from '@app/audit';
import { AuthModule } from '@app/auth';
import { BillingModule } from '@app/billing';
import { CallsModule } from '@app/calls';
import { ComplianceModule } from '@app/compliance';
import { ConversationsModule } from '@app/conversations';
import { EmergencyModule } from '@app/emergency';
import { OrgsModule } from '@app/orgs';
import { PatientsModule } from '@app/patients';
import { PlatformModule, type AppConfig } from '@app/platform';
import { SchedulesModule } from '@app/schedules';

/**
 * The composition root's module graph. Every process loads the same domain modules (so job and
 * route wiring is validated everywhere); the roles decide what runs: `api` mounts the socket
 * gateway, `worker` starts BullMQ workers, `voice` takes calls.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config),
        AuditModule,
        OrgsModule,
        AuthModule.forRoot(config),
        PatientsModule,
        SchedulesModule,
        ConversationsModule,
        EmergencyModule,
        AnalysisModule,
        BillingModule,
        CallsModule,
        ComplianceModule,
      ],
    };
  }
}
