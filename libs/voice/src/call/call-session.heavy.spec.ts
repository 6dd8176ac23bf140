import { VoiceCallHarness } from '@app/testing';

const CALLS = 20;
const callId = (i: number): string => `h${String(i).padStart(3, '0')}`;

/** Distinct byte values per call: caller audio 0x80+i, AI audio 0x10+i. */
const callerByte = (i: number): number => 0x80 + i;
const aiByte = (i: number): number => 0x10 + i;

describe('CallSession concurrency (heavy)', () => {
  let h: VoiceCallHarness;
  afterEach(async () => {
    await h.stop();
  });

  it(`runs ${CALLS} concurrent Asterisk calls with no cross-talk and no leaked ports, channels or bridges`, async () => {
    h = await VoiceCallHarness.start({ provider: 'asterisk' });
    const asterisk = h.asterisk as NonNullable<VoiceCallHarness['asterisk']>;
    const ids = Array.from({ length: CALLS }, (_, i) => callId(i));
    const sessions = await Promise.all(ids.map((id) => h.call(id)));
    const ais = await Promise.all(ids.map((id) => h.aiOf(id)));
    await Promise.all(ais.map((ai) => ai.waitForEvent('response.create')));
    expect(h.pool.inUse).toBe(CALLS);

    // Every AI speaks 400 ms of its own byte; every caller says 200 ms of theirs.
    ais.forEach((ai, i) => ai.respond(Buffer.alloc(3200, aiByte(i)), `Hello ${ids[i]}`));
    await h.transcripts.waitFor((ms) => ms.filter((m) => m.final && m.role === 'assistant').length === CALLS);
    h.play(500);
    await Promise.all(
      ids.map((id, i) =>
        asterisk.playCallerAudio(
          h.channelOf(id),
          Array.from({ length: 10 }, () => Buffer.alloc(160, callerByte(i))),
        ),
      ),
    );
    await Promise.all(ais.map((ai) => ai.waitFor(() => ai.audioBytes >= 1600)));
    await asterisk.waitFor(() => ids.every((id) => asterisk.heardAudio(h.channelOf(id)).length >= 3200));

    ais.forEach((ai, i) => {
      const heardByAi = Buffer.concat(ai.eventsOf('input_audio_buffer.append').map((e) => Buffer.from(String(e.audio), 'base64')));
      expect(new Set(heardByAi)).toEqual(new Set([callerByte(i)]));
    });
    ids.forEach((id, i) => {
      const heardByCaller = asterisk.heardAudio(h.channelOf(id));
      expect(heardByCaller.length).toBe(3200);
      expect(new Set(heardByCaller)).toEqual(new Set([aiByte(i)]));
    });

    // Half end by the patient hanging up, half by the AI's end_call.
    ids.forEach((id, i) => (i % 2 === 0 ? asterisk.hangupCall(h.channelOf(id)) : ais[i].callTool('end_call', { reason: 'goodbye' })));
    const results = await Promise.all(sessions.map((s) => s.ended));
    expect(results.map((r) => r.reason)).toEqual(ids.map((_, i) => (i % 2 === 0 ? 'patient_hangup' : 'ai_end_call')));
    expect(results.every((r) => r.outcome === 'completed')).toBe(true);
    await asterisk.waitFor(() => asterisk.channels.size === 0 && asterisk.bridges.size === 0);
    await Promise.all(ais.map((ai) => ai.waitFor(() => ai.closed)));
    expect(h.pool.inUse).toBe(0);
    expect(h.pacer.activeSessions).toBe(0);
    expect(h.factory.liveCount).toBe(0);
    expect(h.asteriskTelephony?.liveLegs).toBe(0);
    expect(h.scheduler.size).toBe(0);
  });
});
