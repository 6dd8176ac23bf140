import { Global, Module, type DynamicModule } from '@nestjs/common';
import { RealtimeGateway } from './realtime.gateway';
import { RealtimePublisher } from './realtime.publisher';
import { SocketAuthRegistry } from './socket-auth.registry';

@Global()
@Module({})
export class RealtimeModule {
  /** The gateway (and so the socket server) exists only in processes with the `api` role. */
  static forRoot(options: { gateway: boolean }): DynamicModule {
    return {
      module: RealtimeModule,
      providers: [SocketAuthRegistry, RealtimePublisher, ...(options.gateway ? [RealtimeGateway] : [])],
      exports: [SocketAuthRegistry, RealtimePublisher],
    };
  }
}
