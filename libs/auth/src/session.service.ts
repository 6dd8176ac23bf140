import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@app/audit';
import type { CaregiverRow, Role } from '@app/caregivers';
import {
  AppConfig,
  Clock,
  DatabaseService,
  NotFoundError,
  RealtimePublisher,
  RequestContext,
  ServiceUnavailableError,
  UnauthorizedError,
  type DbOrTx,
  type SocketActivity,
} from '@app/platform';
import { createHash, randomBytes } from 'node:crypto';
import { AccessTokenCodec, deriveAccessKey } from './access-token';
import type { AuthActor } from './actor';
import type { IssuedTokens } from './presenters';
import { REFRESH_GRACE_MS, RefreshGraceStore } from './refresh-grace.store';
import type { SessionResponse } from './session.dto';
import { SessionRepository } from './session.repository';
import { SessionStore, type SessionClient, type SessionState } from './session.store';
import type { authSessions } from './session.table';

/** Absolute session lifetime, whatever the activity (security.md S3). */
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
const REFRESH_PREFIX = 'rt_';

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export type SessionMethod = (typeof authSessions.$inferInsert)['method'];

/** Where the request that opened a session came from (session list); bounded, no PHI. */
function requestClient(): SessionClient {
  const ctx = RequestContext.current();
  return { userAgent: ctx?.userAgent?.slice(0, 256), ip: ctx?.ip?.slice(0, 64) };
}

export class SessionIdleError extends UnauthorizedError {
  constructor(maxIdleMinutes: number) {
    super('Session expired due to inactivity', 'SessionIdle', { reason: 'IDLE_TIMEOUT', maxIdleMinutes });
  }
}

/**
 * Sessions: issue (access JWT + opaque rotating refresh token), authenticate (JWT + live Redis
 * state: idle timeout, revocation, current role), refresh with reuse detection, and revocation
 * that reaches every instance on the next request and closes the user's sockets.
 */
@Injectable()
export class SessionService {
  private readonly logger = new Logger('SessionService');
  readonly codec: AccessTokenCodec;
  private readonly idleMs: number;

  constructor(
    config: AppConfig,
    private readonly database: DatabaseService,
    private readonly sessions: SessionRepository,
    private readonly store: SessionStore,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly realtime: RealtimePublisher,
    private readonly grace: RefreshGraceStore,
  ) {
    this.codec = new AccessTokenCodec(deriveAccessKey(config.jwtSecret));
    this.idleMs = config.sessionIdleMinutes * 60_000;
  }

  get idleMinutes(): number {
    return this.idleMs / 60_000;
  }

