import { FakeMonotonicClock, ManualWakeTimer } from '@app/testing';
import { PlayoutPacer, type PlayoutFrameInfo, type PlayoutOptions } from './pacer';

const T0 = 1_000;

function setup(options: PlayoutOptions = {}) {
  const clock = new FakeMonotonicClock(T0);
  const timer = new ManualWakeTimer(clock);
  const pacer = new PlayoutPacer({ clock, timer });
  const sent: { frame: Buffer; info: PlayoutFrameInfo; at: number }[] = [];
  const queue = pacer.register((frame, info) => sent.push({ frame, info, at: clock.now() }), options);
  return { clock, timer, pacer, queue, sent };
}

const audio = (frames: number, byte = 0x55): Buffer => Buffer.alloc(frames * 160, byte);

describe('PlayoutPacer', () => {
  it('sends nothing and arms nothing while nothing is queued', () => {
    const { timer, pacer, sent } = setup();
    expect(pacer.tick()).toBe(0);
    expect(timer.armed).toBe(false);
    expect(pacer.activeSessions).toBe(0);
    expect(sent).toHaveLength(0);
  });

  it('sends one frame per 20 ms on a grid from the start of playout', () => {
    const { clock, timer, queue, sent } = setup();
    queue.enqueue(audio(5), 'item-1');
    expect(sent).toHaveLength(1); // the first frame is due at once
    expect(timer.dueAt).toBe(T0 + 20 - 1); // woken 1 ms early (earlyMs)
    timer.runUntil(T0 + 200);
    expect(sent.map((s) => s.info.dueAt)).toEqual([T0, T0 + 20, T0 + 40, T0 + 60, T0 + 80]);
    expect(sent.map((s) => s.info.talkspurtStart)).toEqual([true, false, false, false, false]);
    expect(sent.every((s) => s.frame.length === 160 && s.info.itemId === 'item-1')).toBe(true);
    expect(clock.now()).toBe(T0 + 200);
    // Ran dry: the talkspurt ended after the grace period and the pacer went back to sleep.
    expect(timer.armed).toBe(false);
    expect(queue.isPlaying).toBe(false);
  });

  it('keeps exactly 50 frames/s over simulated minutes even when every wake-up is late', () => {
    const { timer, queue, sent, pacer } = setup();
    const seconds = 300;
    queue.enqueue(audio(100)); // a 2 s head start, then 1 s per second: audio arrives ahead of playout
    for (let s = 1; s <= seconds; s++) {
      timer.runUntil(T0 + s * 1000 - 1, (n) => (n * 7) % 13); // 0–12 ms late, irregularly
      queue.enqueue(audio(50));
    }
    // Due at T0 + 0 … T0 + seconds·1000 (the last one 1 ms early, inside the earlyMs margin).
    const framesDue = seconds * 50 + 1;
    expect(sent).toHaveLength(framesDue);
    expect(sent[sent.length - 1].info.dueAt).toBe(T0 + (framesDue - 1) * 20);
    // Never early by more than the 1 ms margin, never behind by more than the injected lateness.
    const lateness = sent.map((s) => s.at - s.info.dueAt);
    expect(Math.min(...lateness)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...lateness)).toBeLessThanOrEqual(12);
    expect(queue.stats).toMatchObject({ talkspurts: 1, reanchors: 0, overflowFrames: 0 });
    expect(queue.queuedFrames).toBe(100 + seconds * 50 - framesDue);
    expect(pacer.ticks).toBeLessThan(framesDue + 10);
  });

  it('serves many sessions from one timer, each on its own grid', () => {
    const clock = new FakeMonotonicClock(T0);
    const timer = new ManualWakeTimer(clock);
    const pacer = new PlayoutPacer({ clock, timer });
    const counts = [0, 0, 0];
    const queues = counts.map((_, i) => pacer.register(() => counts[i]++));
    queues[0].enqueue(audio(100));
    clock.advance(7);
    queues[1].enqueue(audio(100));
    clock.advance(5);
    queues[2].enqueue(audio(100));
    timer.runUntil(T0 + 1000);
    // Each session: frames due from its own start up to T0 + 1000 (+1 ms early margin).
    expect(counts).toEqual([51, 50, 50]);
    expect(pacer.activeSessions).toBe(3);
  });

  it('flushes at once on barge-in and reports how much of the item was heard', () => {
    const { clock, timer, queue, sent } = setup();
    queue.enqueue(audio(50), 'resp-a');
    timer.runUntil(T0 + 210);
    expect(sent).toHaveLength(11);
    expect(queue.playedMsOf('resp-a')).toBe(220);
    const result = queue.flush();
    expect(result).toEqual({ itemId: 'resp-a', playedMs: 220, discardedMs: 780 });
    timer.runUntil(T0 + 2000);
    expect(sent).toHaveLength(11); // nothing after the flush
    expect(timer.armed).toBe(false);
    // The next response starts a new talkspurt, never overlapping the last frame sent.
    clock.set(T0 + 2000);
    queue.enqueue(audio(2), 'resp-b');
    expect(sent[11].info).toMatchObject({ talkspurtStart: true, itemId: 'resp-b', dueAt: T0 + 2000 });
  });

  it('reports 0 ms heard when the next item had not started playing', () => {
    const { timer, queue } = setup();
    queue.enqueue(audio(2), 'a');
    queue.enqueue(audio(5), 'b');
    timer.runUntil(T0 + 30); // a0 at T0, a1 at T0 + 20; b0 due at T0 + 40
    expect(queue.flush()).toEqual({ itemId: 'b', playedMs: 0, discardedMs: 100 });
  });

  it('bounds the queue and counts what it had to drop', () => {
    const { queue } = setup({ maxQueuedMs: 200 });
    expect(queue.enqueue(audio(50))).toBe(10 * 160);
    expect(queue.stats.overflowFrames).toBe(40);
    expect(queue.queuedFrames).toBe(9); // one frame already left
  });

  it('joins chunks that are not whole frames and pads the last one with silence', () => {
    const { timer, queue, sent } = setup();
    queue.enqueue(Buffer.alloc(100, 1));
    expect(sent).toHaveLength(1); // a lone partial frame that is due goes out padded
    expect([...sent[0].frame.subarray(95, 105)]).toEqual([1, 1, 1, 1, 1, 0xff, 0xff, 0xff, 0xff, 0xff]);
    queue.enqueue(Buffer.alloc(100, 2));
    queue.enqueue(Buffer.alloc(100, 3));
    timer.runUntil(T0 + 100);
    expect(sent).toHaveLength(3);
    expect(sent[1].frame.subarray(0, 100).every((b) => b === 2)).toBe(true);
    expect(sent[1].frame.subarray(100).every((b) => b === 3)).toBe(true);
    expect(sent[2].frame.subarray(0, 40).every((b) => b === 3)).toBe(true);
    expect(sent[2].frame.subarray(40).every((b) => b === 0xff)).toBe(true);
  });

  it('starts a new talkspurt after silence and reports the silence for the RTP timestamp', () => {
    const { clock, timer, queue, sent } = setup();
    queue.enqueue(audio(3));
    timer.runUntil(T0 + 1000);
    clock.set(T0 + 1000);
    queue.enqueue(audio(1));
    expect(sent.map((s) => [s.info.talkspurtStart, s.info.silenceMs])).toEqual([
      [true, 0],
      [false, 0],
      [false, 0],
      [true, 940], // frames ended at T0 + 60
    ]);
    expect(queue.stats.talkspurts).toBe(2);
  });

  it('continues the talkspurt when audio arrives within the grace period', () => {
    const { clock, timer, queue, sent } = setup();
    queue.enqueue(audio(1));
    timer.runUntil(T0 + 25); // next frame was due at T0 + 20: an underrun
    clock.set(T0 + 30);
    queue.enqueue(audio(1));
    expect(sent[1].info).toMatchObject({ talkspurtStart: false, dueAt: T0 + 20 });
  });

  it('does not burst seconds of audio after a long stall', () => {
    const { clock, timer, queue, sent } = setup();
    queue.enqueue(audio(200));
    clock.advance(1000); // the event loop was blocked for a second
    timer.runDue();
    expect(sent).toHaveLength(1 + 10); // maxCatchUpFrames
    expect(queue.stats.reanchors).toBe(1);
  });

  it('isolates a failing sink from the other sessions', () => {
    const clock = new FakeMonotonicClock(T0);
    const timer = new ManualWakeTimer(clock);
    const errors: unknown[] = [];
    const pacer = new PlayoutPacer({ clock, timer, onSinkError: (e) => errors.push(e) });
    let good = 0;
    pacer
      .register(() => {
        throw new Error('socket closed');
      })
      .enqueue(audio(3));
    pacer.register(() => good++).enqueue(audio(3));
    timer.runUntil(T0 + 100);
    expect(good).toBe(3);
    expect(errors).toHaveLength(3);
  });

  it('stops serving a closed queue and a closed pacer', () => {
    const { timer, queue, sent, pacer } = setup();
    queue.enqueue(audio(10));
    queue.close();
    queue.close();
    expect(queue.enqueue(audio(1))).toBe(0);
    timer.runUntil(T0 + 500);
    expect(sent).toHaveLength(1);
    pacer.close();
    expect(() => pacer.register(() => undefined)).toThrow('closed');
  });
});
