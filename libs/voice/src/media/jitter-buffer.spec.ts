import { JitterBuffer } from './jitter-buffer';

interface P {
  sequenceNumber: number;
}
const p = (sequenceNumber: number): P => ({ sequenceNumber });

/** Pushes each sequence number and collects what comes out in order. */
function run(buffer: JitterBuffer<P>, seqs: number[]): number[] {
  const out: number[] = [];
  for (const s of seqs) {
    buffer.push(p(s));
    for (let x = buffer.pop(); x; x = buffer.pop()) out.push(x.sequenceNumber);
  }
  return out;
}

describe('JitterBuffer', () => {
  it('passes in-order packets straight through', () => {
    const buffer = new JitterBuffer<P>();
    expect(buffer.push(p(7))).toBe('accepted');
    expect(buffer.pop()?.sequenceNumber).toBe(7);
    expect(buffer.pop()).toBeUndefined();
    expect(run(buffer, [8, 9, 10])).toEqual([8, 9, 10]);
    expect(buffer.size).toBe(0);
  });

  it('reorders by sequence number', () => {
    const buffer = new JitterBuffer<P>();
    expect(run(buffer, [1, 3, 2, 4, 6, 5])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(buffer.stats.lost).toBe(0);
  });

  it('reorders across the 65535 → 0 wrap', () => {
    const buffer = new JitterBuffer<P>();
    expect(run(buffer, [65533, 65535, 65534, 1, 0, 2])).toEqual([65533, 65534, 65535, 0, 1, 2]);
    expect(buffer.nextSequence).toBe(3);
  });

  it('drops duplicates and late packets', () => {
    const buffer = new JitterBuffer<P>();
    run(buffer, [10, 12]);
    expect(buffer.push(p(12))).toBe('duplicate');
    expect(run(buffer, [11])).toEqual([11, 12]);
    expect(buffer.push(p(11))).toBe('late');
    expect(buffer.push(p(5))).toBe('late');
    expect(buffer.stats).toMatchObject({ duplicates: 1, late: 2, released: 3 });
  });

  it('skips a lost packet once maxWaiting packets queue behind it', () => {
    const buffer = new JitterBuffer<P>({ maxWaiting: 2 });
    expect(run(buffer, [1, 3, 4])).toEqual([1]); // 2 missing: 3 and 4 wait
    expect(run(buffer, [5])).toEqual([3, 4, 5]); // third waiting packet: give up on 2
    expect(buffer.push(p(2))).toBe('late');
    expect(buffer.stats.lost).toBe(1);
  });

  it('with maxWaiting 0 never holds packets back', () => {
    const buffer = new JitterBuffer<P>({ maxWaiting: 0 });
    expect(run(buffer, [1, 3, 2, 4])).toEqual([1, 3, 4]);
  });

  it('resynchronises on a jump beyond its capacity (sender restart)', () => {
    const buffer = new JitterBuffer<P>({ capacity: 8 });
    run(buffer, [100, 102]);
    expect(buffer.push(p(5000))).toBe('resync');
    expect(run(buffer, [5001])).toEqual([5000, 5001]);
    expect(buffer.stats).toMatchObject({ resyncs: 1, discarded: 1 });
    expect(buffer.push(p(4000))).toBe('resync'); // far in the past: also a restart, not "late"
  });

  it('stays bounded whatever arrives', () => {
    const buffer = new JitterBuffer<P>({ capacity: 16, maxWaiting: 15 });
    buffer.push(p(0));
    buffer.pop();
    for (let s = 2; s < 2000; s += 2) buffer.push(p(s & 0xffff));
    expect(buffer.size).toBeLessThanOrEqual(16);
  });

  it('drains what is left in order at the end of a stream', () => {
    const buffer = new JitterBuffer<P>({ maxWaiting: 5 });
    run(buffer, [1, 4, 3, 6]);
    expect(buffer.drain().map((x) => x.sequenceNumber)).toEqual([3, 4, 6]);
    expect(buffer.size).toBe(0);
    buffer.reset();
    expect(buffer.nextSequence).toBeUndefined();
  });

  it('rejects unusable options', () => {
    expect(() => new JitterBuffer({ capacity: 20 })).toThrow(RangeError);
    expect(() => new JitterBuffer({ capacity: 8, maxWaiting: 8 })).toThrow(RangeError);
  });
});
