import type { RealtimeClientEvent as SdkClientEvent, RealtimeServerEvent as SdkServerEvent } from 'openai/resources/realtime/realtime';
import { FakeOpenAIRealtime, type FakeRealtimeConnection } from '@app/testing';
import {
  OpenAIRealtimeClient,
  RealtimeConnectError,
  phoneSessionConfig,
  realtimeUrl,
  type RealtimeCloseInfo,
} from './openai-realtime-client';
import type { RealtimeClientEvent, RealtimeServerEvent } from './realtime.types';

// Compile-time protocol check: every client event we can send is a valid GA client event of the
// openai SDK, and each server event type we handle exists in the SDK's GA server union.
export const clientEventsAreGa: (e: RealtimeClientEvent) => SdkClientEvent = (e) => e;
export const serverTypesAreGa: (t: RealtimeServerEvent['type']) => SdkServerEvent['type'] = (t) => t;

describe('realtimeUrl', () => {
  it('derives the WebSocket URL from OPENAI_BASE_URL', () => {
    expect(realtimeUrl('https://api.openai.com/v1', 'gpt-realtime')).toBe('wss://api.openai.com/v1/realtime?model=gpt-realtime');
    expect(realtimeUrl('http://127.0.0.1:9999/v1/', 'gpt-realtime-mini')).toBe('ws://127.0.0.1:9999/v1/realtime?model=gpt-realtime-mini');
    expect(() => realtimeUrl('ftp://x/v1', 'm')).toThrow('unsupported');
  });
});

