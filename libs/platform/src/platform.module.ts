import { Global, Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { RequestContextMiddleware } from './context/request-context.middleware';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { QueueModule } from './queue/queue.module';
import { RealtimeModule } from './realtime/realtime.module';
import { RedisModule } from './redis/redis.module';
import { Clock } from './clock';
import { AvatarStorage } from './http/avatar.storage';
import { FieldCipher } from './crypto/field-cipher';

/** Infrastructure every domain relies on; imported once by the composition roots. */
@Global()
@Module({})
export class PlatformModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(),
        DatabaseModule.forRoot(),
        RedisModule.forRoot(),
        QueueModule.forRoot(),
        RealtimeModule.forRoot({ gateway: config.hasRole('api') }),
        HealthModule,
      ],
      providers: [Clock, AvatarStorage, FieldCipher],
      exports: [Clock, AvatarStorage, FieldCipher],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }
}
