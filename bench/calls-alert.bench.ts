import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { ConversationService } from '@app/conversations';
import { readProcessEnv } from '@app/platform';
import {
  FakeAsterisk,
  FakeOpenAIRealtime,
  createCaregiver,
  createPatient,
  createTestApp,
  loginSession,
  type FakeRealtimeConnection,
  type TestApp,
  until,
} from '@app/testing';
import type { Benchmark, BenchResult } from './support/benchmark';
import { resolveRedis } from './support/redis';
import { percentile, round } from './support/stats';

/** Knobs: BENCH_CALL_ALERTS (calls, default 40; BENCH_QUICK=1 → 10). */
function callCount(): number {
  const env = readProcessEnv();
  const n = Number(env.BENCH_CALL_ALERTS);
  if (Number.isInteger(n) && n > 0) return n;
  return env.BENCH_QUICK === '1' ? 10 : 40;
}

const SILENCE = Buffer.alloc(1600, 0xff);
/** Latency is measured by polling: every 2 ms. */
const POLL = { timeoutMs: 20_000, intervalMs: 2 };

/** The whole server (createTestApp: real modules, PGlite, Redis, BullMQ voice job) with the Asterisk and OpenAI fakes. */
async function startWorld(
  redisUrl: string,
): Promise<{ t: TestApp; asterisk: FakeAsterisk; openai: FakeOpenAIRealtime; stop(): Promise<void> }> {
  const asterisk = await FakeAsterisk.start();
  const openai = await FakeOpenAIRealtime.start();
  const base = 42_000 + 2 * Math.floor(Math.random() * 4_000);
  const t = await createTestApp({
    listen: true,
    env: {
      REDIS_URL: redisUrl,
      ARI_URL: asterisk.url,
      ARI_USERNAME: asterisk.username,
      ARI_PASSWORD: asterisk.password,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: openai.baseUrl,
      RTP_PORT_MIN: String(base),
      RTP_PORT_MAX: String(base + 999),
    },
  });
  await asterisk.waitFor(() => asterisk.eventSocketCount > 0);
  return {
    t,
    asterisk,
    openai,
    stop: async () => {
      await t.close();
      await openai.stop();
      await asterisk.stop();
    },
  };
}

export const benchmark: Benchmark = {
  name: 'calls-alert',
  description:
    'Emergency alert latency end to end through the booted server: from the fake OpenAI Realtime sending the patient ' +
    'transcript ("…chest pain…") to (a) `alert.created` arriving on a caregiver’s Socket.io connection and (b) the alert ' +
    'being visible in GET /v1/alerts (polled every 2 ms). One call at a time, a fresh patient per call (no merge window), ' +
    'real modules, PGlite, Redis, BullMQ voice job, Asterisk ARI + RTP fake. Goal (voice-pipeline.md): p99 ≤ 250 ms.',

  async run(): Promise<BenchResult> {
    const calls = callCount();
    const redis = await resolveRedis();
    let world: Awaited<ReturnType<typeof startWorld>> | undefined;
    let socket: Socket | undefined;
    try {
      world = await startWorld(redis.url);
      const { t, openai } = world;
      const admin = await createCaregiver(t, { role: 'orgAdmin' });
      const session = await loginSession(t, admin);
      socket = io(t.url as string, { transports: ['websocket'], reconnection: false, auth: { token: session.accessToken } });
      await new Promise<void>((resolve, reject) => {
        socket?.once('connect', () => resolve());
        socket?.once('connect_error', reject);
      });
      const arrivals = new Map<string, number>();
      socket.on('alert.created', (payload: { conversationId: string | null }) => {
        if (payload.conversationId) arrivals.set(payload.conversationId, performance.now());
      });
      const conversations = t.get(ConversationService);
      const socketMs: number[] = [];
      const apiMs: number[] = [];
      for (let i = 0; i < calls; i++) {
        const name = `Bench${randomUUID().slice(0, 8)}`;
        const patient = await createPatient(t, admin, { name: `${name} Patient` });
        const res = await t.http().post('/v1/calls/initiate').set('Authorization', session.authorization).send({ patientId: patient.id });
        if (res.status !== 201) throw new Error(`initiate answered ${res.status}`);
        const callId = (res.body as { conversationId: string }).conversationId;
        const ai = await until<FakeRealtimeConnection>(
          () =>
            openai.connections.find(
              (c) => !c.closed && JSON.stringify(c.eventsOf('session.update')).includes(name) && c.eventsOf('response.create').length > 0,
            ),
          'the greeting',
          POLL,
        );
        ai.respond(SILENCE, `Hello ${name}`).done();
        const item = ai.speechStarted(0);
        const sentAt = performance.now();
        ai.transcribe(item, ['I have a terrible chest pain']);
        const seen = await until(
          async () => {
            const list = await t.http().get('/v1/alerts').set('Authorization', session.authorization);
            return (list.body as Array<{ relatedConversation: string | null }>).some((a) => a.relatedConversation === callId)
              ? performance.now()
              : undefined;
          },
          'the alert in the API',
          POLL,
        );
        apiMs.push(seen - sentAt);
        const pushed = await until(() => arrivals.get(callId), 'the alert on Socket.io', POLL);
        socketMs.push(pushed - sentAt);
        ai.callTool('end_call', { reason: 'goodbye' });
        await until(
          async () => {
            const row = await conversations.find(admin.orgId as string, callId);
            return row && row.status !== 'initiated' && row.status !== 'in-progress' ? true : undefined;
          },
          'the end of the call',
          POLL,
        );
      }
      socketMs.sort((a, b) => a - b);
      apiMs.sort((a, b) => a - b);
      const p = (values: number[], q: number): number => round(percentile(values, q));
      return {
        metrics: {
          calls,
          alert_socket_p50_ms: p(socketMs, 50),
          alert_socket_p99_ms: p(socketMs, 99),
          alert_socket_max_ms: round(Math.max(...socketMs)),
          alert_api_p50_ms: p(apiMs, 50),
          alert_api_p99_ms: p(apiMs, 99),
          alert_api_max_ms: round(Math.max(...apiMs)),
        },
        ratios: [
          { name: 'alert p99 on Socket.io / 250 ms budget', value: round(percentile(socketMs, 99) / 250), goal: '≤1 (p99 ≤ 250 ms)' },
          { name: 'alert p99 in GET /v1/alerts / 250 ms budget', value: round(percentile(apiMs, 99) / 250), goal: '≤1 (p99 ≤ 250 ms)' },
        ],
      };
    } finally {
      socket?.disconnect();
      await world?.stop();
      await redis.stop();
    }
  },
};
