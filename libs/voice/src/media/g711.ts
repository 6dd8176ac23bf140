/**
 * G.711 µ-law (ITU-T G.711, the "PCMU" of RTP payload type 0) ⇄ 16-bit linear PCM.
 *
 * The telephone leg and the OpenAI Realtime session both speak µ-law (`audio/pcmu`), so the live
 * path never transcodes; these tables serve tests, fakes, level meters and the odd PCM consumer.
 * Both directions are table lookups (decode: 256 entries; encode: one entry per 16-bit sample),
 * built once at load.
 *
 * µ-law keeps 14 bits of magnitude: decoded values are the segment mid-points scaled by 4, so the
 * largest magnitude is 32124 and code 0xFF (and 0x7F, "negative zero") decodes to 0.
 */

/** Bytes per 20 ms at 8 kHz: one sample per byte. */
export const ULAW_FRAME_BYTES = 160;
/** µ-law of linear 0: what a silent frame is made of. */
export const ULAW_SILENCE = 0xff;

const BIAS = 0x84; // 132: shifts every magnitude into a segment whose leading 1 marks the exponent
const CLIP = 32635; // largest magnitude that still fits after adding the bias

function encodeSample(sample: number): number {
  let magnitude = sample;
  let sign = 0;
  if (magnitude < 0) {
    sign = 0x80;
    magnitude = -magnitude;
  }
  if (magnitude > CLIP) magnitude = CLIP;
  magnitude += BIAS;
  // The exponent is the position of the leading 1 above bit 7 (segments 0..7).
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function decodeByte(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

const DECODE = new Int16Array(256);
for (let b = 0; b < 256; b++) DECODE[b] = decodeByte(b);

const ENCODE = new Uint8Array(65536);
for (let s = -32768; s < 32768; s++) ENCODE[s + 32768] = encodeSample(s);

/** One µ-law byte → linear sample (−32124..32124). */
export function ulawToLinear(byte: number): number {
  return DECODE[byte & 0xff];
}

/** One linear sample (clamped to 16 bits) → µ-law byte. */
export function linearToUlaw(sample: number): number {
  const s = sample < -32768 ? -32768 : sample > 32767 ? 32767 : sample | 0;
  return ENCODE[s + 32768];
}

/** µ-law bytes → 16-bit PCM. `out` (same length) avoids an allocation on hot paths. */
export function decodeUlaw(ulaw: Uint8Array, out: Int16Array = new Int16Array(ulaw.length)): Int16Array {
  if (out.length < ulaw.length) throw new RangeError('decodeUlaw: output shorter than input');
  for (let i = 0; i < ulaw.length; i++) out[i] = DECODE[ulaw[i]];
  return out;
}

/** 16-bit PCM → µ-law bytes. `out` (same length) avoids an allocation on hot paths. */
export function encodeUlaw(pcm: Int16Array, out: Uint8Array = new Uint8Array(pcm.length)): Uint8Array {
  if (out.length < pcm.length) throw new RangeError('encodeUlaw: output shorter than input');
  for (let i = 0; i < pcm.length; i++) out[i] = ENCODE[pcm[i] + 32768];
  return out;
}

/** A µ-law buffer of silence (`frames` × 20 ms by default one frame). */
export function ulawSilence(bytes = ULAW_FRAME_BYTES): Buffer {
  return Buffer.alloc(bytes, ULAW_SILENCE);
}

/** Mean absolute linear level of a µ-law buffer (0..32124): a cheap "is anyone speaking" meter. */
export function ulawLevel(ulaw: Uint8Array): number {
  if (ulaw.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < ulaw.length; i++) {
    const v = DECODE[ulaw[i]];
    sum += v < 0 ? -v : v;
  }
  return sum / ulaw.length;
}
