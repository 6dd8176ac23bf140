import { Injectable } from '@nestjs/common';
import { RedisService } from '@app/platform';
import type { Redis } from 'ioredis';

/**
 * Live session state in Redis, consulted by every authenticated request on every instance, so a
 * logout, disable or role change is effective on the next request everywhere. The hash holds the
 * principal (role, org, e-mail verification, restriction) and the last activity time; the idle
 * and absolute limits are checked against our Clock (not Redis TTLs, which only collect garbage),
 * so tests can move time.
 */
export interface SessionState {
  userId: string;
  orgId: string | null;
  role: string;
  emailVerified: boolean;
  /** `mfa-enroll`: the session may only reach the MFA and auth routes until MFA is enrolled. */
  restriction: 'mfa-enroll' | null;
}

export type TouchResult = { status: 'ok'; state: SessionState } | { status: 'missing' | 'idle' | 'expired' };

/** Where a session was opened from (shown in the caller's session list; not PHI). */
export interface SessionClient {
  userAgent?: string;
  ip?: string;
}

/** A session's live state as read without touching it (session list, socket idle sweep). */
export type SessionPeek =
  { status: 'ok'; userId: string; lastActiveMs: number; client: SessionClient } | { status: 'missing' | 'idle' | 'expired' };

// KEYS[1] session hash; ARGV: now ms, idle ms, touch (1/0). Returns {code, uid, org, role, ev, restr}.
const TOUCH_SCRIPT = `
local s = redis.call('HMGET', KEYS[1], 'uid', 'org', 'role', 'ev', 'restr', 'last', 'abs')
if not s[1] then return {0} end
local now = tonumber(ARGV[1])
if now > tonumber(s[7]) then redis.call('DEL', KEYS[1]); return {2} end
if now - tonumber(s[6]) > tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]); return {1} end
if ARGV[3] == '1' and now > tonumber(s[6]) then redis.call('HSET', KEYS[1], 'last', ARGV[1]) end
return {3, s[1], s[2], s[3], s[4], s[5]}
`;

type ScriptClient = Redis & { biancaSessionTouch(key: string, now: string, idle: string, touch: string): Promise<unknown[]> };

const GC_SECONDS = 13 * 3600;

@Injectable()
export class SessionStore {
  private readonly client: ScriptClient;

  constructor(private readonly redis: RedisService) {
    const client = redis.client as ScriptClient;
    if (typeof client.biancaSessionTouch !== 'function') client.defineCommand('biancaSessionTouch', { numberOfKeys: 1, lua: TOUCH_SCRIPT });
    this.client = client;
  }

  private sessionKey(sessionId: string): string {
    return this.redis.key('auth', 'session', sessionId);
  }

  private userKey(userId: string): string {
    return this.redis.key('auth', 'user-sessions', userId);
  }

  async create(sessionId: string, state: SessionState, nowMs: number, absoluteExpiryMs: number, client: SessionClient = {}): Promise<void> {
    await this.client
      .multi()
      .hset(this.sessionKey(sessionId), {
        uid: state.userId,
        org: state.orgId ?? '',
        role: state.role,
        ev: state.emailVerified ? '1' : '0',
        restr: state.restriction ?? '',
        last: String(nowMs),
        abs: String(absoluteExpiryMs),
        ua: client.userAgent ?? '',
        ip: client.ip ?? '',
      })
      .expire(this.sessionKey(sessionId), GC_SECONDS)
      .sadd(this.userKey(state.userId), sessionId)
      .expire(this.userKey(state.userId), GC_SECONDS)
      .exec();
  }

  /** Checks idle and absolute limits; `touch` slides the idle window (user requests, not heartbeats). */
  async touch(sessionId: string, nowMs: number, idleMs: number, touch = true): Promise<TouchResult> {
    const reply = await this.client.biancaSessionTouch(this.sessionKey(sessionId), String(nowMs), String(idleMs), touch ? '1' : '0');
    const code = Number(reply[0]);
    if (code === 0) return { status: 'missing' };
    if (code === 1) return { status: 'idle' };
    if (code === 2) return { status: 'expired' };
    const [, uid, org, role, ev, restr] = reply as [number, string, string, string, string, string];
    return {
      status: 'ok',
      state: {
        userId: uid,
        orgId: org || null,
        role,
        emailVerified: ev === '1',
        restriction: restr === 'mfa-enroll' ? 'mfa-enroll' : null,
      },
    };
  }

  /** Reads sessions' state against the idle and absolute limits without sliding or deleting anything. */
  async peek(sessionIds: string[], nowMs: number, idleMs: number): Promise<Map<string, SessionPeek>> {
    const out = new Map<string, SessionPeek>();
    if (sessionIds.length === 0) return out;
    const multi = this.client.multi();
    for (const sid of sessionIds) multi.hmget(this.sessionKey(sid), 'uid', 'last', 'abs', 'ua', 'ip');
    const replies = (await multi.exec()) ?? [];
    sessionIds.forEach((sid, i) => {
      const [err, value] = replies[i] ?? [null, null];
      if (err) throw err;
      const [uid, last, abs, ua, ip] = (value ?? []) as Array<string | null>;
      if (!uid || !last || !abs) out.set(sid, { status: 'missing' });
      else if (nowMs > Number(abs)) out.set(sid, { status: 'expired' });
      else if (nowMs - Number(last) > idleMs) out.set(sid, { status: 'idle' });
      else
        out.set(sid, {
          status: 'ok',
          userId: uid,
          lastActiveMs: Number(last),
          client: { userAgent: ua || undefined, ip: ip || undefined },
        });
    });
    return out;
  }

  async revoke(sessionId: string, userId?: string): Promise<void> {
    const multi = this.client.multi().del(this.sessionKey(sessionId));
    if (userId) multi.srem(this.userKey(userId), sessionId);
    await multi.exec();
  }

  async revokeAllForUser(userId: string): Promise<void> {
    const sessions = await this.client.smembers(this.userKey(userId));
    await this.client
      .multi()
      .del(...sessions.map((s) => this.sessionKey(s)), this.userKey(userId))
      .exec();
  }

  /** Applies a change (role, org, verification, restriction) to every live session of a user. */
  async updateUser(userId: string, change: Partial<Pick<SessionState, 'role' | 'emailVerified' | 'restriction'>>): Promise<void> {
    const sessions = await this.client.smembers(this.userKey(userId));
    if (sessions.length === 0) return;
    const fields: Record<string, string> = {};
    if (change.role !== undefined) fields.role = change.role;
    if (change.emailVerified !== undefined) fields.ev = change.emailVerified ? '1' : '0';
    if (change.restriction !== undefined) fields.restr = change.restriction ?? '';
    const multi = this.client.multi();
    // HSET only where the session still exists (a deleted one must not be resurrected).
    for (const sid of sessions)
      multi.eval(
        `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], unpack(ARGV)) end`,
        1,
        this.sessionKey(sid),
        ...Object.entries(fields).flat(),
      );
    await multi.exec();
  }
}
