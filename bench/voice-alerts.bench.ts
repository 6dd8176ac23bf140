import { loadavg } from 'node:os';
import type { Benchmark, BenchResult } from './support/benchmark';
import { percentile, round } from './support/stats';
import { VoiceWorld, voiceSettings, withCalls } from './voice-stack';

export const benchmark: Benchmark = {
  name: 'voice-alerts',
  description:
    'Alert latency, pipeline part only: from a patient transcript delta written by the fake AI (child process) to the RiskSink report of the session (in-memory sink, same process as the pipeline) — Realtime socket, in-order event queue, incremental RiskDetector scan, sink chain. The rest of the spec budget (≤250 ms to API and Socket.io: emergency lib, database, notifications) is not in this number. 20 live calls with caller RTP at 50 packets/s; one delta every 20 ms across them. Knobs: BENCH_VOICE_ALERTS, BENCH_QUICK.',
  async run(): Promise<BenchResult> {
    const s = voiceSettings();
    const calls = Math.min(20, s.calls);
    const world = await VoiceWorld.start();
    try {
      const { result, teardown } = await withCalls(world, calls, 'alert-', async (pipeline) => {
        const reply = await world.request({ type: 'alerts', count: s.alerts, spacingMs: 20 }, 'alertsDone');
        return reply.alerts.map((a) => (pipeline.risks.at.get(a.itemId) ?? Number.NaN) - a.at);
      });
      const latencies = Float64Array.from(result.filter((v) => Number.isFinite(v))).sort();
      return {
        metrics: {
          calls,
          transcript_deltas: result.length,
          reports_missing: result.length - latencies.length,
          alert_pipeline_p50_ms: round(percentile(latencies, 50)),
          alert_pipeline_p99_ms: round(percentile(latencies, 99)),
          alert_pipeline_max_ms: round(latencies[latencies.length - 1]),
          errors: teardown.errors,
          machine_load_1m_after: round(loadavg()[0]),
        },
        ratios: [
          {
            name: 'transcript delta → RiskSink p99 (ms)',
            value: round(percentile(latencies, 99)),
            goal: 'part of ≤250 to API+Socket.io (spec Numbers)',
          },
        ],
      };
    } finally {
      await world.stop();
    }
  },
};
