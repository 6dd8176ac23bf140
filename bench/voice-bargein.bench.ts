import { loadavg } from 'node:os';
import type { Benchmark, BenchResult } from './support/benchmark';
import { percentile, round } from './support/stats';
import type { BargeInSample, CrossTalk } from './voice-protocol';
import { VoiceWorld, voiceSettings, withCalls, type Teardown } from './voice-stack';

/** Calls that barge in (the rest of a loaded run only carries background audio). */
const BARGING_CALLS = 20;

const sortedOf = (values: number[]): Float64Array => Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();

interface Phase {
  samples: BargeInSample[];
  crossTalk: CrossTalk;
  sessionBargeIns: number;
  teardown: Teardown;
}

async function phase(world: VoiceWorld, calls: number, perCall: number, background: boolean): Promise<Phase> {
  const { result, teardown } = await withCalls(world, calls, background ? 'busy-' : 'barge-', async (pipeline) => {
    if (background)
      await world.request({ type: 'load', durationMs: 1000, warmupMs: 500, alerts: 0, aiAudio: true, aiFrom: BARGING_CALLS }, 'ok');
    const reply = await world.request({ type: 'bargein', perCall, legs: BARGING_CALLS }, 'bargeinDone');
    const crossTalk = background ? (await world.request({ type: 'stopLoad' }, 'loadDone')).crossTalk : reply.crossTalk;
    const sessionBargeIns = pipeline.sessions.reduce((sum, x) => sum + x.stats.bargeIns, 0);
    return { samples: reply.samples, crossTalk, sessionBargeIns };
  });
  return { ...result, teardown };
}

function summary(prefix: string, p: Phase): BenchResult['metrics'] {
  const stop = sortedOf(p.samples.map((x) => x.stopMs));
  const playbackEnd = sortedOf(p.samples.map((x) => Math.max(0, x.lastFrameMs + 20)));
  const cancel = sortedOf(p.samples.map((x) => x.cancelMs));
  const truncate = sortedOf(p.samples.map((x) => x.truncateMs));
  const framesAfter = sortedOf(p.samples.map((x) => x.framesAfter));
  const t = p.teardown;
  return {
    [`${prefix}_barge_ins`]: `${p.samples.length} (sessions counted ${p.sessionBargeIns})`,
    [`${prefix}_stop_p50_ms`]: round(percentile(stop, 50)),
    [`${prefix}_stop_p99_ms`]: round(percentile(stop, 99)),
    [`${prefix}_stop_max_ms`]: round(stop[stop.length - 1]),
    [`${prefix}_last_frame_heard_until_p99_ms`]: round(percentile(playbackEnd, 99)),
    [`${prefix}_frames_after_speech_started`]: `p50 ${percentile(framesAfter, 50)}, max ${framesAfter[framesAfter.length - 1]}, >250 ms: ${p.samples.reduce((sum, x) => sum + x.lateFrames, 0)}`,
    [`${prefix}_cancel_p50_ms`]: round(percentile(cancel, 50)),
    [`${prefix}_cancel_p99_ms`]: round(percentile(cancel, 99)),
    [`${prefix}_truncate_p50_ms`]: round(percentile(truncate, 50)),
    [`${prefix}_truncate_p99_ms`]: round(percentile(truncate, 99)),
    [`${prefix}_cancel_truncate_missing`]: `${p.samples.length - cancel.length} / ${p.samples.length - truncate.length}`,
    [`${prefix}_cross_talk_frames`]: p.crossTalk.inboundWrong + p.crossTalk.outboundWrong,
    [`${prefix}_leaked`]: `ports ${t.ports}, legs ${t.legs}, sessions ${t.sessions}, channels ${t.channels}, bridges ${t.bridges}, AI sockets ${t.aiOpen}`,
    [`${prefix}_errors`]: t.errors,
    ...(t.firstError ? { [`${prefix}_first_error`]: t.firstError } : {}),
  };
}

export const benchmark: Benchmark = {
  name: 'voice-bargein',
  description:
    'Barge-in on the real clock, real UDP and real ws: the whole pipeline (AsteriskTelephony + CallSession + shared pacer) against FakeAsterisk and FakeOpenAIRealtime in a child process, caller RTP at 50 packets/s on every call. The fake AI streams an answer (3 s of audio at once), the patient interrupts 100–500 ms into it (input_audio_buffer.speech_started); stop = speech_started sent → last frame of that answer arriving at the fake Asterisk (0 when none left after it); the fake AI times response.cancel and conversation.item.truncate. Twice: 20 calls alone, then the same 20 among BENCH_VOICE_CALLS calls whose AI audio streams both ways. Knobs: BENCH_VOICE_BARGE_INS, BENCH_VOICE_CALLS, BENCH_QUICK.',
  async run(): Promise<BenchResult> {
    const s = voiceSettings();
    const calls = Math.min(BARGING_CALLS, s.calls);
    const perCall = Math.ceil(s.bargeIns / calls);
    const world = await VoiceWorld.start();
    try {
      const alone = await phase(world, calls, perCall, false);
      const loaded = s.calls > BARGING_CALLS ? await phase(world, s.calls, perCall, true) : undefined;
      const p99 = (p: Phase): number => round(percentile(sortedOf(p.samples.map((x) => x.stopMs)), 99));
      return {
        metrics: {
          barging_calls: calls,
          loaded_calls: loaded ? s.calls : 'skipped (BENCH_VOICE_CALLS ≤ 20)',
          ...summary('alone', alone),
          ...(loaded ? summary('loaded', loaded) : {}),
          machine_load_1m_after: round(loadavg()[0]),
        },
        ratios: [
          { name: `barge-in stop p99, ${calls} calls (ms)`, value: p99(alone), goal: '≤40 (spec Numbers)' },
          ...(loaded ? [{ name: `barge-in stop p99, ${s.calls} calls (ms)`, value: p99(loaded), goal: '≤40 (spec Numbers)' }] : []),
        ],
      };
    } finally {
      await world.stop();
    }
  },
};
