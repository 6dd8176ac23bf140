import { Injectable } from '@nestjs/common';
import type { SocketActivity, SocketAuthenticator, SocketHandshake, SocketPrincipal } from '@app/platform';
import { bearerToken } from './auth.guard';
import { SessionService } from './session.service';

/**
 * Socket.io handshakes carry the access token in the `auth` payload (`{token}` or
 * `{token: 'Bearer …'}`) or the Authorization header — never the query string. The session must
 * be live; the handshake does not slide the idle window, every event the client emits does (and
 * an event on an ended session closes the socket). Sockets join their session's room, so ending
 * one session closes only its sockets.
 */
@Injectable()
export class AccessTokenSocketAuthenticator implements SocketAuthenticator {
  constructor(private readonly sessions: SessionService) {}

  async authenticate(handshake: SocketHandshake): Promise<SocketPrincipal | null> {
    const raw = handshake.auth?.token;
    const token =
      typeof raw === 'string' ? (raw.startsWith('Bearer ') ? bearerToken(raw) : raw) : bearerToken(handshake.headers.authorization);
    if (!token) return null;
    try {
      const actor = await this.sessions.authenticate(token, false);
      if (actor.restriction) return null;
      return { userId: actor.id, orgId: actor.orgId, role: actor.role, sessionId: actor.sessionId };
    } catch {
      return null;
    }
  }

  async activity(principal: SocketPrincipal): Promise<SocketActivity> {
    if (!principal.sessionId) return { alive: false, reason: 'revoked' };
    return this.sessions.socketActivity(principal.sessionId, principal.userId);
  }
}
