import { ULAW_SILENCE, decodeUlaw, encodeUlaw, linearToUlaw, ulawLevel, ulawSilence, ulawToLinear } from './g711';

/**
 * ITU-T G.711 µ-law decoder output for a code, from the standard's segment/step construction:
 * magnitude (14-bit units) = 2^segment × (2 × step + 33) − 33, sign from bit 7 of the inverted
 * code; scaled by 4 to 16 bits.
 */
function ituDecode(code: number): number {
  const inverted = ~code & 0xff;
  const segment = (inverted >> 4) & 7;
  const step = inverted & 0x0f;
  const magnitude = ((1 << segment) * (2 * step + 33) - 33) * 4;
  return inverted & 0x80 && magnitude !== 0 ? -magnitude : magnitude;
}

describe('G.711 µ-law', () => {
  it('decodes known code words', () => {
    expect(ulawToLinear(0xff)).toBe(0);
    expect(ulawToLinear(0x7f)).toBe(0); // "negative zero"
    expect(ulawToLinear(0x80)).toBe(32124);
    expect(ulawToLinear(0x00)).toBe(-32124);
    expect(ulawToLinear(0xf0)).toBe(120);
    expect(ulawToLinear(0xef)).toBe(132);
    expect(ulawToLinear(0x70)).toBe(-120);
  });

  it('decodes all 256 codes as the ITU-T G.711 table', () => {
    for (let code = 0; code < 256; code++) expect([code, ulawToLinear(code)]).toEqual([code, ituDecode(code)]);
  });

  it('encodes known values', () => {
    expect(linearToUlaw(0)).toBe(ULAW_SILENCE);
    expect(linearToUlaw(32124)).toBe(0x80);
    expect(linearToUlaw(-32124)).toBe(0x00);
    expect(linearToUlaw(32767)).toBe(0x80); // clipped
    expect(linearToUlaw(-32768)).toBe(0x00);
    expect(linearToUlaw(40000)).toBe(0x80); // out of range input is clamped
    expect(linearToUlaw(123)).toBe(0xf0); // segment 0 ends at 123
    expect(linearToUlaw(124)).toBe(0xef); // segment 1 starts at 124
  });

  it('round-trips every code except negative zero', () => {
    for (let code = 0; code < 256; code++) {
      expect(linearToUlaw(ulawToLinear(code))).toBe(code === 0x7f ? 0xff : code);
    }
  });

  it('quantises every 16-bit sample to within half a step of its segment', () => {
    for (let sample = -32124; sample <= 32124; sample++) {
      const code = linearToUlaw(sample);
      const segment = ((~code & 0xff) >> 4) & 7;
      const error = Math.abs(ulawToLinear(code) - sample);
      if (error > 4 << segment) throw new Error(`sample ${sample}: error ${error} in segment ${segment}`);
    }
  });

  it('is monotonic: a larger sample never encodes to a smaller level', () => {
    let previous = ulawToLinear(linearToUlaw(-32768));
    for (let sample = -32767; sample <= 32767; sample++) {
      const level = ulawToLinear(linearToUlaw(sample));
      if (level < previous) throw new Error(`not monotonic at ${sample}`);
      previous = level;
    }
  });

  it('converts buffers both ways and measures level', () => {
    const pcm = Int16Array.from([0, 1000, -1000, 32000, -32000]);
    const ulaw = encodeUlaw(pcm);
    expect(Array.from(decodeUlaw(ulaw))).toEqual(Array.from(pcm, (s) => ulawToLinear(linearToUlaw(s))));
    const out = new Int16Array(5);
    expect(decodeUlaw(ulaw, out)).toBe(out);
    expect(() => decodeUlaw(ulaw, new Int16Array(2))).toThrow(RangeError);
    expect(ulawSilence()).toHaveLength(160);
    expect(ulawLevel(ulawSilence())).toBe(0);
    expect(ulawLevel(Uint8Array.of(0x80, 0x00))).toBe(32124);
    expect(ulawLevel(new Uint8Array(0))).toBe(0);
  });
});
