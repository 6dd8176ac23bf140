import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { RedisServerProcess } from './redis-server-process';
import { RedisService, type RedisEndpoint } from './redis.service';

/** `REDIS_URL` when set; otherwise a private redis-server on a unix socket in DATA_DIR. */
export async function resolveRedisEndpoint(config: AppConfig): Promise<RedisEndpoint> {
  if (config.redisUrl) return { url: config.redisUrl, prefix: config.redisPrefix };
  const process = await RedisServerProcess.start(join(config.dataDir, 'redis'));
  return { url: process.url, prefix: config.redisPrefix, process: process.owned ? process : undefined };
}

@Global()
@Module({})
export class RedisModule {
  static forRoot(): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: RedisService,
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => {
            const service = new RedisService(await resolveRedisEndpoint(config));
            if (!(await service.waitUntilReady())) {
              new Logger('RedisModule').warn('Redis is not reachable yet; the process stays unready until it is');
            }
            return service;
          },
        },
      ],
      exports: [RedisService],
    };
  }
}
