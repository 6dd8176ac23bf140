// The fake world of the voice call benches, run as a CHILD PROCESS (forked by bench/voice-stack.ts):
// FakeAsterisk (ARI + real RTP over UDP) and FakeOpenAIRealtime (ws) from @app/testing, plus the
// traffic: caller RTP at 50 packets/s per call, AI audio streamed back faster than real time,
// barge-ins, transcript deltas. Keeping the fakes out of the bench process makes
// `process.cpuUsage()` there the pipeline's own CPU. Times are `monoMs()` (CLOCK_MONOTONIC, shared
// by both processes). Not a benchmark module.
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { FakeAsterisk, FakeOpenAIRealtime, type FakeRealtimeConnection, type FakeResponse } from '@app/testing';
import {
  AI_MAGIC,
  FRAME_BYTES,
  INBOUND_MAGIC,
  monoMs,
  type AlertSent,
  type BargeInSample,
  type CrossTalk,
  type WorldCall,
  type WorldCommand,
  type WorldReply,
} from './voice-protocol';

interface Leg {
  call: WorldCall;
  socket: Socket;
  host: string;
  port: number;
  /** A socket the world opened itself (raw mode): closed on detach. */
  own: boolean;
  conn: FakeRealtimeConnection;
  packet: Buffer;
  seq: number;
  ts: number;
  sent: number;
  aiFrames: number;
  aiWrong: number;
  /** The response whose frames are being timed (barge-in), and what arrived of it. */
  tag: number;
  tagFrames: number;
  tagLast: number;
  bargeAt: number;
  framesAfter: number;
  lateFrames: number;
  cancelAt: number;
  truncateAt: number;
  response: FakeResponse | undefined;
  hooked: boolean;
  onMessage: (data: Buffer) => void;
}

let asterisk: FakeAsterisk;
let openai: FakeOpenAIRealtime;
let legs: Leg[] = [];
const raw: Socket[] = [];
let nextTag = 1;

