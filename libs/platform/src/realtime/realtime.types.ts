import type { IncomingHttpHeaders } from 'node:http';

/**
 * Server → client events and their payloads; domains add theirs by declaration merging
 * (e.g. `'call.status'`, `'call.transcript'`, `'alert.created'`).
 */
export interface RealtimeEvents {
  'session.revoked': { reason: string };
}

export type RealtimeEventName = Extract<keyof RealtimeEvents, string>;

/** Who a socket belongs to; decides the rooms it joins (`org:<id>`, `user:<id>`). */
export interface SocketPrincipal {
  userId: string;
  orgId: string | null;
  role: string;
  /** The login session behind the socket; joins `session:<id>` so one session can be ended alone. */
  sessionId?: string;
}

/** Whether a socket's session is still live after a user-initiated event (heartbeats never reach this). */
export type SocketActivity = { alive: true } | { alive: false; reason: string };

export interface SocketHandshake {
  auth: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  address: string;
}

/**
 * The authentication hook. Identity registers one that verifies the access token from the
 * handshake `auth` payload (never the query string). Until one is registered, every connection
 * is refused.
 */
export interface SocketAuthenticator {
  authenticate(handshake: SocketHandshake): Promise<SocketPrincipal | null>;
  /** Called for every event a client emits: slides the session's idle window, or says why it ended. */
  activity?(principal: SocketPrincipal): Promise<SocketActivity>;
}

export const orgRoom = (orgId: string): string => `org:${orgId}`;
export const userRoom = (userId: string): string => `user:${userId}`;
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;
