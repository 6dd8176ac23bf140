import { AriClient, PlayoutPacer, RtpEndpoint, RtpPortPool, type InboundFrame } from '@app/voice';
import { FakeAsterisk } from './fake-asterisk';
import { FakeMonotonicClock, ManualWakeTimer } from './fake-clock';

describe('FakeAsterisk', () => {
  let asterisk: FakeAsterisk;
  beforeEach(async () => {
    asterisk = await FakeAsterisk.start();
  });
  afterEach(async () => {
    await asterisk.stop();
  });

  const basic = `Basic ${Buffer.from('bianca:secret').toString('base64')}`;
  const call = (method: string, path: string, auth: string | null = basic): Promise<Response> =>
    fetch(`${asterisk.url}/ari${path}`, { method, headers: auth ? { Authorization: auth } : {} });

  it('requires ARI credentials (Basic auth or api_key)', async () => {
    expect((await call('GET', '/asterisk/info', null)).status).toBe(401);
    expect((await call('GET', '/asterisk/info?api_key=bianca:secret', null)).status).toBe(200);
    expect((await call('GET', '/asterisk/info')).status).toBe(200);
  });

  it('validates externalMedia like Asterisk does and publishes its RTP address as channel variables', async () => {
    expect((await call('POST', '/channels/externalMedia?app=bianca&format=ulaw')).status).toBe(400); // no external_host
    expect((await call('POST', '/channels/externalMedia?app=bianca&format=ulaw&external_host=127.0.0.1:4000&direction=read')).status).toBe(
      400,
    );
    const ok = await call('POST', '/channels/externalMedia?app=bianca&format=ulaw&external_host=127.0.0.1:4000&channelId=m1');
    expect(ok.status).toBe(200);
    const channel = (await ok.json()) as { id: string; name: string; channelvars: Record<string, string> };
    expect(channel.id).toBe('m1');
    expect(channel.name).toMatch(/^UnicastRTP\/127\.0\.0\.1:4000-/);
    const port = Number(channel.channelvars.UNICASTRTP_LOCAL_PORT);
    expect(port).toBeGreaterThan(0);
    const variable = (await (await call('GET', '/channels/m1/variable?variable=UNICASTRTP_LOCAL_PORT')).json()) as { value: string };
    expect(Number(variable.value)).toBe(port);
    expect((await call('POST', '/channels/externalMedia?app=bianca&format=ulaw&external_host=127.0.0.1:4000&channelId=m1')).status).toBe(
      409,
    );
  });

  it('refuses to bridge a channel that is not in the Stasis app, and unknown resources', async () => {
    asterisk.dial = () => ({ kind: 'ring' });
    expect((await call('POST', '/channels?endpoint=PJSIP/1@trunk&app=bianca&channelId=c1')).status).toBe(200);
    expect((await call('POST', '/bridges?type=mixing&bridgeId=b1')).status).toBe(200);
    expect((await call('POST', '/bridges/b1/addChannel?channel=c1')).status).toBe(422); // still ringing
    expect((await call('POST', '/bridges/b1/addChannel?channel=nope')).status).toBe(400);
    expect((await call('POST', '/bridges/zz/addChannel?channel=c1')).status).toBe(404);
    expect((await call('GET', '/playbacks/x')).status).toBe(404);
    expect((await call('POST', '/channels?endpoint=PJSIP/1@trunk&app=bianca&channelId=c1')).status).toBe(409);
  });

  it('exchanges real RTP with an RtpEndpoint once the call is bridged with externalMedia', async () => {
    const ari = new AriClient({ url: asterisk.url, username: 'bianca', password: 'secret', app: 'bianca', random: () => 0 });
    const clock = new FakeMonotonicClock();
    const timer = new ManualWakeTimer(clock);
    const pacer = new PlayoutPacer({ clock, timer });
    const base = 44000 + 2 * Math.floor(Math.random() * 4000);
    const pool = new RtpPortPool({ min: base, max: base + 20, bindAddress: '127.0.0.1' });
    const frames: InboundFrame[] = [];
    let fourFrames: () => void = () => undefined;
    const gotFourFrames = new Promise<void>((resolve) => (fourFrames = resolve));
    const endpoint = await RtpEndpoint.open({
      pool,
      pacer,
      onFrame: (f) => {
        frames.push({ ...f, payload: Buffer.from(f.payload) });
        if (frames.length === 4) fourFrames();
      },
    });
    try {
      const up = new Promise<void>((resolve) => ari.onConnectionChange((s) => s.connected && resolve()));
      ari.connect();
      await up;
      const started = new Promise<void>((resolve) => ari.on('StasisStart', (e) => e.channel.id === 'call-9' && resolve()));
      await ari.originate({ endpoint: 'PJSIP/+15550009@trunk', channelId: 'call-9' });
      await started;
      await ari.createBridge({ bridgeId: 'bridge-9' });
      const media = await ari.externalMedia({ channelId: 'media-9', externalHost: `127.0.0.1:${endpoint.port}` });
      endpoint.setRemote(media.channelvars?.UNICASTRTP_LOCAL_ADDRESS ?? '', Number(media.channelvars?.UNICASTRTP_LOCAL_PORT));
      await expect(asterisk.playCallerAudio('call-9', [Buffer.alloc(160, 1)])).rejects.toThrow('not bridged');
      await ari.addChannel('bridge-9', ['call-9', 'media-9']);
      await asterisk.waitFor(() => asterisk.mediaLegOf('call-9') !== undefined);

      // The caller speaks: frames arrive at the endpoint, in order.
      await asterisk.playCallerAudio(
        'call-9',
        [1, 2, 3, 4].map((b) => Buffer.alloc(160, b)),
      );
      await gotFourFrames;
      expect(frames.map((f) => f.payload[0])).toEqual([1, 2, 3, 4]);
      expect(frames[0].marker).toBe(true);

      // The AI speaks: the caller hears exactly what was played, paced as RTP.
      const speech = Buffer.concat([5, 6, 7].map((b) => Buffer.alloc(160, b)));
      endpoint.play(speech, 'item-1');
      timer.runUntil(clock.now() + 100);
      await asterisk.waitFor(() => asterisk.heardAudio('call-9').length >= speech.length);
      expect(asterisk.heardAudio('call-9').equals(speech)).toBe(true);
      const leg = asterisk.mediaLegOf('call-9')!;
      expect(leg.packets.every((p) => p.from.port === endpoint.port)).toBe(true);
      expect(leg.packets[0].data[1] & 0x80).toBe(0x80); // marker on the first packet
    } finally {
      endpoint.close();
      pacer.close();
      await ari.close();
    }
  });
});
