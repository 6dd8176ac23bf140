import { createServer } from 'node:net';
import { FakeAsterisk, FakeMonotonicClock } from '@app/testing';
import { AriCircuitOpenError, AriClient, AriRequestError, AriUnavailableError } from './ari-client';
import { outcomeOfHangupCause, type AriEvent, type AriEventOf, type AriEventType } from './ari.types';

describe('AriClient against FakeAsterisk', () => {
  let asterisk: FakeAsterisk;
  const clients: AriClient[] = [];

  beforeEach(async () => {
    asterisk = await FakeAsterisk.start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await asterisk.stop();
  });

  function client(overrides: Partial<ConstructorParameters<typeof AriClient>[0]> = {}): AriClient {
    const c = new AriClient({ url: asterisk.url, username: 'bianca', password: 'secret', app: 'bianca', random: () => 0, ...overrides });
    clients.push(c);
    return c;
  }

  async function connected(c: AriClient): Promise<void> {
    const up = new Promise<void>((resolve) => c.onConnectionChange((s) => s.connected && resolve()));
    c.connect();
    await up;
  }

  function next<T extends AriEventType>(c: AriClient, type: T, where: (e: AriEventOf<T>) => boolean = () => true): Promise<AriEventOf<T>> {
    return new Promise((resolve) => {
      const off = c.on(type, (e) => {
        if (!where(e)) return;
        off();
        resolve(e);
      });
    });
  }

  it('places a call with our channel id, bridges it with one externalMedia channel and tears it down', async () => {
    const ari = client();
    await connected(ari);
    const started = next(ari, 'StasisStart', (e) => e.channel.id === 'call-1');
    const channel = await ari.originate({ endpoint: 'PJSIP/+15550001@trunk', channelId: 'call-1', timeoutSec: 30, appArgs: 'outbound' });
    expect(channel.id).toBe('call-1');
    expect((await started).args).toEqual(['outbound']);
    await ari.answer('call-1');

    const bridge = await ari.createBridge({ bridgeId: 'bridge-1', name: 'call-1' });
    expect(bridge).toMatchObject({ id: 'bridge-1', bridge_type: 'mixing' });
    const media = await ari.externalMedia({ channelId: 'media-1', externalHost: '127.0.0.1:40000' });
    expect(media.channelvars?.UNICASTRTP_LOCAL_ADDRESS).toBe('127.0.0.1');
    expect(await ari.getChannelVar('media-1', 'UNICASTRTP_LOCAL_PORT')).toBe(media.channelvars?.UNICASTRTP_LOCAL_PORT);
    expect(await ari.getChannelVar('media-1', 'NO_SUCH_VAR')).toBeUndefined();
    const mediaRequest = asterisk.requests.find((r) => r.path === '/ari/channels/externalMedia');
    expect(mediaRequest?.query).toMatchObject({
      app: 'bianca',
      format: 'ulaw',
      encapsulation: 'rtp',
      transport: 'udp',
      direction: 'both',
      external_host: '127.0.0.1:40000',
    });

    const entered = next(ari, 'ChannelEnteredBridge', (e) => e.channel?.id === 'media-1');
    await ari.addChannel('bridge-1', ['call-1', 'media-1']);
    await entered;
    expect((await ari.listBridges())[0].channels).toEqual(['call-1', 'media-1']);

    const destroyed = next(ari, 'ChannelDestroyed', (e) => e.channel.id === 'call-1');
    expect(await ari.hangup('call-1')).toBe(true);
    expect((await destroyed).cause).toBe(16);
    expect(await ari.hangup('call-1')).toBe(false); // already gone: teardown stays idempotent
    expect(await ari.hangup('media-1')).toBe(true);
    expect(await ari.destroyBridge('bridge-1')).toBe(true);
    expect(await ari.destroyBridge('bridge-1')).toBe(false);
    expect(await ari.listChannels()).toEqual([]);
    expect(await ari.getChannel('call-1')).toBeUndefined();
  });

  it.each([
    [{ kind: 'busy' } as const, 17, 'busy'],
    [{ kind: 'no_answer' } as const, 19, 'no_answer'],
    [{ kind: 'failed' } as const, 34, 'failed'],
  ])('reports an unanswered call (%j) as ChannelDestroyed with its cause', async (outcome, cause, meaning) => {
    asterisk.dial = () => outcome;
    const ari = client();
    await connected(ari);
    const destroyed = next(ari, 'ChannelDestroyed');
    await ari.originate({ endpoint: 'PJSIP/+15550002@trunk', channelId: 'call-2' });
    const event = await destroyed;
    expect(event).toMatchObject({ cause, channel: { id: 'call-2' } });
    expect(outcomeOfHangupCause(event.cause, false)).toBe(meaning);
  });

  it('sees the patient hang up and press keys', async () => {
    asterisk.dial = () => ({ kind: 'ring' });
    const ari = client();
    await connected(ari);
    await ari.originate({ endpoint: 'PJSIP/+15550003@trunk', channelId: 'call-3' });
    const started = next(ari, 'StasisStart');
    asterisk.answer('call-3');
    await started;
    const dtmf = next(ari, 'ChannelDtmfReceived');
    asterisk.pressDtmf('call-3', '5');
    expect((await dtmf).digit).toBe('5');
    const seen: string[] = [];
    const destroyed = next(ari, 'ChannelDestroyed');
    ari.onEvent((e) => seen.push(e.type));
    asterisk.hangupCall('call-3');
    await destroyed;
    expect(seen).toEqual(['ChannelHangupRequest', 'StasisEnd', 'ChannelDestroyed']);
  });

  it('ignores unknown event types and survives a throwing handler', async () => {
    const errors: Error[] = [];
    const ari = client({ onError: (e) => errors.push(e) });
    await connected(ari);
    ari.on('ChannelDtmfReceived', () => {
      throw new Error('handler bug');
    });
    const got = next(ari, 'StasisStart');
    asterisk.emit('bianca', { type: 'ChannelTalkingStarted', channel: {} }); // not one we handle
    asterisk.emit('bianca', { type: 'ChannelDtmfReceived', digit: '1', duration_ms: 80, channel: {} });
    asterisk.incomingCall({ callerNumber: '+15550004', channelId: 'in-1' });
    const event: AriEvent = await got;
    expect(event.type === 'StasisStart' && event.channel.caller.number).toBe('+15550004');
    expect(ari.ignoredEvents).toBe(1);
    expect(errors.map((e) => e.message)).toEqual(['ARI ChannelDtmfReceived handler failed: handler bug']);
  });

  it('reconnects the events socket after a drop and says so (time to reconcile)', async () => {
    const ari = client();
    await connected(ari);
    expect(ari.healthStatus()).toBe('up');
    const states: { connected: boolean; reconnect: boolean }[] = [];
    const back = new Promise<void>((resolve) =>
      ari.onConnectionChange((s) => {
        states.push(s);
        if (s.connected) resolve();
      }),
    );
    asterisk.dropEventSockets();
    await back;
    expect(states).toEqual([
      { connected: false, reconnect: false },
      { connected: true, reconnect: true },
    ]);
    const started = next(ari, 'StasisStart');
    asterisk.incomingCall({ callerNumber: '+15550005' });
    await started;
  });

  it('keeps retrying while Asterisk refuses the events socket', async () => {
    asterisk.setRefuseEvents(true);
    const ari = client({ onError: () => undefined });
    const up = new Promise<void>((resolve) => ari.onConnectionChange((s) => s.connected && resolve()));
    ari.connect();
    await asterisk.waitFor(() => asterisk.refusedUpgrades >= 3);
    expect(ari.healthStatus()).toBe('down');
    asterisk.setRefuseEvents(false);
    await up;
    expect(ari.connected).toBe(true);
  });

  it('opens the circuit after repeated server errors and closes it after a good probe', async () => {
    const clock = new FakeMonotonicClock();
    const ari = client({ clock, breaker: { windowSize: 4, minimumCalls: 4, failureRatio: 0.5, resetTimeoutMs: 1000 } });
    asterisk.failNextRequests(4, 500);
    for (let i = 0; i < 4; i++) await expect(ari.info()).rejects.toBeInstanceOf(AriRequestError);
    expect(ari.breakerState).toBe('open');
    const before = asterisk.requests.length;
    await expect(ari.info()).rejects.toBeInstanceOf(AriCircuitOpenError);
    expect(asterisk.requests.length).toBe(before); // refused without touching Asterisk
    clock.advance(1000);
    expect(ari.breakerState).toBe('half-open');
    await expect(ari.info()).resolves.toMatchObject({ system: { version: expect.any(String) } });
    expect(ari.breakerState).toBe('closed');
  });

  it('treats 4xx answers as errors of the request, not of Asterisk', async () => {
    asterisk.dial = () => ({ kind: 'error', status: 400, message: 'Allocation failed' });
    const ari = client({ breaker: { windowSize: 2, minimumCalls: 2 } });
    for (let i = 0; i < 3; i++) {
      const err = await ari.originate({ endpoint: 'PJSIP/x@trunk', channelId: `c${i}` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AriRequestError);
      expect(err).toMatchObject({ ariStatus: 400, ariMessage: 'Allocation failed', status: 503, code: 'TelephonyRequestFailed' });
    }
    expect(ari.breakerState).toBe('closed');
    const wrong = client({ password: 'wrong' });
    await expect(wrong.info()).rejects.toMatchObject({ ariStatus: 401 });
  });

  it('reports an unreachable Asterisk as AriUnavailableError, never hanging', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const ari = client({ url: `http://127.0.0.1:${port}/ari` });
    await expect(ari.info()).rejects.toBeInstanceOf(AriUnavailableError);
  });
});
