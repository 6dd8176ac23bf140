import { FakeTwilioMediaStream, VoiceCallHarness, callContext, type FakeRealtimeConnection } from '@app/testing';
import { composeInstructions } from './instructions';
import { defaultApologyAudio, type CallSession } from './call-session';

const frames = (byte: number, count: number): Buffer[] => Array.from({ length: count }, () => Buffer.alloc(160, byte));

/** A call answered with media up and the AI's greeting requested. */
async function greeted(h: VoiceCallHarness, callId: string): Promise<{ session: CallSession; ai: FakeRealtimeConnection }> {
  const session = await h.call(callId);
  const ai = await h.aiOf(callId);
  await ai.waitForEvent('response.create');
  // The greeting goes out once media is up, after the answer armed max-duration and media up armed silence.
  expect(h.scheduler.armed('max-duration')).toBe(true);
  expect(h.scheduler.armed('silence')).toBe(true);
  return { session, ai };
}

/** Every resource of the call is released (Asterisk). */
async function expectReleased(h: VoiceCallHarness): Promise<void> {
  const asterisk = h.asterisk;
  if (asterisk) await asterisk.waitFor(() => asterisk.channels.size === 0 && asterisk.bridges.size === 0);
  await Promise.all(h.openai.connections.map((c) => c.waitFor(() => c.closed)));
  expect(h.pool.inUse).toBe(0);
  expect(h.pacer.activeSessions).toBe(0);
  expect(h.factory.liveCount).toBe(0);
  expect(h.asteriskTelephony?.liveLegs ?? 0).toBe(0);
  expect(h.twilioTelephony?.liveLegs ?? 0).toBe(0);
  expect(h.scheduler.size).toBe(0);
}

describe('composeInstructions', () => {
  it('names the patient, language, local time, health notes, recent calls and purpose', () => {
    const text = composeInstructions(
      callContext({ callId: 'x', firstName: 'Rosa', preferredLanguage: 'es', purpose: 'medication reminder' }),
    );
    expect(text).toContain('Rosa');
    expect(text).toContain('Speak only Spanish');
    expect(text).toContain('Tuesday 12 May 2026, 10:05 (America/Chicago)');
    expect(text).toContain('metformin 500 mg twice daily');
    expect(text).toContain('type 2 diabetes');
    expect(text).toContain('Daughter Anne visits on Sundays');
    expect(text).toContain('2026-05-11: Felt well, enjoyed gardening.');
    expect(text).toContain('Purpose of this call: medication reminder.');
  });
});

