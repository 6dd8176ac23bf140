import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { FakeMonotonicClock, ManualWakeTimer } from '@app/testing';
import { PlayoutPacer } from './pacer';
import { RtpPortPool } from './port-pool';
import { RtpEndpoint, type InboundFrame, type RtpDropReason } from './rtp-endpoint';
import { buildRtp, isRtpPacket, parseRtp, type RtpPacket } from './rtp';

/** A socket standing in for Asterisk's side of the media (plain dgram, no code under test). */
async function peer(): Promise<{ socket: Socket; port: number; received: RtpPacket[]; next(n: number): Promise<RtpPacket[]> }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const received: RtpPacket[] = [];
  const waiters: { n: number; resolve: (p: RtpPacket[]) => void }[] = [];
  socket.on('message', (msg) => {
    const packet = parseRtp(msg);
    if (isRtpPacket(packet)) received.push(packet);
    for (const w of waiters.filter((x) => received.length >= x.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(received.slice(0, w.n));
    }
  });
  return {
    socket,
    port: socket.address().port,
    received,
    next: (n) => (received.length >= n ? Promise.resolve(received.slice(0, n)) : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

function rtp(seq: number, byte: number, ssrc = 99, pt = 0): Buffer {
  return buildRtp({ marker: false, payloadType: pt, sequenceNumber: seq, timestamp: seq * 160, ssrc }, Buffer.alloc(160, byte));
}

function sendTo(socket: Socket, port: number, datagram: Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.send(datagram, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
}

describe('RtpEndpoint (real UDP on 127.0.0.1)', () => {
  const base = 42000 + 2 * Math.floor(Math.random() * 4000);
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0).reverse()) fn();
  });

  async function setup(options: { learnRemote?: boolean } = {}) {
    const clock = new FakeMonotonicClock();
    const timer = new ManualWakeTimer(clock);
    const pacer = new PlayoutPacer({ clock, timer });
    const pool = new RtpPortPool({ min: base, max: base + 40, bindAddress: '127.0.0.1' });
    const asterisk = await peer();
    const frames: InboundFrame[] = [];
    const drops: { reason: RtpDropReason; from: RemoteInfo }[] = [];
    const frameWaiters: { n: number; resolve: () => void }[] = [];
    const dropWaiters: { n: number; resolve: () => void }[] = [];
    const settle = (list: { n: number; resolve: () => void }[], count: number): void => {
      for (const w of list.filter((x) => count >= x.n)) {
        list.splice(list.indexOf(w), 1);
        w.resolve();
      }
    };
    const endpoint = await RtpEndpoint.open({
      pool,
      pacer,
      learnRemote: options.learnRemote,
      onFrame: (f) => {
        frames.push({ ...f, payload: Buffer.from(f.payload) });
        settle(frameWaiters, frames.length);
      },
      onDrop: (reason, from) => {
        drops.push({ reason, from });
        settle(dropWaiters, drops.length);
      },
    });
    cleanup.push(
      () => endpoint.close(),
      () => asterisk.socket.close(),
      () => pacer.close(),
    );
    const waitFrames = (n: number): Promise<void> =>
      frames.length >= n ? Promise.resolve() : new Promise((resolve) => frameWaiters.push({ n, resolve }));
    const waitDrops = (n: number): Promise<void> =>
      drops.length >= n ? Promise.resolve() : new Promise((resolve) => dropWaiters.push({ n, resolve }));
    return { clock, timer, pacer, pool, asterisk, endpoint, frames, drops, waitFrames, waitDrops };
  }

  it('delivers the caller audio in sequence order, without duplicates', async () => {
    const { endpoint, asterisk, frames, waitFrames } = await setup();
    endpoint.setRemote('127.0.0.1', asterisk.port);
    for (const seq of [65534, 0, 0, 65535, 1]) await sendTo(asterisk.socket, endpoint.port, rtp(seq, seq & 0xff));
    await waitFrames(4);
    expect(frames.map((f) => f.sequenceNumber)).toEqual([65534, 65535, 0, 1]);
    expect(frames[0].payload).toHaveLength(160);
    expect(frames[1].payload[0]).toBe(0xff);
    expect(endpoint.stats.dropped.duplicate).toBe(1);
  });

  it('hears only the pinned Asterisk address and port', async () => {
    const { endpoint, asterisk, frames, drops, waitFrames, waitDrops } = await setup();
    endpoint.setRemote('127.0.0.1', asterisk.port);
    const intruder = await peer();
    cleanup.push(() => intruder.socket.close());
    await sendTo(intruder.socket, endpoint.port, rtp(1, 1));
    await waitDrops(1);
    expect(drops[0]).toMatchObject({ reason: 'unexpected-source', from: { port: intruder.port } });
    await sendTo(asterisk.socket, endpoint.port, rtp(1, 2));
    await waitFrames(1);
    expect(frames.map((f) => f.payload[0])).toEqual([2]);
  });

  it('drops everything until the remote is known, unless asked to learn it', async () => {
    const strict = await setup();
    await sendTo(strict.asterisk.socket, strict.endpoint.port, rtp(1, 1));
    await strict.waitDrops(1);
    expect(strict.drops[0].reason).toBe('no-remote');

    const learning = await setup({ learnRemote: true });
    await sendTo(learning.asterisk.socket, learning.endpoint.port, rtp(1, 1));
    await learning.waitFrames(1);
    expect(learning.endpoint.remote).toEqual({ address: '127.0.0.1', port: learning.asterisk.port });
  });

  it('learns the port when only the address is configured', async () => {
    const { endpoint, asterisk, waitFrames } = await setup();
    endpoint.setRemote('127.0.0.1');
    await sendTo(asterisk.socket, endpoint.port, rtp(5, 5));
    await waitFrames(1);
    expect(endpoint.remote).toEqual({ address: '127.0.0.1', port: asterisk.port });
  });

  it('drops malformed packets and other payload types', async () => {
    const { endpoint, asterisk, drops, waitDrops } = await setup();
    endpoint.setRemote('127.0.0.1', asterisk.port);
    await sendTo(asterisk.socket, endpoint.port, Buffer.from('not rtp'));
    await sendTo(asterisk.socket, endpoint.port, rtp(1, 1, 99, 101)); // telephone-event
    await waitDrops(2);
    expect(drops.map((d) => d.reason).sort()).toEqual(['malformed', 'payload-type']);
  });

  it('restarts reordering when the sender changes SSRC', async () => {
    const { endpoint, asterisk, frames, waitFrames } = await setup();
    endpoint.setRemote('127.0.0.1', asterisk.port);
    await sendTo(asterisk.socket, endpoint.port, rtp(100, 1, 1));
    await waitFrames(1);
    await sendTo(asterisk.socket, endpoint.port, rtp(7, 2, 2)); // new stream, far-away sequence
    await waitFrames(2);
    expect(frames.map((f) => f.sequenceNumber)).toEqual([100, 7]);
    expect(endpoint.stats.ssrcChanges).toBe(1);
  });

  it('sends paced RTP: consecutive sequence numbers, +160 timestamps, marker on each talkspurt', async () => {
    const { endpoint, asterisk, clock, timer } = await setup();
    endpoint.setRemote('127.0.0.1', asterisk.port);
    endpoint.play(Buffer.alloc(3 * 160, 0x11), 'item');
    timer.runUntil(clock.now() + 1000); // the clock now stands 1 s after the first frame
    endpoint.play(Buffer.alloc(160, 0x22), 'item-2');
    const packets = await asterisk.next(4);
    const seq0 = packets[0].sequenceNumber;
    const ts0 = packets[0].timestamp;
    expect(packets.map((p) => [(p.sequenceNumber - seq0) & 0xffff, (p.timestamp - ts0) >>> 0, p.marker, p.payloadType])).toEqual([
      [0, 0, true, 0],
      [1, 160, false, 0],
      [2, 320, false, 0],
      [3, 8000, true, 0], // 1 s after the first frame: 940 ms of silence on the RTP clock
    ]);
    expect(new Set(packets.map((p) => p.ssrc)).size).toBe(1);
    expect(packets[3].payload[0]).toBe(0x22);
  });

  it('flushes playout on barge-in and releases its port on close', async () => {
    const { endpoint, asterisk, pool, timer, clock } = await setup();
    endpoint.setRemote('127.0.0.1', asterisk.port);
    endpoint.play(Buffer.alloc(50 * 160, 0x33), 'resp');
    timer.runUntil(clock.now() + 100);
    expect(endpoint.flush()).toEqual({ itemId: 'resp', playedMs: 120, discardedMs: 880 });
    expect(endpoint.stats.packetsSent).toBe(6);
    const inUse = pool.inUse;
    endpoint.close();
    endpoint.close();
    expect(pool.inUse).toBe(inUse - 1);
    expect(endpoint.isClosed).toBe(true);
  });
});
