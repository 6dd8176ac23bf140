import { io, type Socket } from 'socket.io-client';
import { RealtimePublisher } from '@app/platform';
import { createCaregiver, createTestApp, loginSession, type TestApp } from '@app/testing';

function connect(url: string, options: Parameters<typeof io>[1]): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, timeout: 5000, ...options });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

describe('Socket.io authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ listen: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('accepts the access token in the handshake auth payload and joins the user and org rooms', async () => {
    const caregiver = await createCaregiver(t);
    const session = await loginSession(t, caregiver);
    const socket = await connect(t.url!, { auth: { token: session.accessToken } });
    try {
      const received = new Promise((resolve) => socket.once('session.revoked', resolve));
      const orgEvent = new Promise((resolve) => socket.onAny((event, payload) => resolve([event, payload])));
      t.get(RealtimePublisher).toOrg(caregiver.orgId!, 'session.revoked', { reason: 'org-room-check' });
      await expect(orgEvent).resolves.toEqual(['session.revoked', { reason: 'org-room-check' }]);
      await expect(received).resolves.toEqual({ reason: 'org-room-check' });
    } finally {
      socket.close();
    }
  });

  it('refuses missing, invalid and query-string tokens', async () => {
    const caregiver = await createCaregiver(t);
    const session = await loginSession(t, caregiver);
    await expect(connect(t.url!, {})).rejects.toThrow('unauthorized');
    await expect(connect(t.url!, { auth: { token: 'garbage' } })).rejects.toThrow('unauthorized');
    await expect(connect(t.url!, { query: { token: session.accessToken, access_token: session.accessToken } })).rejects.toThrow(
      'unauthorized',
    );
    await expect(connect(t.url!, { auth: { token: session.refreshToken } })).rejects.toThrow('unauthorized');
  });

  it('disconnects the user’s sockets on logout', async () => {
    const caregiver = await createCaregiver(t);
    const session = await loginSession(t, caregiver);
    const socket = await connect(t.url!, { auth: { token: `Bearer ${session.accessToken}` } });
    const revoked = new Promise((resolve) => socket.once('session.revoked', resolve));
    const closed = new Promise((resolve) => socket.once('disconnect', resolve));
    await t.http().post('/v1/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);
    await expect(revoked).resolves.toEqual({ reason: 'logout' });
    await expect(closed).resolves.toBe('io server disconnect');
    await expect(connect(t.url!, { auth: { token: session.accessToken } })).rejects.toThrow('unauthorized');
  });
});
