import { Logger } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer, type OnGatewayInit } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { serializeError } from '../logging/redaction';
import { RealtimePublisher } from './realtime.publisher';
import { SocketAuthRegistry } from './socket-auth.registry';
import { orgRoom, userRoom, type SocketPrincipal } from './realtime.types';

/**
 * Thin transport: authenticates at the handshake (auth payload, never the query string), joins
 * the principal's org and user rooms, and hands the server to the publisher. Domains never emit
 * through the gateway directly.
 */
@WebSocketGateway()
export class RealtimeGateway implements OnGatewayInit {
  private readonly logger = new Logger('RealtimeGateway');
  @WebSocketServer() server!: Server;

  constructor(
    private readonly auth: SocketAuthRegistry,
    private readonly publisher: RealtimePublisher,
  ) {}

  afterInit(server: Server): void {
    this.publisher.attach(server);
    server.use((socket: Socket, next) => {
      this.auth
        .authenticate({ auth: socket.handshake.auth, headers: socket.handshake.headers, address: socket.handshake.address })
        .then((principal) => {
          if (!principal) return next(new Error('unauthorized'));
          (socket.data as { principal?: SocketPrincipal }).principal = principal;
          void socket.join([userRoom(principal.userId), ...(principal.orgId ? [orgRoom(principal.orgId)] : [])]);
          next();
        })
        .catch((err: unknown) => {
          this.logger.warn({ msg: 'socket authentication failed', err: serializeError(err) });
          next(new Error('unauthorized'));
        });
    });
  }
}
