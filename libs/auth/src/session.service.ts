import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@app/audit';
import type { CaregiverRow, Role } from '@app/caregivers';
import {
  AppConfig,
  Clock,
  DatabaseService,
  RealtimePublisher,
  ServiceUnavailableError,
  UnauthorizedError,
  type DbOrTx,
} from '@app/platform';
import { createHash, randomBytes } from 'node:crypto';
import { AccessTokenCodec, deriveAccessKey } from './access-token';
import type { AuthActor } from './actor';
import type { IssuedTokens } from './presenters';
import { SessionRepository } from './session.repository';
import { SessionStore, type SessionState } from './session.store';
import type { authSessions } from './session.table';

/** Absolute session lifetime, whatever the activity (security.md S3). */
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
const REFRESH_PREFIX = 'rt_';

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export type SessionMethod = (typeof authSessions.$inferInsert)['method'];

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
   * Rotates a refresh token. A token already rotated (a replay: stolen or raced) revokes its whole
   * family — every refresh and access token of that session — and answers 401.
   */
  async refresh(
    refreshToken: string,
    reload: (caregiverId: string, tx: DbOrTx) => Promise<CaregiverRow | undefined>,
  ): Promise<IssuedTokens> {
    const now = this.clock.now();
    const outcome = await this.database.transaction(async (tx) => {
      const found = await this.sessions.lockRefreshToken(sha256(refreshToken), tx);
      if (!found) return { kind: 'invalid' as const };
      const { token, session } = found;
      if (session.revokedAt) return { kind: 'invalid' as const };
      if (token.rotatedAt) {
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
      return { kind: 'ok' as const, tokens: { access, refresh: { token: next, expires: Math.floor(session.expiresAt.getTime() / 1000) } } };
    });
    if (outcome.kind === 'ok') return outcome.tokens;
    if (outcome.kind === 'reuse') {
      await this.store.revoke(outcome.session.id, outcome.session.caregiverId);
      this.realtime.disconnectUser(outcome.session.caregiverId, 'revoked');
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
    // Sockets are per user (the gateway's rooms): the user's other devices reconnect with their own tokens.
    if (ended) this.realtime.disconnectUser(ended.caregiverId, 'logout');
    return ended;
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
