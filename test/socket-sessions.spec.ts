import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { io, type Socket } from 'socket.io-client';
import { SocketSessionMonitor } from '@app/auth';
import type { CaregiverRow } from '@app/caregivers';
import { Clock } from '@app/platform';
import { createCaregiver, createOrg, createTestApp, loginSession, type TestApp, type TestSession } from '@app/testing';

/** A user-initiated event with an acknowledgement, so a test knows the server handled it. */
@WebSocketGateway()
class EchoGateway {
  @SubscribeMessage('test.echo')
  echo(@MessageBody() body: unknown): { echo: unknown } {
    return { echo: body };
  }
}

function connect(url: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000, auth: { token } });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Resolves with the revocation reason and the disconnect reason, in that order of arrival. */
function ended(socket: Socket): Promise<{ revoked: unknown; disconnect: string }> {
  const revoked = new Promise((resolve) => socket.once('session.revoked', resolve));
  const disconnect = new Promise<string>((resolve) => socket.once('disconnect', resolve));
  return Promise.all([revoked, disconnect]).then(([r, d]) => ({ revoked: r, disconnect: d }));
}

const sessionIdOf = (accessToken: string): string =>
  (JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as { sid: string }).sid;

describe('sockets follow their login session (security.md S3, S4)', () => {
  let t: TestApp;
  const sockets: Socket[] = [];
  /** How far the server's Clock is ahead of real time. (Faking the global Date would also age the
   * socket.io client's own ping deadline and close it; only the server's time moves here.) */
  let offset = 0;
  const advance = (ms: number): void => {
    offset += ms;
  };

  beforeAll(async () => {
    t = await createTestApp({
      listen: true,
      providers: [EchoGateway],
      env: { SESSION_IDLE_MINUTES: '5', AUTH_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    jest.spyOn(t.get(Clock), 'now').mockImplementation(() => new Date(Date.now() + offset));
  });
  afterEach(() => {
    sockets.splice(0).forEach((s) => s.close());
  });
  afterAll(async () => {
    await t.close();
  });

  async function open(session: TestSession): Promise<Socket> {
    const socket = await connect(t.url!, session.accessToken);
    sockets.push(socket);
    return socket;
  }

  const me = (session: TestSession, caregiver: CaregiverRow) =>
    t.http().get(`/v1/caregivers/${caregiver.id}`).set('Authorization', session.authorization);

  it('ending one session (terminate, logout) closes only its sockets; the user’s other session stays connected', async () => {
    const caregiver = await createCaregiver(t);
    const phone = await loginSession(t, caregiver);
    const laptop = await loginSession(t, caregiver);
    const phoneSocket = await open(phone);
    const phoneSocket2 = await open(phone);
    const laptopSocket = await open(laptop);

    const phoneEnded = [ended(phoneSocket), ended(phoneSocket2)];
    await t
      .http()
      .delete(`/v1/auth/sessions/${sessionIdOf(phone.accessToken)}`)
      .set('Authorization', laptop.authorization)
      .expect(204);
    for (const end of phoneEnded)
      await expect(end).resolves.toEqual({ revoked: { reason: 'revoked' }, disconnect: 'io server disconnect' });
    await expect(laptopSocket.emitWithAck('test.echo', 1)).resolves.toEqual({ echo: 1 });
    expect(laptopSocket.connected).toBe(true);
    await expect(connect(t.url!, phone.accessToken)).rejects.toThrow('unauthorized');

    const laptopEnded = ended(laptopSocket);
    await t.http().post('/v1/auth/logout').send({ refreshToken: laptop.refreshToken }).expect(204);
    await expect(laptopEnded).resolves.toEqual({ revoked: { reason: 'logout' }, disconnect: 'io server disconnect' });
  });

  it('a role change or an admin ending the account’s sessions closes all of the user’s sockets', async () => {
    const org = await createOrg(t);
    const admin = await createCaregiver(t, { org, role: 'orgAdmin' });
    const member = await createCaregiver(t, { org, role: 'staff' });
    const adminSession = await loginSession(t, admin);
    const one = await loginSession(t, member);
    const two = await loginSession(t, member);
    const adminSocket = await open(adminSession);

    let memberEnded = [ended(await open(one)), ended(await open(two))];
    await t
      .http()
      .patch(`/v1/orgs/${org.id}/caregiver/${member.id}/role`)
      .set('Authorization', adminSession.authorization)
      .send({ role: 'orgAdmin' })
      .expect(200);
    for (const end of memberEnded)
      await expect(end).resolves.toEqual({ revoked: { reason: 'role_changed' }, disconnect: 'io server disconnect' });

    // The sessions live on with the new role: the client reconnects.
    memberEnded = [ended(await open(one)), ended(await open(two))];
    await t.http().delete(`/v1/caregivers/${member.id}/sessions`).set('Authorization', adminSession.authorization).expect(204);
    for (const end of memberEnded)
      await expect(end).resolves.toEqual({ revoked: { reason: 'admin_terminated' }, disconnect: 'io server disconnect' });
    await expect(connect(t.url!, one.accessToken)).rejects.toThrow('unauthorized');
    await me(two, member).expect(401);
    await expect(adminSocket.emitWithAck('test.echo', 'still here')).resolves.toEqual({ echo: 'still here' });
  });

  it('an idle session’s sockets are closed with session_idle; socket events and HTTP requests count as activity, connecting does not', async () => {
    const monitor = t.get(SocketSessionMonitor);
    const caregiver = await createCaregiver(t);
    const chatty = await loginSession(t, caregiver);
    const browsing = await loginSession(t, caregiver);
    const chattySocket = await open(chatty);
    const browsingSocket = await open(browsing);

    advance(4 * 60_000);
    await expect(chattySocket.emitWithAck('test.echo', 'hi')).resolves.toEqual({ echo: 'hi' });
    await me(browsing, caregiver).expect(200);

    advance(4 * 60_000);
    // 8 min after sign-in, 4 min after the last activity of each: nothing to end.
    await expect(monitor.sweepIdleSockets()).resolves.toBe(0);
    await me(browsing, caregiver).expect(200);
    // A new connection on the chatty session is not activity.
    const lateSocket = await open(chatty);

    advance(60_000 + 1000);
    // chatty: 5 min 1 s since its last event → idle; browsing: 1 min since its last request.
    const chattyEnded = [ended(chattySocket), ended(lateSocket)];
    await expect(monitor.sweepIdleSockets()).resolves.toBe(1);
    for (const end of chattyEnded)
      await expect(end).resolves.toEqual({ revoked: { reason: 'session_idle' }, disconnect: 'io server disconnect' });
    await expect(browsingSocket.emitWithAck('test.echo', 2)).resolves.toEqual({ echo: 2 });

    // The HTTP side agrees: the JWT is still valid, the session is not.
    const res = await me(chatty, caregiver).expect(401);
    expect(res.body).toMatchObject({ message: 'Session expired due to inactivity', reason: 'IDLE_TIMEOUT' });
  });

  it('an event on a session that went idle between sweeps closes the socket at once', async () => {
    const caregiver = await createCaregiver(t);
    const session = await loginSession(t, caregiver);
    const socket = await open(session);
    await expect(socket.emitWithAck('test.echo', 'a')).resolves.toEqual({ echo: 'a' });
    advance(5 * 60_000 + 1000);
    const end = ended(socket);
    socket.emit('test.echo', 'b');
    await expect(end).resolves.toEqual({ revoked: { reason: 'session_idle' }, disconnect: 'io server disconnect' });
    await me(session, caregiver).expect(401);
  });
});