describe('OpenAIRealtimeClient against FakeOpenAIRealtime', () => {
  let fake: FakeOpenAIRealtime;
  const clients: OpenAIRealtimeClient[] = [];

  beforeEach(async () => {
    fake = await FakeOpenAIRealtime.start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await fake.stop();
  });

  /** A connected client whose events are collected; `until(type)` waits for one. */
  async function session(handlerOverride?: (e: RealtimeServerEvent) => void | Promise<void>) {
    const events: RealtimeServerEvent[] = [];
    const waiters: { test: (e: RealtimeServerEvent) => boolean; resolve: (e: RealtimeServerEvent) => void }[] = [];
    const errors: unknown[] = [];
    let received = 0;
    const receiptWaiters: { n: number; resolve: () => void }[] = [];
    const client = new OpenAIRealtimeClient({
      apiKey: 'sk-test',
      baseUrl: fake.baseUrl,
      model: 'gpt-realtime',
      onHandlerError: (e) => errors.push(e),
      onReceived: () => {
        received++;
        for (const w of receiptWaiters.filter((x) => received >= x.n)) {
          receiptWaiters.splice(receiptWaiters.indexOf(w), 1);
          w.resolve();
        }
      },
    });
    clients.push(client);
    client.onEvent(async (e) => {
      events.push(e);
      for (const w of waiters.filter((x) => x.test(e))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
      await handlerOverride?.(e);
    });
    const accepted = fake.nextConnection();
    await client.connect();
    const server: FakeRealtimeConnection = await accepted;
    const until = <T extends RealtimeServerEvent['type']>(type: T): Promise<Extract<RealtimeServerEvent, { type: T }>> => {
      const seen = events.find((e) => e.type === type);
      if (seen) return Promise.resolve(seen as Extract<RealtimeServerEvent, { type: T }>);
      return new Promise((resolve) =>
        waiters.push({ test: (e) => e.type === type, resolve: (e) => resolve(e as Extract<RealtimeServerEvent, { type: T }>) }),
      );
    };
    /** Resolves once `n` events have arrived (handled or still queued). */
    const arrived = (n: number): Promise<void> =>
      received >= n ? Promise.resolve() : new Promise((resolve) => receiptWaiters.push({ n, resolve }));
    return { client, server, events, until, errors, arrived };
  }

  it('connects with the API key and configures a µ-law phone session', async () => {
    const { client, server, until } = await session();
    expect(server.model).toBe('gpt-realtime');
    expect(server.authorization).toBe('Bearer sk-test');
    expect((await until('session.created')).session.type).toBe('realtime');
    client.updateSession(phoneSessionConfig({ instructions: 'Be warm.', voice: 'marin', language: 'en' }));
    const updated = await until('session.updated');
    expect(updated.session.audio?.input?.format).toEqual({ type: 'audio/pcmu' });
    expect(updated.session.audio?.output?.format).toEqual({ type: 'audio/pcmu' });
    expect(updated.session.audio?.input?.turn_detection).toMatchObject({ type: 'server_vad', silence_duration_ms: 900 });
    expect(updated.session.audio?.input?.transcription).toMatchObject({ model: 'gpt-4o-mini-transcribe', language: 'en' });
  });

  it('appends caller audio as base64 µ-law', async () => {
    const { client, server } = await session();
    expect(client.appendAudio(Buffer.alloc(160, 0x7f))).toBe(true);
    expect(client.appendAudio(new Uint8Array(160))).toBe(true);
    await server.waitFor(() => server.audioBytes === 320);
    const append = await server.waitForEvent('input_audio_buffer.append');
    expect(Buffer.from(String(append.audio), 'base64').equals(Buffer.alloc(160, 0x7f))).toBe(true);
    expect(client.stats).toMatchObject({ audioBytesSent: 320, audioAppendsDropped: 0 });
  });

  it('delivers events strictly in order, waiting for an async handler', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const seenWhileBlocked: string[] = [];
    let blocked = false;
    const { server, events, until, arrived } = await session(async (e) => {
      if (blocked) seenWhileBlocked.push(e.type);
      if (e.type === 'input_audio_buffer.speech_started') {
        blocked = true;
        await gate;
        blocked = false;
      }
    });
    await until('session.created');
    const item = server.speechStarted(120);
    server.speechStopped(item, 900);
    server.transcribe(item, ['I fell ', 'in the kitchen']);
    await arrived(7); // everything is here, queued behind the blocked handler
    expect(events.map((e) => e.type)).toEqual(['session.created', 'input_audio_buffer.speech_started']);
    release();
    const done = await until('conversation.item.input_audio_transcription.completed');
    expect(done.transcript).toBe('I fell in the kitchen');
    expect(seenWhileBlocked).toEqual([]);
    expect(events.map((e) => e.type)).toEqual([
      'session.created',
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'conversation.item.input_audio_transcription.delta',
      'conversation.item.input_audio_transcription.delta',
      'conversation.item.input_audio_transcription.completed',
    ]);
  });

  it('plays a response, and on barge-in cancels it and truncates to what was heard', async () => {
    const { client, server, events, until } = await session();
    const response = server.startResponse();
    response.transcript('Hello ');
    response.audio(Buffer.alloc(1600, 0x55), 800); // 200 ms of µ-law in two deltas
    const created = await until('response.created');
    expect(created.response.id).toBe(response.id);
    client.cancelResponse();
    const done = await until('response.done');
    expect(done.response.status).toBe('cancelled');
    client.truncate(response.itemId, 120);
    const truncated = await until('conversation.item.truncated');
    expect(truncated).toMatchObject({ item_id: response.itemId, audio_end_ms: 120, content_index: 0 });
    const deltas = events.filter((e) => e.type === 'response.output_audio.delta');
    expect(deltas.map((d) => Buffer.from(d.type === 'response.output_audio.delta' ? d.delta : '', 'base64').length)).toEqual([800, 800]);
    // Cancelling again, or truncating beyond the audio, is an error event, as in the real service.
    client.cancelResponse();
    client.truncate(response.itemId, 5000);
    await server.waitForEvent('conversation.item.truncate', 2);
    const error = await until('error');
    expect(error.error.code).toBe('response_cancel_not_active');
  });

  it('surfaces tool calls and sends their output back', async () => {
    const { client, server, until } = await session();
    const callId = server.callTool('report_concern', { category: 'fall', summary: 'fell in the kitchen' });
    const call = await until('response.function_call_arguments.done');
    expect(call).toMatchObject({ name: 'report_concern', call_id: callId });
    expect(JSON.parse(call.arguments)).toEqual({ category: 'fall', summary: 'fell in the kitchen' });
    client.sendFunctionOutput(callId, '{"ok":true}');
    client.addSystemNote('The caregiver has been alerted.');
    client.createResponse();
    const item = await server.waitForEvent('conversation.item.create');
    expect(item.item).toEqual({ type: 'function_call_output', call_id: callId, output: '{"ok":true}' });
    await server.waitForEvent('response.create');
    expect(server.eventsOf('conversation.item.create')[1].item).toMatchObject({ role: 'system', content: [{ type: 'input_text' }] });
    const done = await until('response.done');
    expect(done.response.usage?.total_tokens).toBe(30);
  });

  it('ignores event types it does not handle and survives a throwing handler', async () => {
    const { server, until, errors, client } = await session((e) => {
      if (e.type === 'input_audio_buffer.speech_started') throw new Error('handler bug');
    });
    server.send({ type: 'rate_limits.updated', rate_limits: [] });
    server.speechStarted();
    server.error('some_code', 'some message');
    await until('error');
    expect(errors).toHaveLength(1);
    expect(client.stats.eventsIgnored).toBe(1);
  });

  it('reports an unexpected drop (after the events before it) and an expected close', async () => {
    const closes: RealtimeCloseInfo[] = [];
    const { client, server, events } = await session();
    const closed = new Promise<void>((resolve) =>
      client.onClose((info) => {
        closes.push(info);
        resolve();
      }),
    );
    server.speechStarted();
    await new Promise<void>((resolve) =>
      client.onEvent((e) => {
        events.push(e);
        if (e.type === 'input_audio_buffer.speech_started') resolve();
      }),
    );
    server.drop();
    await closed;
    expect(closes[0]).toMatchObject({ expected: false, code: 1006 });
    expect(events.at(-1)?.type).toBe('input_audio_buffer.speech_started');
    expect(client.appendAudio(new Uint8Array(160))).toBe(false);
    expect(client.stats.audioAppendsDropped).toBe(1);

    const second = await session();
    const secondClosed = new Promise<RealtimeCloseInfo>((resolve) => second.client.onClose(resolve));
    await second.client.close();
    expect(await secondClosed).toMatchObject({ expected: true, code: 1000 });
    await second.server.waitFor(() => second.server.closed);
  });

  it('fails to connect with a clear error on a bad key or an unreachable server', async () => {
    const bad = new OpenAIRealtimeClient({ apiKey: 'sk-wrong', baseUrl: fake.baseUrl, model: 'gpt-realtime' });
    clients.push(bad);
    const err = await bad.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RealtimeConnectError);
    expect(err).toMatchObject({ httpStatus: 401, status: 503 });
    const url = fake.baseUrl;
    await fake.stop();
    fake = await FakeOpenAIRealtime.start();
    const gone = new OpenAIRealtimeClient({ apiKey: 'sk-test', baseUrl: url, model: 'gpt-realtime' });
    clients.push(gone);
    await expect(gone.connect()).rejects.toBeInstanceOf(RealtimeConnectError);
  });
});
