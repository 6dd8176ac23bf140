import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { RedisService } from '../redis/redis.service';
import { withDeadline } from '../shutdown';
import { orgRoom, sessionRoom, userRoom, type RealtimeEventName, type RealtimeEvents, type SocketPrincipal } from './realtime.types';

/**
 * How domains push to dashboards: typed events to an org's or a user's room, across instances
 * through the Redis adapter. In the `api` role the gateway hands over its attached server; in
 * worker/voice-only processes a detached server (no HTTP) broadcasts through the same adapter.
 */
@Injectable()
export class RealtimePublisher implements OnApplicationShutdown {
  private server: Server | undefined;
  private detached: Server | undefined;

  constructor(private readonly redis: RedisService) {}

  attach(server: Server): void {
    this.server = server;
  }

  private io(): Server {
    if (this.server) return this.server;
    if (!this.detached) {
      this.detached = new Server();
      this.detached.adapter(createSocketIoAdapter(this.redis));
    }
    return this.detached;
  }

  toOrg<E extends RealtimeEventName>(orgId: string, event: E, payload: RealtimeEvents[E]): void {
    this.io().to(orgRoom(orgId)).emit(event, payload);
  }

  toUser<E extends RealtimeEventName>(userId: string, event: E, payload: RealtimeEvents[E]): void {
    this.io().to(userRoom(userId)).emit(event, payload);
  }

  /** Ends every socket of a user on every instance (logout, disable, role change). */
  disconnectUser(userId: string, reason: string): void {
    const room = this.io().in(userRoom(userId));
    room.emit('session.revoked', { reason });
    room.disconnectSockets(true);
  }

  /** Ends the sockets of one login session on every instance (its logout or revocation); the user's other sessions stay. */
  disconnectSession(sessionId: string, reason: string): void {
    const room = this.io().in(sessionRoom(sessionId));
    room.emit('session.revoked', { reason });
    room.disconnectSockets(true);
  }

  /** Session ids of the sockets connected to this instance (for idle sweeps); none outside the `api` role. */
  async localSessionIds(): Promise<string[]> {
    if (!this.server) return [];
    const sockets = await this.server.local.fetchSockets();
    const ids = sockets.map((s) => (s.data as { principal?: SocketPrincipal }).principal?.sessionId);
    return [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
  }

  /**
   * A detached server was never attached to an HTTP server (no engine): `Server.close()` would
   * throw on it, so only its adapter is closed (the Redis connections close with RedisService).
   */
  async onApplicationShutdown(): Promise<void> {
    const io = this.detached;
    this.detached = undefined;
    if (io)
      await withDeadline(
        Promise.resolve(io.of('/').adapter.close()).catch(() => undefined),
        3_000,
      );
  }
}

export function createSocketIoAdapter(redis: RedisService): ReturnType<typeof createAdapter> {
  const pub = redis.connect({ maxRetriesPerRequest: null });
  const sub = redis.connect({ maxRetriesPerRequest: null });
  return createAdapter(pub, sub, { key: redis.key('socket.io') });
}