  /** Starts a session for an authenticated account and returns its first token pair. */
  async issue(
    caregiver: CaregiverRow,
    method: SessionMethod,
    options: { restriction?: SessionState['restriction'] } = {},
    tx?: DbOrTx,
  ): Promise<IssuedTokens> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
    const session = await this.sessions.insertSession({ caregiverId: caregiver.id, orgId: caregiver.orgId, method, expiresAt }, tx);
    const refresh = `${REFRESH_PREFIX}${randomBytes(32).toString('base64url')}`;
    await this.sessions.insertRefreshToken({ sessionId: session.id, tokenHash: sha256(refresh), expiresAt }, tx);
    await this.store.create(
      session.id,
      {
        userId: caregiver.id,
        orgId: caregiver.orgId,
        role: caregiver.role,
        emailVerified: caregiver.isEmailVerified,
        restriction: options.restriction ?? null,
      },
      now.getTime(),
      expiresAt.getTime(),
      requestClient(),
    );
    const access = this.codec.sign(caregiver.id, session.id, Math.floor(now.getTime() / 1000));
    return { access, refresh: { token: refresh, expires: Math.floor(expiresAt.getTime() / 1000) } };
  }

  /**
   * The actor behind a bearer token, or a 401. `touch` slides the idle window (user requests do;
   * socket heartbeats do not).
   */
  async authenticate(token: string | undefined, touch = true): Promise<AuthActor> {
    if (!token) throw new UnauthorizedError();
    const now = this.clock.now().getTime();
    const claims = this.codec.verify(token, Math.floor(now / 1000));
    if (!claims) throw new UnauthorizedError();
    let result;
    try {
      result = await this.store.touch(claims.sid, now, this.idleMs, touch);
    } catch {
      throw new ServiceUnavailableError('Session store unavailable; please retry shortly.', 'SessionStoreUnavailable');
    }
    if (result.status === 'idle') {
      await this.sessions.revokeSession(claims.sid, 'idle').catch(() => false);
      this.realtime.disconnectSession(claims.sid, 'session_idle');
      throw new SessionIdleError(this.idleMinutes);
    }
    if (result.status !== 'ok' || result.state.userId !== claims.sub) throw new UnauthorizedError();
    return {
      id: claims.sub,
      role: result.state.role as Role,
      orgId: result.state.orgId,
      sessionId: claims.sid,
      emailVerified: result.state.emailVerified,
      restriction: result.state.restriction,
    };
  }

  /**
   * Rotates a refresh token. The same token presented again within REFRESH_GRACE_MS of its
   * rotation (concurrent refreshes, a retry whose answer was lost) gets the same successor pair:
   * the family rotates once. Presented after the grace (a replay: stolen or raced), it revokes the
   * whole family — every refresh and access token of that session — and answers 401.
   */
  async refresh(
    refreshToken: string,
    reload: (caregiverId: string, tx: DbOrTx) => Promise<CaregiverRow | undefined>,
  ): Promise<IssuedTokens> {
    const now = this.clock.now();
    const outcome = await this.database.transaction(async (tx) => {
      const tokenHash = sha256(refreshToken);
      const found = await this.sessions.lockRefreshToken(tokenHash, tx);
      if (!found) return { kind: 'invalid' as const };
      const { token, session } = found;
      if (session.revokedAt) return { kind: 'invalid' as const };
      if (token.rotatedAt) {
        if (now.getTime() - token.rotatedAt.getTime() <= REFRESH_GRACE_MS) {
          // Inside the grace: the successor issued by the first rotation (never a second one).
          const successor = await this.grace.recall(refreshToken, tokenHash);
          return successor ? { kind: 'ok' as const, tokens: successor } : { kind: 'invalid' as const };
        }
        await this.sessions.revokeSession(session.id, 'refresh_reuse', tx);
        return { kind: 'reuse' as const, session };
      }
      if (token.expiresAt.getTime() <= now.getTime() || session.expiresAt.getTime() <= now.getTime()) return { kind: 'invalid' as const };
      const state = await this.store.touch(session.id, now.getTime(), this.idleMs, true);
      if (state.status !== 'ok') {
        await this.sessions.revokeSession(session.id, state.status, tx);
        return { kind: state.status === 'idle' ? ('idle' as const) : ('invalid' as const) };
      }
      const caregiver = await reload(session.caregiverId, tx);
      if (!caregiver) {
        await this.sessions.revokeSession(session.id, 'account_gone', tx);
        return { kind: 'invalid' as const };
      }
      await this.sessions.markRotated(token.id, now, tx);
      const next = `${REFRESH_PREFIX}${randomBytes(32).toString('base64url')}`;
      await this.sessions.insertRefreshToken({ sessionId: session.id, tokenHash: sha256(next), expiresAt: session.expiresAt }, tx);
      const access = this.codec.sign(caregiver.id, session.id, Math.floor(now.getTime() / 1000));
      const tokens: IssuedTokens = { access, refresh: { token: next, expires: Math.floor(session.expiresAt.getTime() / 1000) } };
      // Kept before the commit, so a concurrent refresh waiting on the row lock finds it.
      await this.grace.remember(refreshToken, tokenHash, tokens);
      return { kind: 'ok' as const, tokens };
    });
    if (outcome.kind === 'ok') return outcome.tokens;
    if (outcome.kind === 'reuse') {
      await this.store.revoke(outcome.session.id, outcome.session.caregiverId);
      this.realtime.disconnectSession(outcome.session.id, 'revoked');
      await this.audit.record({
        action: 'auth.session.revoke',
        resourceType: 'session',
        resourceIds: [outcome.session.id],
        orgId: outcome.session.orgId,
        outcome: 'denied',
        reason: 'refresh_reuse',
        severity: 'high',
        actor: { id: outcome.session.caregiverId, role: 'unknown', orgId: outcome.session.orgId },
      });
      this.logger.warn({ msg: 'refresh token reuse: session family revoked', sessionId: outcome.session.id });
    }
    if (outcome.kind === 'idle') throw new SessionIdleError(this.idleMinutes);
    throw new UnauthorizedError();
  }

  /** Logout by refresh token: false when unknown or already revoked (the contract's 404). */
  async logout(refreshToken: string): Promise<{ caregiverId: string; sessionId: string; orgId: string | null } | undefined> {
    const ended = await this.database.transaction(async (tx) => {
      const found = await this.sessions.lockRefreshToken(sha256(refreshToken), tx);
      if (!found || found.session.revokedAt || found.token.rotatedAt) return undefined;
      await this.sessions.revokeSession(found.session.id, 'logout', tx);
      await this.store.revoke(found.session.id, found.session.caregiverId);
      return { caregiverId: found.session.caregiverId, sessionId: found.session.id, orgId: found.session.orgId };
    });
    // Only this session's sockets close: the user's other sessions (devices) stay connected.
    if (ended) this.realtime.disconnectSession(ended.sessionId, 'logout');
    return ended;
  }

  /** The caller's live sessions (S6), most recently active first; `current` marks the caller's own. */
  async list(actor: AuthActor): Promise<SessionResponse[]> {
    const now = this.clock.now();
    const rows = await this.sessions.listOpen(actor.id, now);
    const live = await this.store.peek(
      rows.map((r) => r.id),
      now.getTime(),
      this.idleMs,
    );
    const out: SessionResponse[] = [];
    for (const row of rows) {
      const state = live.get(row.id);
      if (state?.status !== 'ok' || state.userId !== actor.id) continue;
      out.push({
        id: row.id,
        createdAt: row.createdAt.toISOString(),
        lastActiveAt: new Date(state.lastActiveMs).toISOString(),
        expiresAt: row.expiresAt.toISOString(),
        method: row.method,
        userAgent: state.client.userAgent ?? null,
        ipAddress: state.client.ip ?? null,
        current: row.id === actor.sessionId,
      });
    }
    return out.sort(
      (a, b) => b.lastActiveAt.localeCompare(a.lastActiveAt) || b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id),
    );
  }

  /**
   * Ends one of the caller's own sessions (S6): its tokens stop working on the next request on
   * every instance and its sockets close. Someone else's session answers exactly like a missing one.
   */
  async terminateOwn(actor: AuthActor, sessionId: string): Promise<void> {
    const row = await this.sessions.findSession(sessionId);
    const open = row && !row.revokedAt && row.expiresAt.getTime() > this.clock.now().getTime();
    if (!row || !open || row.caregiverId !== actor.id) {
      if (row && row.caregiverId !== actor.id) {
        await this.audit.record({
          action: 'auth.session.revoke',
          resourceType: 'session',
          resourceIds: [row.id],
          orgId: row.orgId,
          outcome: 'denied',
          reason: row.orgId === actor.orgId ? 'not_owner' : 'cross_tenant',
          severity: 'warning',
        });
      }
      throw new NotFoundError('Session not found', 'SessionNotFound');
    }
    await this.sessions.revokeSession(row.id, 'terminated');
    await this.store.revoke(row.id, row.caregiverId);
    this.realtime.disconnectSession(row.id, 'revoked');
    await this.audit.record({
      action: 'auth.session.revoke',
      resourceType: 'session',
      resourceIds: [row.id],
      orgId: row.orgId,
      outcome: 'success',
      reason: row.id === actor.sessionId ? 'self_current' : 'self_other',
    });
  }

  /**
   * A user-initiated socket event: slides the idle window like an HTTP request, or says why the
   * session has ended (the gateway then closes the socket).
   */
  async socketActivity(sessionId: string, userId: string): Promise<SocketActivity> {
    const result = await this.store.touch(sessionId, this.clock.now().getTime(), this.idleMs, true);
    if (result.status === 'ok' && result.state.userId === userId) return { alive: true };
    if (result.status === 'idle') {
      await this.sessions.revokeSession(sessionId, 'idle').catch(() => false);
      return { alive: false, reason: 'session_idle' };
    }
    return { alive: false, reason: result.status === 'expired' ? 'session_expired' : 'revoked' };
  }

  /** Ends every session of the given accounts (disable, delete, password reset, org deletion). */
  async revokeAll(caregiverIds: string[], reason: string, tx?: DbOrTx): Promise<void> {
    await this.sessions.revokeForCaregivers(caregiverIds, reason, tx);
    for (const id of caregiverIds) {
      await this.store.revokeAllForUser(id);
      this.realtime.disconnectUser(id, reason);
    }
  }

  /** Applies a role or verification change to the live sessions of an account (next request, every instance). */
  async updateLive(
    caregiverId: string,
    change: { role?: Role; emailVerified?: boolean; restriction?: SessionState['restriction'] },
  ): Promise<void> {
    await this.store.updateUser(caregiverId, change);
    if (change.role !== undefined) this.realtime.disconnectUser(caregiverId, 'role_changed');
  }
}
