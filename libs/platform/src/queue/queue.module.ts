import { Global, Module, type DynamicModule, type OnModuleInit, Inject } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRegistry } from './job-registry';
import type { JobDefinition } from './jobs';
import { QueueService } from './queue.service';
import { WorkerHost } from './worker-host';

const FEATURE_JOBS = Symbol('FEATURE_JOBS');

@Global()
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    return {
      module: QueueModule,
      imports: [DiscoveryModule],
      providers: [JobRegistry, QueueService, WorkerHost],
      exports: [JobRegistry, QueueService],
    };
  }

  /** A domain module declares its jobs: `imports: [QueueModule.forFeature([dispatchCallJob])]`. */
  static forFeature(definitions: readonly JobDefinition[]): DynamicModule {
    return {
      module: QueueFeatureModule,
      providers: [{ provide: FEATURE_JOBS, useValue: definitions }],
    };
  }
}

@Module({})
class QueueFeatureModule implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    @Inject(FEATURE_JOBS) private readonly definitions: readonly JobDefinition[],
  ) {}

  onModuleInit(): void {
    this.registry.register(this.definitions);
  }
}