describe('CallSession over Asterisk (FakeAsterisk ARI + RTP, FakeOpenAIRealtime)', () => {
  let h: VoiceCallHarness;
  afterEach(async () => {
    await h.stop();
  });

  it('answers, greets once media is up, hears the patient, keeps transcripts in order, ends on end_call and releases everything', async () => {
    h = await VoiceCallHarness.start({ provider: 'asterisk' });
    const { session, ai } = await greeted(h, 'c001');
    const asterisk = h.asterisk as FakeAsterisk;
    const channel = h.channelOf('c001');
    expect(session.state).toBe('active');
    expect(asterisk.requests.find((r) => r.method === 'POST' && r.path === '/ari/channels')?.query).toMatchObject({
      channelId: 'bianca-c001',
      endpoint: 'PJSIP/+15550100@trunk',
    });
    const media = asterisk.requests.find((r) => r.path === '/ari/channels/externalMedia');
    expect(media?.query).toMatchObject({
      channelId: 'bianca-c001-media',
      format: 'ulaw',
      direction: 'both',
      encapsulation: 'rtp',
      transport: 'udp',
    });
    expect(media?.query.external_host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(asterisk.bridges.get('bianca-c001-bridge')?.channels.sort()).toEqual(['bianca-c001', 'bianca-c001-media']);
    const update = ai.eventsOf('session.update')[0].session as { audio: { input: { format: unknown } }; tools: { name: string }[] };
    expect(update.audio.input.format).toEqual({ type: 'audio/pcmu' });
    expect(update.tools.map((t) => t.name)).toEqual(['end_call', 'report_concern', 'note_for_caregiver']);

    const greeting = Buffer.alloc(1600, 0x2a);
    ai.respond(greeting, 'Hello Ada, this is Bianca.');
    await h.transcripts.waitFor((ms) => ms.some((m) => m.final && m.role === 'assistant'));
    h.play(400);
    await asterisk.waitFor(() => asterisk.heardAudio(channel).length >= greeting.length);
    expect(asterisk.heardAudio(channel)).toEqual(greeting);

    await asterisk.playCallerAudio(channel, frames(0x55, 10));
    await ai.waitFor(() => ai.audioBytes >= 1600);
    const item = ai.speechStarted();
    ai.speechStopped(item);
    ai.transcribe(item, ['I am ', 'fine, thanks.']);
    await h.transcripts.waitFor((ms) => ms.some((m) => m.final && m.role === 'patient'));

    ai.respond(Buffer.alloc(800, 0x2b), 'Goodbye Ada!');
    ai.callTool('end_call', { reason: 'goodbye' });
    await ai.waitFor(() =>
      ai.eventsOf('conversation.item.create').some((e) => (e.item as { type: string }).type === 'function_call_output'),
    );
    // The function output is sent while the tool call is handled, before the response.done that
    // carries its usage: let the session read everything before time ends the call.
    await h.aiSettled(ai);
    expect(h.scheduler.armed('drain')).toBe(true); // the goodbye is still playing
    h.play(200);
    h.scheduler.advance(100);
    const result = await session.ended;

    expect(result).toMatchObject({ outcome: 'completed', reason: 'ai_end_call', callbackNeeded: false });
    expect(result.usage).toMatchObject({ audioInSeconds: 0.2, audioOutSeconds: 0.3, totalTokens: 230 });
    expect(h.transcripts.finals('c001')).toEqual([
      'assistant: Hello Ada, this is Bianca.',
      'patient: I am fine, thanks.',
      'assistant: Goodbye Ada!',
      'tool: {"reason":"goodbye"}',
    ]);
    const seqs = h.transcripts.of('c001').map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(h.events.statuses('c001')).toEqual(['ringing', 'answered', 'ended']);
    expect(session.end('dashboard')).toBe(session.end('silence'));
    await expectReleased(h);
    expect(h.errors).toEqual([]);
  });

  it('raises a risk hit and tells the AI when a short patient utterance is an emergency', async () => {
    h = await VoiceCallHarness.start({ provider: 'asterisk' });
    const { ai } = await greeted(h, 'c002');
    const item = ai.speechStarted();
    ai.transcribe(item, ['Help!']);
    await h.risks.waitFor((r) => r.length > 0);
    expect(h.risks.reports[0]).toMatchObject({
      callId: 'c002',
      patientId: 'patient-c002',
      orgId: 'org-1',
      source: 'detector',
      category: 'Request',
      severity: 'MEDIUM',
      matched: 'Help',
      messageRef: item,
      repeat: false,
    });
    await ai.waitFor(() =>
      ai.eventsOf('conversation.item.create').some((e) => {
        const i = e.item as { role?: string; content?: { text: string }[] };
        return i.role === 'system' && (i.content?.[0]?.text ?? '').includes('emergency');
      }),
    );
    expect(h.transcripts.of('c002').some((m) => m.itemId === item && m.role === 'patient')).toBe(true);
  });

  it('scans the AI tools: report_concern to the RiskSink and call events, note_for_caregiver as a tool message', async () => {
    h = await VoiceCallHarness.start({ provider: 'asterisk' });
    const { ai } = await greeted(h, 'c003');
    ai.callTool('report_concern', { category: 'fall', severity: 'HIGH', description: 'Fell in the kitchen yesterday.' });
    ai.callTool('note_for_caregiver', { note: 'Please bring more tea.' });
    await ai.waitForEvent('response.create', 3); // greeting + one follow-up per tool
    expect(h.risks.of('c003')).toEqual([
      expect.objectContaining({ source: 'ai', category: 'fall', severity: 'HIGH', phrase: 'Fell in the kitchen yesterday.' }),
    ]);
    expect(h.events.of('c003').some((e) => e.type === 'call.concern' && e.category === 'fall')).toBe(true);
    expect(
      h.transcripts
        .of('c003')
        .filter((m) => m.role === 'tool')
        .map((m) => [m.toolName, m.text]),
    ).toEqual([
      ['report_concern', '{"category":"fall","severity":"HIGH","description":"Fell in the kitchen yesterday."}'],
      ['note_for_caregiver', 'Please bring more tea.'],
    ]);
    expect(
      ai.eventsOf('conversation.item.create').filter((e) => (e.item as { type: string }).type === 'function_call_output'),
    ).toHaveLength(2);
  });

  it('barge-in flushes playout at once, cancels the response and truncates at exactly what was played', async () => {
    h = await VoiceCallHarness.start({ provider: 'asterisk' });
    const { session, ai } = await greeted(h, 'c004');
    const asterisk = h.asterisk as FakeAsterisk;
    const channel = h.channelOf('c004');
    const answer = ai.startResponse();
    answer.audio(Buffer.alloc(8000, 0x33)); // one second
    answer.transcript('Let me tell you about the weather');
    await h.transcripts.waitFor((ms) => ms.some((m) => m.role === 'assistant' && !m.final));
    h.play(300);
    ai.speechStarted();
    const truncate = await ai.waitForEvent('conversation.item.truncate');
    expect(ai.eventsOf('response.cancel')).toHaveLength(1);
    expect(truncate.item_id).toBe(answer.itemId);
    const endMs = Number(truncate.audio_end_ms);
    expect(endMs).toBeGreaterThan(0);
    expect(endMs).toBeLessThan(1000);
    await asterisk.waitFor(() => asterisk.heardAudio(channel).length >= endMs * 8);
    h.play(1000); // nothing is left to send
    expect(session.callLeg?.queuedMs).toBe(0);
    expect(asterisk.heardAudio(channel).length).toBe(endMs * 8);
    await ai.waitFor(() => ai.eventsOf('conversation.item.truncate').length === 1);
    expect(session.stats.bargeIns).toBe(1);
    expect(h.errors.filter((e) => e.message.includes('AI error'))).toEqual([]);
  });

  it.each([
    ['busy', { kind: 'busy' } as const, 'busy', ['ended']],
    ['no answer', { kind: 'no_answer' } as const, 'no_answer', ['ringing', 'ended']],
    ['failure', { kind: 'failed', cause: 34 } as const, 'failed', ['ended']],
    ['a refused originate', { kind: 'error', status: 500, message: 'boom' } as const, 'failed', ['ended']],
  ])('ends with the right outcome on %s and leaks nothing', async (_name, outcome, expected, statuses) => {
    h = await VoiceCallHarness.start({ provider: 'asterisk', dial: () => outcome });
    const session = await h.call('c005');
    const result = await session.ended;
    expect(result.outcome).toBe(expected);
    expect(result.callbackNeeded).toBe(false);
    expect(h.events.statuses('c005')).toEqual(statuses);
    await expectReleased(h);
  });

  it('ends as completed when the patient hangs up mid-call', async () => {
    h = await VoiceCallHarness.start({ provider: 'asterisk' });
    const { session } = await greeted(h, 'c006');
    (h.asterisk as FakeAsterisk).hangupCall(h.channelOf('c006'));
    const result = await session.ended;
    expect(result).toMatchObject({ outcome: 'completed', reason: 'patient_hangup' });
    await expectReleased(h);
  });

  it('ends from the dashboard while ringing: no greeting, channel hung up, outcome failed', async () => {
    h = await VoiceCallHarness.start({ provider: 'asterisk', dial: () => ({ kind: 'ring' }) });
    const session = await h.call('c007');
    await h.events.waitFor(() => h.events.statuses('c007').includes('ringing'));
    const ai = await h.aiOf('c007'); // pre-warmed while ringing
    expect(ai.eventsOf('response.create')).toHaveLength(0);
    const result = await h.factory.end('c007');
    expect(result).toMatchObject({ outcome: 'failed', reason: 'dashboard' });
    expect(session.state).toBe('ended');
    expect(h.events.statuses('c007')).toEqual(['ringing', 'ended']);
    await expectReleased(h);
    expect((h.asterisk as FakeAsterisk).requests.some((r) => r.method === 'DELETE' && r.path === '/ari/channels/bianca-c007')).toBe(true);
  });

  it('reconnects at once when the AI socket drops and carries the conversation over', async () => {
    h = await VoiceCallHarness.start({ provider: 'asterisk' });
    const { session, ai } = await greeted(h, 'c008');
    ai.respond(Buffer.alloc(160, 0x2a), 'Hello Ada, how are you?');
    const item = ai.speechStarted();
    ai.transcribe(item, ['I had porridge for breakfast.']);
    await h.transcripts.waitFor((ms) => ms.filter((m) => m.final).length === 2);
    ai.drop();
    const ai2 = await h.aiOf('c008', 2);
    await ai2.waitForEvent('response.create'); // the patient spoke last: answer, no dead air
    const items = ai2.eventsOf('conversation.item.create').map((e) => e.item as { role: string; content: { text: string }[] });
    expect(items[0].role).toBe('system');
    expect(items[0].content[0].text).toContain('already in progress');
    expect(items.slice(1).map((i) => [i.role, i.content[0].text])).toEqual([
      ['assistant', 'Hello Ada, how are you?'],
      ['user', 'I had porridge for breakfast.'],
    ]);
    await (h.asterisk as FakeAsterisk).playCallerAudio(h.channelOf('c008'), frames(0x44, 5));
    await ai2.waitFor(() => ai2.audioBytes >= 800);
    expect(session.stats.reconnects).toBe(1);
    expect(session.state).toBe('active');
  });

  it('plays an apology, ends and asks for a callback when the AI stays unreachable', async () => {
    h = await VoiceCallHarness.start({ provider: 'asterisk' });
    const { session, ai } = await greeted(h, 'c009');
    const asterisk = h.asterisk as FakeAsterisk;
    h.openai.refuseStatus = 503;
    const lostAt = h.clock.now();
    ai.drop();
    // The drop arms the 10 s deadline and retries at once; that retry is refused and the next one
    // is scheduled. Move time only once all of that has happened (it rides on real sockets).
    await h.scheduler.waitFor(() => h.scheduler.armed('ai-deadline', lostAt + 10_000) && h.scheduler.armed('reconnect'));
    expect(h.errors.some((e) => e.message.includes('connect to the AI'))).toBe(true);
    h.scheduler.advance(10_000);
    expect(h.scheduler.armed('drain')).toBe(true); // the apology is playing
    const apology = defaultApologyAudio();
    h.play(apology.length / 8 + 100);
    expect(session.callLeg?.queuedMs).toBe(0);
    h.scheduler.advance(100);
    const result = await session.ended;
    expect(result).toMatchObject({ outcome: 'completed', reason: 'ai_unavailable', callbackNeeded: true });
    expect(h.events.ended('c009')).toMatchObject({ callbackNeeded: true, reason: 'ai_unavailable' });
    expect(asterisk.events.some((e) => e.type === 'ChannelDestroyed')).toBe(true);
    await expectReleased(h);
  });

  it('checks in after silence, then ends; asks to wrap up before the max duration, then ends', async () => {
    h = await VoiceCallHarness.start({
      provider: 'asterisk',
      settings: { silenceTimeoutMs: 20_000, maxDurationMs: 50_000, wrapUpBeforeMs: 10_000 },
    });
    const a = await greeted(h, 'c010');
    const answeredAt = h.clock.now();
    expect(h.scheduler.armed('wrap-up', answeredAt + 40_000)).toBe(true);
    h.scheduler.advance(20_000);
    await a.ai.waitForEvent('response.create', 2);
    expect(JSON.stringify(a.ai.eventsOf('conversation.item.create').at(-1))).toContain('quiet');
    const item = a.ai.speechStarted(); // the patient answers: the silence count starts again
    a.ai.transcribe(item, ['Yes, I am here.']);
    await h.transcripts.waitFor((ms) => ms.some((m) => m.final && m.callId === 'c010'));
    await h.aiSettled(a.ai);
    expect(h.scheduler.armed('silence', answeredAt + 40_000)).toBe(true);
    h.scheduler.advance(20_000); // 40 s after answer: the wrap-up note
    await a.ai.waitFor(() => a.ai.eventsOf('conversation.item.create').some((e) => JSON.stringify(e).includes('wrapping up')));
    h.scheduler.advance(10_000);
    expect(await a.session.ended).toMatchObject({ reason: 'max_duration', outcome: 'completed' });

    const b = await greeted(h, 'c011');
    h.scheduler.advance(20_000);
    await b.ai.waitForEvent('response.create', 2);
    await h.aiSettled(b.ai);
    expect(h.scheduler.armed('silence', h.clock.now() + 20_000)).toBe(true); // the second strike
    h.scheduler.advance(20_000);
    expect(await b.session.ended).toMatchObject({ reason: 'silence', outcome: 'completed' });
    await expectReleased(h);
  });

  it('rotates the Realtime session before the provider limit, carrying the call over', async () => {
    h = await VoiceCallHarness.start({ provider: 'asterisk', settings: { rotateAfterMs: 60_000, silenceTimeoutMs: 600_000 } });
    const { session, ai } = await greeted(h, 'c012');
    ai.respond(Buffer.alloc(160, 0x2a), 'Hello Ada.');
    await h.transcripts.waitFor((ms) => ms.some((m) => m.final));
    // response.done follows the final transcript: let the session leave the response first, so the
    // rotation happens on the timer itself rather than being put off until that response.done.
    await h.aiSettled(ai);
    expect(h.scheduler.armed('rotate', h.clock.now() + 60_000)).toBe(true);
    h.scheduler.advance(60_000);
    const ai2 = await h.aiOf('c012', 2);
    await ai.waitFor(() => ai.closed);
    await ai2.waitForEvent('conversation.item.create', 2);
    expect(session.stats.rotations).toBe(1);
    expect(ai2.eventsOf('response.create')).toHaveLength(0); // no second greeting
    expect(ai.closeCode).toBe(1000);
  });

  it('reconciles on (re)connect: hangs up channels of ours no live session owns, keeps live ones', async () => {
    h = await VoiceCallHarness.start({ provider: 'asterisk' });
    await greeted(h, 'c013');
    const asterisk = h.asterisk as FakeAsterisk;
    asterisk.incomingCall({ callerNumber: '+15550199', channelId: 'bianca-ghost' });
    asterisk.incomingCall({ callerNumber: '+15550198', channelId: 'other-app-channel' });
    asterisk.dropEventSockets();
    await asterisk.waitFor(() => !asterisk.channels.has('bianca-ghost'));
    expect(asterisk.channels.has('other-app-channel')).toBe(true);
    expect(asterisk.channels.has('bianca-c013')).toBe(true);
    expect(asterisk.channels.has('bianca-c013-media')).toBe(true);
    expect(asterisk.bridges.has('bianca-c013-bridge')).toBe(true);
    asterisk.hangupCall('other-app-channel');
  });
});

describe('CallSession over Twilio Media Streams', () => {
  let h: VoiceCallHarness;
  afterEach(async () => {
    await h.stop();
  });

  it('maps the stream by its callId parameter, plays paced media with marks, and on barge-in sends clear and truncates at what was played', async () => {
    h = await VoiceCallHarness.start({ provider: 'twilio' });
    const session = await h.call('t001');
    const stream = await FakeTwilioMediaStream.connect(h.twilioUrl, { customParameters: { callId: 't001' } });
    const ai = await h.aiOf('t001');
    await ai.waitForEvent('response.create');
    const greeting = ai.respond(Buffer.alloc(1600, 0x2a), 'Hello Ada.');
    await h.transcripts.waitFor((ms) => ms.some((m) => m.final));
    h.play(400);
    await stream.waitFor(() => stream.marks.includes(greeting.itemId));
    expect(stream.playedAudio()).toEqual(Buffer.alloc(1600, 0x2a));

    stream.sendMedia(frames(0x66, 4));
    await ai.waitFor(() => ai.audioBytes >= 640);

    const answer = ai.startResponse();
    answer.audio(Buffer.alloc(8000, 0x33));
    answer.transcript('Now, about your garden');
    await h.transcripts.waitFor((ms) => ms.some((m) => m.role === 'assistant' && !m.final));
    h.play(200);
    ai.speechStarted();
    const truncate = await ai.waitForEvent('conversation.item.truncate');
    await stream.waitFor(() => stream.clears === 1);
    const endMs = Number(truncate.audio_end_ms);
    expect(endMs).toBeGreaterThan(0);
    expect(stream.playedAudio().length).toBe(1600 + endMs * 8);
    expect(ai.eventsOf('response.cancel')).toHaveLength(1);

    await stream.stop();
    expect(await session.ended).toMatchObject({ outcome: 'completed', reason: 'patient_hangup' });
    await expectReleased(h);
  });

  it('refuses a stream no live call owns', async () => {
    h = await VoiceCallHarness.start({ provider: 'twilio' });
    const stream = await FakeTwilioMediaStream.connect(h.twilioUrl, { customParameters: { callId: 'nobody' } });
    await stream.waitFor(() => stream.closed);
    expect(h.twilioTelephony?.refusedStreams).toBe(1);
  });
});

type FakeAsterisk = NonNullable<VoiceCallHarness['asterisk']>;
