import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { io, type Socket } from 'socket.io-client';
import { RealtimePublisher, SocketAuthRegistry, type SocketHandshake, type SocketPrincipal } from '@app/platform';
import { createTestApp, type TestApp, uniqueRedisPrefix } from '@app/testing';

declare module '@app/platform' {
  interface RealtimeEvents {
    'test.ping': { n: number };
  }
}

const PRINCIPALS: Record<string, SocketPrincipal> = {
  'token-a': { userId: '00000000-0000-4000-8000-00000000000a', orgId: '00000000-0000-4000-8000-0000000000a1', role: 'staff' },
  'token-b': { userId: '00000000-0000-4000-8000-00000000000b', orgId: '00000000-0000-4000-8000-0000000000b1', role: 'staff' },
};

/** Stands in for the identity module's authenticator: token from the handshake auth payload only. */
@Injectable()
class TestAuthenticator implements OnModuleInit {
  constructor(private readonly registry: SocketAuthRegistry) {}
  onModuleInit(): void {
    this.registry.use({
      authenticate: async (handshake: SocketHandshake) => {
        const token = handshake.auth.token;
        return typeof token === 'string' ? (PRINCIPALS[token] ?? null) : null;
      },
    });
  }
}

@Module({ providers: [TestAuthenticator] })
class TestAuthModule {}

function connect(url: string, options: { auth?: Record<string, string>; query?: Record<string, string> }): Socket {
  return io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
}

function next<T>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve) => socket.once(event, (payload: T) => resolve(payload)));
}

describe('realtime: authenticated sockets, org rooms, fan-out across instances', () => {
  const prefix = uniqueRedisPrefix();
  let one: TestApp;
  let two: TestApp;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    one = await createTestApp({ listen: true, imports: [TestAuthModule], env: { REDIS_PREFIX: prefix } });
    two = await createTestApp({ listen: true, imports: [TestAuthModule], env: { REDIS_PREFIX: prefix }, database: one.testDatabase });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await two.close();
    await one.close();
  });

  it('refuses a connection without a valid token in the handshake auth', async () => {
    const anonymous = connect(one.url!, {});
    sockets.push(anonymous);
    await expect(connected(anonymous)).rejects.toThrow('unauthorized');
    const wrong = connect(one.url!, { auth: { token: 'nope' } });
    sockets.push(wrong);
    await expect(connected(wrong)).rejects.toThrow('unauthorized');
  });

  it('ignores a token in the query string', async () => {
    const viaQuery = connect(one.url!, { query: { token: 'token-a' } });
    sockets.push(viaQuery);
    await expect(connected(viaQuery)).rejects.toThrow('unauthorized');
  });

  it('delivers org events only to that org, from any instance', async () => {
    const a = connect(one.url!, { auth: { token: 'token-a' } });
    const b = connect(one.url!, { auth: { token: 'token-b' } });
    sockets.push(a, b);
    await Promise.all([connected(a), connected(b)]);

    let bReceived = false;
    b.on('test.ping', () => (bReceived = true));
    const received = next<{ n: number }>(a, 'test.ping');
    // Published by the other instance: travels through the Redis adapter.
    two.get(RealtimePublisher).toOrg(PRINCIPALS['token-a'].orgId!, 'test.ping', { n: 1 });
    await expect(received).resolves.toEqual({ n: 1 });

    // b's org gets its own event afterwards; had the first leaked, b would have seen it first.
    const bOwn = next<{ n: number }>(b, 'test.ping');
    one.get(RealtimePublisher).toOrg(PRINCIPALS['token-b'].orgId!, 'test.ping', { n: 2 });
    await expect(bOwn).resolves.toEqual({ n: 2 });
    expect(bReceived).toBe(true);
  });

  it('disconnects every socket of a user on revocation, across instances', async () => {
    const a = connect(two.url!, { auth: { token: 'token-a' } });
    sockets.push(a);
    await connected(a);
    const revoked = next<{ reason: string }>(a, 'session.revoked');
    const gone = next<string>(a, 'disconnect');
    one.get(RealtimePublisher).disconnectUser(PRINCIPALS['token-a'].userId, 'logout');
    await expect(revoked).resolves.toEqual({ reason: 'logout' });
    await expect(gone).resolves.toBe('io server disconnect');
  });
});