function reply(message: WorldReply): void {
  process.send?.(message);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `ms` of AI audio for call `index`, every 20 ms frame marked with the call and the response. */
function aiAudio(index: number, tag: number, ms: number): Buffer {
  const frames = Math.round(ms / 20);
  const audio = Buffer.alloc(frames * FRAME_BYTES, 0xff);
  for (let f = 0; f < frames; f++) {
    audio.writeUInt32BE(AI_MAGIC, f * FRAME_BYTES);
    audio.writeUInt32BE(index, f * FRAME_BYTES + 4);
    audio.writeUInt32BE(tag, f * FRAME_BYTES + 8);
  }
  return audio;
}

/** The Realtime connection whose session.update names the call (`Ada <callId>.`, as VoiceCallHarness.aiOf). */
async function connectionOf(callId: string): Promise<FakeRealtimeConnection> {
  const marker = `Ada ${callId}.`;
  const deadline = monoMs() + 20_000;
  for (;;) {
    const found = openai.connections.find(
      (c) =>
        !c.closed &&
        c.received.some((e) => {
          if (e.type !== 'session.update') return false;
          const instructions = (e.session as { instructions?: unknown } | undefined)?.instructions;
          return typeof instructions === 'string' && instructions.includes(marker);
        }),
    );
    if (found) return found;
    if (monoMs() > deadline) throw new Error(`no Realtime connection for call ${callId}`);
    await sleep(10);
  }
}

function newLeg(call: WorldCall, socket: Socket, host: string, port: number, own: boolean, conn: FakeRealtimeConnection): Leg {
  const packet = Buffer.alloc(12 + FRAME_BYTES, 0xff);
  packet[0] = 0x80;
  packet[1] = 0;
  packet.writeUInt32BE(0x10000 + call.index, 8);
  packet.writeUInt32BE(INBOUND_MAGIC, 12 + 8);
  packet.writeUInt32BE(call.index, 12 + 12);
  const leg: Leg = {
    call,
    socket,
    host,
    port,
    own,
    conn,
    packet,
    seq: (call.index * 7919) & 0xffff,
    ts: (call.index * 104729) >>> 0,
    sent: 0,
    aiFrames: 0,
    aiWrong: 0,
    tag: 0,
    tagFrames: 0,
    tagLast: 0,
    bargeAt: Number.POSITIVE_INFINITY,
    framesAfter: 0,
    lateFrames: 0,
    cancelAt: Number.NaN,
    truncateAt: Number.NaN,
    response: undefined,
    hooked: true,
    onMessage: (data) => {
      const t = monoMs();
      if (data.length < 12 || data[0] >> 6 !== 2) return;
      const offset = 12 + (data[0] & 0x0f) * 4;
      if (data.length < offset + 12 || data.readUInt32BE(offset) !== AI_MAGIC) return;
      leg.aiFrames++;
      if (data.readUInt32BE(offset + 4) !== call.index) leg.aiWrong++;
      if (data.readUInt32BE(offset + 8) !== leg.tag) return;
      leg.tagFrames++;
      leg.tagLast = t;
      if (t > leg.bargeAt) leg.framesAfter++;
      if (t > leg.bargeAt + 250) leg.lateFrames++;
    },
  };
  socket.on('message', leg.onMessage);
  // Times of the barge-in reactions, taken synchronously as each client event is handled.
  void conn.waitFor(() => {
    const last = conn.received[conn.received.length - 1];
    if (last?.type === 'response.cancel' && Number.isNaN(leg.cancelAt)) leg.cancelAt = monoMs();
    else if (last?.type === 'conversation.item.truncate' && Number.isNaN(leg.truncateAt)) leg.truncateAt = monoMs();
    return !leg.hooked;
  });
  return leg;
}

async function attach(command: Extract<WorldCommand, { type: 'attach' }>): Promise<void> {
  const attached: Leg[] = [];
  for (const [i, call] of command.calls.entries()) {
    const conn = await connectionOf(call.callId);
    if (command.mode === 'raw') {
      const target = command.targets?.[i];
      if (target === undefined) throw new Error(`no target port for call ${call.callId}`);
      attached.push(newLeg(call, raw[i], '127.0.0.1', target, true, conn));
    } else {
      const media = asterisk.mediaLegOf(call.channelId ?? '');
      if (!media) throw new Error(`call ${call.callId} has no bridged media leg`);
      attached.push(newLeg(call, media.socket, media.remote.host, media.remote.port, false, conn));
    }
  }
  legs = attached;
}

/** Caller RTP on every leg at 50 packets/s on a drift-free schedule, calls spread over the 20 ms frame. */
function startInbound(): { stop(): void; sent(): number } {
  const start = monoMs() + 20;
  let stopped = false;
  let total = 0;
  const n = legs.length;
  const tick = (): void => {
    if (stopped) return;
    const now = monoMs();
    for (let i = 0; i < n; i++) {
      const leg = legs[i];
      const offset = (i * 20) / n;
      while (start + offset + leg.sent * 20 <= now) {
        const p = leg.packet;
        p.writeUInt16BE(leg.seq, 2);
        p.writeUInt32BE(leg.ts, 4);
        p.writeDoubleLE(monoMs(), 12);
        leg.seq = (leg.seq + 1) & 0xffff;
        leg.ts = (leg.ts + FRAME_BYTES) >>> 0;
        leg.sent++;
        total++;
        // A copy per datagram: a send libuv queues keeps a reference to the buffer, and reusing it
        // for the next packet of a catch-up burst would resend that one (a duplicate, seen as late).
        leg.socket.send(Buffer.from(p), leg.port, leg.host);
      }
    }
    setTimeout(tick, 1);
  };
  tick();
  return {
    stop: () => void (stopped = true),
    sent: () => total,
  };
}

/** One long AI answer per call: 1 s at once, then 0.5 s every 0.5 s (faster than real time, bursty). */
function startAiStream(from: number): { stop(): void } {
  const streamed = legs.slice(from);
  for (const leg of streamed) {
    leg.tag = nextTag++;
    leg.response = leg.conn.startResponse();
    leg.response.audio(aiAudio(leg.call.index, leg.tag, 1000));
  }
  let slot = 0;
  const timer = setInterval(() => {
    for (let i = slot; i < streamed.length; i += 20) streamed[i].response?.audio(aiAudio(streamed[i].call.index, streamed[i].tag, 500));
    slot = (slot + 1) % 20;
  }, 25);
  return {
    stop: () => {
      clearInterval(timer);
      for (const leg of streamed) leg.response?.done();
      for (const leg of streamed) leg.response = undefined;
    },
  };
}

function sendAlert(leg: Leg, k: number): AlertSent {
  const itemId = `alert_${leg.call.index}_${k}`;
  const at = monoMs();
  leg.conn.send({
    type: 'conversation.item.input_audio_transcription.delta',
    item_id: itemId,
    content_index: 0,
    delta: 'oh dear, I fell in the kitchen this morning',
  });
  return { itemId, at };
}

/** Caller audio that reached the fake AI with the marker of another call, and AI audio on another call's leg. */
function crossTalk(): CrossTalk {
  const result: CrossTalk = { inboundChecked: 0, inboundWrong: 0, outboundChecked: 0, outboundWrong: 0 };
  for (const leg of legs) {
    for (const e of leg.conn.received) {
      if (e.type !== 'input_audio_buffer.append' || typeof e.audio !== 'string') continue;
      const audio = Buffer.from(e.audio, 'base64');
      if (audio.length < 16 || audio.readUInt32BE(8) !== INBOUND_MAGIC) continue;
      result.inboundChecked++;
      if (audio.readUInt32BE(12) !== leg.call.index) result.inboundWrong++;
    }
    result.outboundChecked += leg.aiFrames;
    result.outboundWrong += leg.aiWrong;
  }
  return result;
}

let load:
  { inbound: ReturnType<typeof startInbound>; ai: ReturnType<typeof startAiStream> | undefined; done: Promise<AlertSent[]> } | undefined;
let loadElu: ReturnType<typeof performance.eventLoopUtilization> | undefined;
let windowStart = { at: 0, aiFrames: 0 };

function runLoad(command: Extract<WorldCommand, { type: 'load' }>): void {
  const inbound = startInbound();
  const ai = command.aiAudio ? startAiStream(command.aiFrom ?? 0) : undefined;
  const done = (async (): Promise<AlertSent[]> => {
    await sleep(command.warmupMs);
    loadElu = performance.eventLoopUtilization();
    windowStart = { at: monoMs(), aiFrames: legs.reduce((sum, l) => sum + l.aiFrames, 0) };
    reply({ id: 0, type: 'measuring' });
    const alerts: AlertSent[] = [];
    if (command.alerts > 0) {
      const spacing = command.durationMs / command.alerts;
      for (let k = 0; k < command.alerts && load; k++) {
        alerts.push(sendAlert(legs[(k * 37) % legs.length], k));
        await sleep(spacing);
      }
    }
    return alerts;
  })();
  load = { inbound, ai, done };
}

async function stopLoad(id: number): Promise<void> {
  const current = load;
  if (!current) throw new Error('no load running');
  const busy = loadElu ? performance.eventLoopUtilization(loadElu).utilization : Number.NaN;
  const aiFramesInWindow = legs.reduce((sum, l) => sum + l.aiFrames, 0) - windowStart.aiFrames;
  const windowSeconds = (monoMs() - windowStart.at) / 1000;
  current.inbound.stop();
  current.ai?.stop();
  const alerts = await current.done;
  load = undefined;
  await sleep(300); // in-flight frames drain
  const aiFramesReceived = legs.reduce((sum, l) => sum + l.aiFrames, 0);
  reply({
    id,
    type: 'loadDone',
    inboundSent: current.inbound.sent(),
    aiFramesReceived,
    aiFramesPerCallSecond: aiFramesInWindow / (legs.length * windowSeconds),
    crossTalk: crossTalk(),
    alerts,
    busyPct: Math.round(busy * 1000) / 10,
  });
}

/**
 * `perCall` barge-ins on each of the first `count` legs in parallel, caller audio flowing all the
 * time (started here unless a load is running).
 */
async function bargeIns(perCall: number, count: number): Promise<BargeInSample[]> {
  const inbound = load ? undefined : startInbound();
  const samples: BargeInSample[] = [];
  const active = legs.slice(0, count);
  try {
    await Promise.all(
      active.map(async (leg, i) => {
        await sleep((i * 500) / active.length); // stagger the calls
        for (let k = 0; k < perCall; k++) {
          leg.tag = nextTag++;
          leg.tagFrames = 0;
          leg.tagLast = 0;
          leg.framesAfter = 0;
          leg.lateFrames = 0;
          leg.bargeAt = Number.POSITIVE_INFINITY;
          leg.cancelAt = Number.NaN;
          leg.truncateAt = Number.NaN;
          const response = leg.conn.startResponse();
          response.audio(aiAudio(leg.call.index, leg.tag, 3000));
          const deadline = monoMs() + 3000;
          while (leg.tagFrames === 0 && monoMs() < deadline) await sleep(2);
          if (leg.tagFrames === 0) throw new Error(`call ${leg.call.callId}: the AI answer never reached the phone`);
          await sleep(100 + Math.random() * 400); // the patient interrupts somewhere in the answer
          const at = monoMs();
          leg.bargeAt = at;
          leg.conn.speechStarted(Math.round(at));
          await sleep(400);
          response.done('cancelled'); // no-op when the session's response.cancel already ended it
          samples.push({
            stopMs: Math.max(0, leg.tagLast - at),
            lastFrameMs: leg.tagLast - at,
            framesAfter: leg.framesAfter,
            cancelMs: leg.cancelAt - at,
            truncateMs: leg.truncateAt - at,
            lateFrames: leg.lateFrames,
          });
          leg.conn.speechStopped(`item_${k}`, 500);
          await sleep(50);
        }
      }),
    );
  } finally {
    inbound?.stop();
  }
  return samples;
}

async function alertsOnly(count: number, spacingMs: number): Promise<AlertSent[]> {
  const inbound = startInbound();
  const sent: AlertSent[] = [];
  try {
    for (let k = 0; k < count; k++) {
      sent.push(sendAlert(legs[k % legs.length], k));
      await sleep(spacingMs);
    }
    await sleep(200);
  } finally {
    inbound.stop();
  }
  return sent;
}

function detach(): void {
  for (const leg of legs) {
    leg.hooked = false;
    leg.socket.off('message', leg.onMessage);
    leg.response?.done();
  }
  for (const leg of legs) if (leg.own) leg.socket.close();
  legs = [];
  raw.length = 0;
}

async function leaks(settleMs: number): Promise<WorldReply> {
  const count = (): { channels: number; bridges: number; mediaSockets: number; aiOpen: number } => ({
    channels: asterisk.channels.size,
    bridges: asterisk.bridges.size,
    mediaSockets: [...asterisk.channels.values()].filter((c) => c.media).length,
    aiOpen: openai.connections.filter((c) => !c.closed).length,
  });
  const deadline = monoMs() + settleMs;
  let now = count();
  while (now.channels + now.bridges + now.aiOpen > 0 && monoMs() < deadline) {
    await sleep(20);
    now = count();
  }
  return { id: 0, type: 'leaks', ...now };
}

async function handle(command: WorldCommand): Promise<void> {
  switch (command.type) {
    case 'openRaw': {
      for (let i = 0; i < command.count; i++) {
        const socket = createSocket('udp4');
        await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
        raw.push(socket);
      }
      return reply({ id: command.id, type: 'rawPorts', ports: raw.map((s) => s.address().port) });
    }
    case 'attach':
      await attach(command);
      return reply({ id: command.id, type: 'ok' });
    case 'load':
      runLoad(command);
      return reply({ id: command.id, type: 'ok' });
    case 'stopLoad':
      return stopLoad(command.id);
    case 'bargein': {
      const samples = await bargeIns(command.perCall, command.legs ?? legs.length);
      await sleep(200);
      return reply({ id: command.id, type: 'bargeinDone', samples, crossTalk: crossTalk() });
    }
    case 'alerts':
      return reply({ id: command.id, type: 'alertsDone', alerts: await alertsOnly(command.count, command.spacingMs) });
    case 'detach':
      detach();
      return reply({ id: command.id, type: 'ok' });
    case 'leaks':
      return reply({ ...(await leaks(command.settleMs)), id: command.id } as WorldReply);
    case 'stop':
      detach();
      await asterisk.stop();
      await openai.stop();
      reply({ id: command.id, type: 'ok' });
      process.disconnect?.();
      return;
  }
}

async function main(): Promise<void> {
  asterisk = await FakeAsterisk.start();
  openai = await FakeOpenAIRealtime.start({ apiKey: 'sk-bench' });
  process.on('message', (command: WorldCommand) => {
    handle(command).catch((err: unknown) =>
      reply({ id: command.id, type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  reply({
    id: 0,
    type: 'started',
    info: {
      ari: { url: asterisk.url, username: asterisk.username, password: asterisk.password },
      openaiBaseUrl: openai.baseUrl,
    },
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`voice world failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
