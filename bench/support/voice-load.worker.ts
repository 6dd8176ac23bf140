// Worker-thread side of bench/voice-media.bench.ts: the "Asterisk" RTP generator (one UDP socket
// per call, 20 ms frames on a drift-free schedule, send time embedded in the payload) and the
// "OpenAI" WebSocket sink. Running here keeps its CPU off the event loop under test. Not a benchmark.
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocketServer } from 'ws';

export interface VoiceLoadJob {
  calls: number;
  warmupMs: number;
  durationMs: number;
}

export type VoiceLoadMessage =
  { type: 'ready'; wsPort: number; sourcePorts: number[] } | { type: 'measuring' } | { type: 'done'; sent: number; sinkMessages: number };

export type VoiceLoadCommand = { type: 'targets'; ports: number[] };

const job = workerData as VoiceLoadJob;
const port = parentPort;

async function main(): Promise<void> {
  if (!port) throw new Error('voice-load.worker must run as a worker thread');
  let sinkMessages = 0;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => ws.on('message', () => sinkMessages++));
  const sockets: Socket[] = [];
  for (let i = 0; i < job.calls; i++) {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    sockets.push(socket);
  }
  port.postMessage({
    type: 'ready',
    wsPort: (wss.address() as AddressInfo).port,
    sourcePorts: sockets.map((s) => s.address().port),
  } satisfies VoiceLoadMessage);
  const targets = await new Promise<number[]>((resolve) => port.once('message', (m: VoiceLoadCommand) => resolve(m.ports)));

  const packets = sockets.map((_, i) => {
    const p = Buffer.alloc(12 + 160, 0xff);
    p[0] = 0x80;
    p[1] = 0;
    p.writeUInt32BE(0x10000 + i, 8);
    return p;
  });
  const sentPerCall = new Array<number>(job.calls).fill(0);
  const start = performance.now() + 20;
  const end = start + job.warmupMs + job.durationMs;
  let measuring = false;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      if (!measuring && now >= start + job.warmupMs) {
        measuring = true;
        port.postMessage({ type: 'measuring' } satisfies VoiceLoadMessage);
      }
      for (let i = 0; i < job.calls; i++) {
        const offset = (i * 20) / job.calls; // calls spread over the 20 ms frame
        while (start + offset + sentPerCall[i] * 20 <= now && start + offset + sentPerCall[i] * 20 < end) {
          const k = sentPerCall[i]++;
          const p = packets[i];
          p.writeUInt16BE(k & 0xffff, 2);
          p.writeUInt32BE((k * 160) >>> 0, 4);
          p.writeDoubleLE(performance.timeOrigin + performance.now(), 12);
          // A copy per datagram: a second packet of the same call in this pass must not rewrite one still queued.
          sockets[i].send(Buffer.from(p), targets[i], '127.0.0.1');
          sent++;
        }
      }
      if (now >= end) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  // Let the last frames drain through the bridge to the sink.
  await new Promise((resolve) => setTimeout(resolve, 200));
  port.postMessage({ type: 'done', sent, sinkMessages } satisfies VoiceLoadMessage);
  for (const s of sockets) s.close();
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
}

main().catch((err: unknown) => {
  throw err;
});
