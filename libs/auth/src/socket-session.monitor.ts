import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, Clock, RealtimePublisher, serializeError } from '@app/platform';
import { SessionRepository } from './session.repository';
import { SessionStore } from './session.store';

/** How often each instance looks for sockets whose session went idle (bounds the overshoot past the idle timeout). */
export const SOCKET_SWEEP_INTERVAL_MS = 30_000;

/**
 * Server-side idle timeout for sockets (security.md S3): a socket's session stays alive only
 * through user-initiated HTTP requests and socket events, never heartbeats. Each instance sweeps
 * its own sockets on a timer; a socket whose session is idle (or ended otherwise) gets
 * `session.revoked` with the reason (`session_idle`, `session_expired`, `revoked`) and is
 * disconnected. Time comes from the Clock, so tests advance it and call `sweepIdleSockets()`.
 */
@Injectable()
export class SocketSessionMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SocketSessionMonitor');
  private timer: NodeJS.Timeout | undefined;
  private readonly idleMs: number;

  constructor(
    config: AppConfig,
    private readonly clock: Clock,
    private readonly store: SessionStore,
    private readonly sessions: SessionRepository,
    private readonly realtime: RealtimePublisher,
  ) {
    this.idleMs = config.sessionIdleMinutes * 60_000;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweepIdleSockets().catch((err: unknown) => this.logger.warn({ msg: 'socket idle sweep failed', err: serializeError(err) }));
    }, SOCKET_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Disconnects this instance's sockets whose session is no longer live; returns how many sessions were ended. */
  async sweepIdleSockets(): Promise<number> {
    const sessionIds = await this.realtime.localSessionIds();
    if (sessionIds.length === 0) return 0;
    const states = await this.store.peek(sessionIds, this.clock.now().getTime(), this.idleMs);
    let ended = 0;
    for (const [sessionId, state] of states) {
      if (state.status === 'ok') continue;
      // Read-only on the live state: the next HTTP request still answers 401 `SessionIdle`.
      if (state.status === 'idle') await this.sessions.revokeSession(sessionId, 'idle');
      const reason = state.status === 'idle' ? 'session_idle' : state.status === 'expired' ? 'session_expired' : 'revoked';
      this.realtime.disconnectSession(sessionId, reason);
      ended += 1;
    }
    return ended;
  }
}
