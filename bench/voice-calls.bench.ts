import { loadavg } from 'node:os';
import { createSocket, type Socket } from 'node:dgram';
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { Benchmark, BenchResult } from './support/benchmark';
import { percentile, round } from './support/stats';
import { FRAME_BYTES, monoMs, type WorldCall, type WorldReply } from './voice-protocol';
import { Samples, VoiceWorld, voiceSettings, withCalls, type Teardown } from './voice-stack';

interface Window {
  /** process.cpuUsage (user + system) of this process per call-second of the window, ms. */
  cpuMsPerCallSecond: number;
  /** Main event loop busy time per call-second (voice-media's measure), ms. */
  eluMsPerCallSecond: number;
  seconds: number;
  /** Event-loop delay (monitorEventLoopDelay, 5 ms resolution) over the window, ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** Garbage collection pauses in the window: total and longest, ms. */
  gcMs: number;
  gcMaxMs: number;
  /** Timer wake-ups per second of the shared pacer (pipeline only). */
  pacerWakeupsPerSecond: number;
  done: Extract<WorldReply, { type: 'loadDone' }>;
}

/**
 * One measurement window: the world warms up, says `measuring`, and this process's CPU is taken
 * over `durationMs`; the samplers record only inside it.
 */
async function measure(
  world: VoiceWorld,
  calls: number,
  samplers: Samples[],
  load: { durationMs: number; warmupMs: number; alerts: number },
  pacerTicks: () => number = () => 0,
): Promise<Window> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const gc = { total: 0, max: 0, on: false };
  const gcObserver = new PerformanceObserver((list) => {
    if (!gc.on) return;
    for (const entry of list.getEntries()) {
      gc.total += entry.duration;
      gc.max = Math.max(gc.max, entry.duration);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const window = new Promise<{ cpuMs: number; eluMs: number; seconds: number; ticks: number }>((resolve) => {
    world.onMeasuring(() => {
      const cpu0 = process.cpuUsage();
      const elu0 = performance.eventLoopUtilization();
      const ticks0 = pacerTicks();
      const t0 = monoMs();
      for (const s of samplers) s.on = true;
      gc.on = true;
      delay.enable();
      setTimeout(() => {
        delay.disable();
        gc.on = false;
        for (const s of samplers) s.on = false;
        const cpu = process.cpuUsage(cpu0);
        const elu = performance.eventLoopUtilization(elu0);
        resolve({
          cpuMs: (cpu.user + cpu.system) / 1000,
          eluMs: elu.active,
          seconds: (monoMs() - t0) / 1000,
          ticks: pacerTicks() - ticks0,
        });
      }, load.durationMs);
    });
  });
  await world.request({ type: 'load', ...load, aiAudio: true }, 'ok');
  const w = await window;
  const done = await world.request({ type: 'stopLoad' }, 'loadDone');
  gcObserver.disconnect();
  return {
    cpuMsPerCallSecond: w.cpuMs / (calls * w.seconds),
    eluMsPerCallSecond: w.eluMs / (calls * w.seconds),
    seconds: w.seconds,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
    loopDelayMaxMs: delay.max / 1e6,
    gcMs: gc.total,
    gcMaxMs: gc.max,
    pacerWakeupsPerSecond: w.ticks / w.seconds,
    done,
  };
}

/**
 * The baseline: voice-media's bare forwarder (UDP in, base64 of the whole datagram in a
 * string-template JSON out, no parsing) made two-way with the least work that plays AI audio
 * back: JSON.parse of each server event, base64 decode, 160-byte frames sent by ONE setInterval
 * for all calls behind a fixed RTP header (no pinning, no jitter buffer, no pacing grid, no session).
 */
async function bareTwoWay(
  calls: WorldCall[],
  worldPorts: number[],
  baseUrl: string,
  latency: Samples,
): Promise<{ ports: number[]; forwarded: () => number; close(): void }> {
  const url = `${baseUrl.replace(/^http/, 'ws')}/realtime?model=bench`;
  const sockets: Socket[] = [];
  const clients: WebSocket[] = [];
  const queues: Buffer[][] = [];
  let forwarded = 0;
  for (const call of calls) {
    const ws = new WebSocket(url, { headers: { Authorization: 'Bearer sk-bench' }, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
    ws.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: `Ada ${call.callId}.` } }));
    clients.push(ws);
    const queue: Buffer[] = [];
    queues.push(queue);
    ws.on('message', (data: WebSocket.RawData) => {
      const event = JSON.parse((data as Buffer).toString()) as { type?: string; delta?: string };
      if (event.type !== 'response.output_audio.delta' || !event.delta) return;
      const audio = Buffer.from(event.delta, 'base64');
      for (let o = 0; o + FRAME_BYTES <= audio.length; o += FRAME_BYTES) queue.push(audio.subarray(o, o + FRAME_BYTES));
    });
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    socket.on('message', (msg) => {
      ws.send(`{"type":"input_audio_buffer.append","audio":"${msg.toString('base64')}"}`);
      forwarded++;
      latency.record(monoMs() - msg.readDoubleLE(12));
    });
    sockets.push(socket);
  }
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  let seq = 0;
  const sender = setInterval(() => {
    seq = (seq + 1) & 0xffff;
    header.writeUInt16BE(seq, 2);
    header.writeUInt32BE((seq * FRAME_BYTES) >>> 0, 4);
    for (let i = 0; i < queues.length; i++) {
      const frame = queues[i].shift();
      if (frame) sockets[i].send([header, frame], worldPorts[i], '127.0.0.1');
    }
  }, 20);
  return {
    ports: sockets.map((s) => s.address().port),
    forwarded: () => forwarded,
    close: () => {
      clearInterval(sender);
      for (const s of sockets) s.close();
      for (const c of clients) c.terminate();
    },
  };
}

