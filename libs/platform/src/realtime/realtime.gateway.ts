import { Logger } from '@nestjs/common';
import { WebSocketGateway, WebSocketServer, type OnGatewayInit } from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { serializeError } from '../logging/redaction';
import { RealtimePublisher } from './realtime.publisher';
import { SocketAuthRegistry } from './socket-auth.registry';
import { orgRoom, sessionRoom, userRoom, type SocketPrincipal } from './realtime.types';

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
          void socket.join([
            userRoom(principal.userId),
            ...(principal.orgId ? [orgRoom(principal.orgId)] : []),
            ...(principal.sessionId ? [sessionRoom(principal.sessionId)] : []),
          ]);
          this.trackActivity(socket, principal);
          next();
        })
        .catch((err: unknown) => {
          this.logger.warn({ msg: 'socket authentication failed', err: serializeError(err) });
          next(new Error('unauthorized'));
        });
    });
  }

  /**
   * Every event the client emits is user activity: it slides the session's idle window, and an
   * event on a session that has ended (idle, revoked) is dropped and the socket closed. Engine.io
   * heartbeats never pass through here, so they keep nothing alive.
   */
  private trackActivity(socket: Socket, principal: SocketPrincipal): void {
    socket.use((_packet, next) => {
      this.auth
        .activity(principal)
        .then((activity) => {
          if (activity.alive) return next();
          socket.emit('session.revoked', { reason: activity.reason });
          socket.disconnect(true);
        })
        .catch((err: unknown) => {
          // Fail closed: the event is dropped (the client may retry), the socket stays.
          this.logger.warn({ msg: 'socket activity check failed', err: serializeError(err) });
        });
    });
  }
}
