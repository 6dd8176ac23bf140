import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { createSocketIoAdapter } from './realtime.publisher';

/** Socket.io on the HTTP server, CORS from CORS_ORIGINS, fanned out across instances via Redis. */
export class RedisIoAdapter extends IoAdapter {
  constructor(private readonly appContext: INestApplicationContext) {
    super(appContext);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const config = this.appContext.get(AppConfig);
    const redis = this.appContext.get(RedisService);
    const server = super.createIOServer(port, {
      ...options,
      cors: { origin: [...config.corsOrigins], credentials: false },
      maxHttpBufferSize: 100_000,
      allowRequest: (req, callback) => {
        // Browsers send Origin; non-browser clients (dashboards' servers, tests) may not.
        const origin = req.headers.origin;
        callback(null, !origin || config.corsOrigins.includes(origin));
      },
    } as ServerOptions);
    server.adapter(createSocketIoAdapter(redis));
    return server;
  }
}