export const benchmark: Benchmark = {
  name: 'voice-calls',
  description:
    'Concurrent calls on one process: N calls on the whole pipeline (AsteriskTelephony over ARI, RtpEndpoint, CallSession, OpenAIRealtimeClient, shared pacer, real clock) against FakeAsterisk (real RTP over UDP, 50 packets/s per call each way) and FakeOpenAIRealtime (AI audio streamed back faster than real time) in a child process, so process.cpuUsage() here is the pipeline alone; side by side with a bare two-way UDP↔WebSocket forwarder at the same N on the same world. Inbound frame latency (fake Asterisk send → our WebSocket send), egress pacing lateness (pacer deadline → send), cross-talk (call markers in both directions), transcript-delta → RiskSink latency under load, and what is left after teardown on both sides. On a shared machine read the loop-delay and GC lines first: stalls of both variants there come from other processes competing for the cores. Knobs: BENCH_VOICE_CALLS, BENCH_DURATION_MS, BENCH_VOICE_ALERTS, BENCH_QUICK.',
  async run(): Promise<BenchResult> {
    const s = voiceSettings();
    const n = s.calls;
    const load = { durationMs: s.durationMs, warmupMs: s.warmupMs };
    const world = await VoiceWorld.start();
    try {
      // 1. The bare forwarder at the same N.
      const bareLatency = new Samples();
      const ids: WorldCall[] = Array.from({ length: n }, (_, i) => ({ callId: `bare-${i}`, index: i }));
      const { ports: worldPorts } = await world.request({ type: 'openRaw', count: n }, 'rawPorts');
      const bare = await bareTwoWay(ids, worldPorts, world.info.openaiBaseUrl, bareLatency);
      let bareRun: Window;
      try {
        await world.request({ type: 'attach', mode: 'raw', calls: ids, targets: bare.ports }, 'ok');
        bareRun = await measure(world, n, [bareLatency], { ...load, alerts: 0 });
        await world.request({ type: 'detach' }, 'ok');
      } finally {
        bare.close();
      }
      const bareForwarded = bare.forwarded();

      // 2. The pipeline.
      let teardown: Teardown;
      let setupMs: number;
      let run: Window;
      let inboundLatency: Float64Array;
      let lateness: Float64Array;
      let appended: number;
      let alertLatency: number[];
      let media: Record<string, number>;
      {
        const out = await withCalls(world, n, 'call-', async (pipeline) => {
          const w = await measure(
            world,
            n,
            [pipeline.inbound.latency, pipeline.pacer.lateness],
            { ...load, alerts: s.alerts },
            () => pipeline.pacer.ticks,
          );
          return {
            w,
            inbound: pipeline.inbound.latency.sorted(),
            lateness: pipeline.pacer.lateness.sorted(),
            appended: pipeline.inbound.appended,
            media: pipeline.mediaStats(),
            alerts: w.done.alerts.map((a) => (pipeline.risks.at.get(a.itemId) ?? Number.NaN) - a.at),
          };
        });
        ({ teardown, setupMs } = out);
        run = out.result.w;
        inboundLatency = out.result.inbound;
        lateness = out.result.lateness;
        appended = out.result.appended;
        alertLatency = out.result.alerts;
        media = out.result.media;
      }
      const bareSorted = bareLatency.sorted();
      const alerts = Float64Array.from(alertLatency.filter((v) => Number.isFinite(v))).sort();
      const ct = run.done.crossTalk;
      return {
        metrics: {
          calls: n,
          window_s: round(run.seconds),
          call_setup_s: round(setupMs / 1000),
          forwarder_cpu_ms_per_call_s: round(bareRun.cpuMsPerCallSecond),
          pipeline_cpu_ms_per_call_s: round(run.cpuMsPerCallSecond),
          forwarder_loop_busy_ms_per_call_s: round(bareRun.eluMsPerCallSecond),
          pipeline_loop_busy_ms_per_call_s: round(run.eluMsPerCallSecond),
          forwarder_loop_delay_p99_max_ms: `${round(bareRun.loopDelayP99Ms)} / ${round(bareRun.loopDelayMaxMs)}`,
          pipeline_loop_delay_p99_max_ms: `${round(run.loopDelayP99Ms)} / ${round(run.loopDelayMaxMs)}`,
          forwarder_gc_total_max_ms: `${round(bareRun.gcMs)} / ${round(bareRun.gcMaxMs)}`,
          pipeline_gc_total_max_ms: `${round(run.gcMs)} / ${round(run.gcMaxMs)}`,
          pacer_wakeups_per_s: round(run.pacerWakeupsPerSecond),
          forwarder_inbound_p50_ms: round(percentile(bareSorted, 50)),
          forwarder_inbound_p99_ms: round(percentile(bareSorted, 99)),
          pipeline_inbound_p50_ms: round(percentile(inboundLatency, 50)),
          pipeline_inbound_p99_ms: round(percentile(inboundLatency, 99)),
          forwarder_inbound_lost: bareRun.done.inboundSent - bareForwarded,
          pipeline_inbound_lost: run.done.inboundSent - appended,
          pipeline_inbound_sent: run.done.inboundSent,
          pipeline_inbound_where_lost: `rtp received ${media.packetsReceived}, dropped late ${media.drop_late ?? 0} / dup ${media.drop_duplicate ?? 0} / source ${media['drop_unexpected-source'] ?? 0}, jitter gaps ${media.jitterLost}, session dropped ${media.framesDropped}`,
          pacing_lateness_p50_ms: round(percentile(lateness, 50)),
          pacing_lateness_p99_ms: round(percentile(lateness, 99)),
          pacing_lateness_max_ms: round(lateness[lateness.length - 1]),
          ai_frames_on_wire_per_call_s: round(run.done.aiFramesPerCallSecond),
          cross_talk_inbound: `${ct.inboundWrong} wrong of ${ct.inboundChecked}`,
          cross_talk_outbound: `${ct.outboundWrong} wrong of ${ct.outboundChecked}`,
          alert_pipeline_samples: alertLatency.length,
          alert_pipeline_missing: alertLatency.length - alerts.length,
          alert_pipeline_p50_ms: round(percentile(alerts, 50)),
          alert_pipeline_p99_ms: round(percentile(alerts, 99)),
          teardown_ms: round(teardown.ms),
          leaked_ports: teardown.ports,
          leaked_legs: teardown.legs,
          leaked_sessions: teardown.sessions,
          leaked_pacer_sessions: teardown.pacerActive,
          leaked_ari_channels: teardown.channels,
          leaked_ari_bridges: teardown.bridges,
          leaked_media_sockets: teardown.mediaSockets,
          leaked_ai_sockets: teardown.aiOpen,
          fake_world_loop_busy_pct: run.done.busyPct,
          errors: teardown.errors,
          machine_load_1m_after: round(loadavg()[0]),
          ...(teardown.firstError ? { first_error: teardown.firstError } : {}),
        },
        ratios: [
          {
            name: 'pipeline/forwarder CPU per call-second',
            value: round(run.cpuMsPerCallSecond / bareRun.cpuMsPerCallSecond),
            goal: '≤1.5 (spec Numbers)',
          },
          {
            name: 'pipeline − forwarder inbound p99 (ms)',
            value: round(percentile(inboundLatency, 99) - percentile(bareSorted, 99)),
            goal: '≤1 at 200 calls',
          },
          { name: 'pacing lateness p99 (ms)', value: round(percentile(lateness, 99)), goal: '≤5' },
          { name: 'cross-talk frames', value: ct.inboundWrong + ct.outboundWrong, goal: '0' },
          {
            name: 'leaked ports+legs+channels+bridges+AI',
            value: teardown.ports + teardown.legs + teardown.channels + teardown.bridges + teardown.aiOpen,
            goal: '0',
          },
          { name: 'transcript delta → RiskSink p99 (ms)', value: round(percentile(alerts, 99)), goal: 'part of ≤250' },
        ],
      };
    } finally {
      await world.stop();
    }
  },
};
