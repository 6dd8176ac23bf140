import { PAYLOAD_TYPE_PCMU, RtpPacketizer, SAMPLES_PER_FRAME, buildRtp, isRtpPacket, parseRtp, seqDelta, type RtpPacket } from './rtp';

function parsed(datagram: Buffer): RtpPacket {
  const result = parseRtp(datagram);
  if (!isRtpPacket(result)) throw new Error(`unparseable: ${result}`);
  return result;
}

describe('RTP header', () => {
  it('builds the RFC 3550 fixed header byte for byte', () => {
    const packet = buildRtp(
      { marker: true, payloadType: 0, sequenceNumber: 0x1234, timestamp: 0xdeadbeef, ssrc: 0x01020304 },
      Buffer.from([1, 2, 3]),
    );
    expect([...packet]).toEqual([0x80, 0x80, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 1, 2, 3]);
  });

  it('parses what it builds', () => {
    const payload = Buffer.alloc(160, 0x55);
    const packet = parsed(
      buildRtp({ marker: false, payloadType: PAYLOAD_TYPE_PCMU, sequenceNumber: 65535, timestamp: 4294967295, ssrc: 7 }, payload),
    );
    expect(packet).toMatchObject({
      marker: false,
      payloadType: 0,
      sequenceNumber: 65535,
      timestamp: 4294967295,
      ssrc: 7,
      padding: false,
      extension: false,
    });
    expect(packet.payload.equals(payload)).toBe(true);
  });

  it('skips CSRCs, header extensions and padding', () => {
    const header = Buffer.from([0xb2, 0x00, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]); // V=2, P=1, X=1, CC=2
    const csrcs = Buffer.from([0, 0, 0, 10, 0, 0, 0, 11]);
    const extension = Buffer.from([0xbe, 0xde, 0, 1, 9, 9, 9, 9]); // one 32-bit word
    const payload = Buffer.from([0xaa, 0xbb]);
    const padding = Buffer.from([0, 0, 3]);
    const packet = parsed(Buffer.concat([header, csrcs, extension, payload, padding]));
    expect(packet.csrcs).toEqual([10, 11]);
    expect([...packet.payload]).toEqual([0xaa, 0xbb]);
    expect(packet).toMatchObject({ padding: true, extension: true, sequenceNumber: 1, timestamp: 2, ssrc: 3 });
  });

  it('rejects malformed datagrams with a reason instead of throwing', () => {
    expect(parseRtp(Buffer.alloc(11))).toBe('too-short');
    expect(parseRtp(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBe('bad-version');
    expect(parseRtp(Buffer.from([0x8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBe('bad-length'); // 15 CSRCs announced, none present
    expect(parseRtp(Buffer.from([0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde, 0, 5]))).toBe('bad-length'); // extension too long
    expect(parseRtp(Buffer.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 9]))).toBe('bad-length'); // padding longer than payload
    expect(parseRtp(Buffer.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]))).toBe('bad-length'); // zero padding count
  });

  it('computes sequence distances across the 16-bit wrap', () => {
    expect(seqDelta(1, 0)).toBe(1);
    expect(seqDelta(0, 65535)).toBe(1);
    expect(seqDelta(65535, 0)).toBe(-1);
    expect(seqDelta(5, 65530)).toBe(11);
    expect(seqDelta(100, 100)).toBe(0);
    expect(seqDelta(32767, 0)).toBe(32767);
    expect(seqDelta(32768, 0)).toBe(-32768);
  });
});

describe('RtpPacketizer', () => {
  const frame = Buffer.alloc(SAMPLES_PER_FRAME, 0xff);

  it('numbers packets and stamps 160 samples per 20 ms frame, marker on the first only', () => {
    const p = new RtpPacketizer({ ssrc: 42, initialSequence: 100, initialTimestamp: 1000 });
    const packets = [p.packetize(frame), p.packetize(frame), p.packetize(frame)].map(parsed);
    expect(packets.map((x) => [x.sequenceNumber, x.timestamp, x.marker, x.ssrc, x.payloadType])).toEqual([
      [100, 1000, true, 42, 0],
      [101, 1160, false, 42, 0],
      [102, 1320, false, 42, 0],
    ]);
    expect(packets[0].payload).toHaveLength(160);
    expect(p.packetsSent).toBe(3);
  });

  it('wraps the sequence number at 65535 and the timestamp at 2^32', () => {
    const p = new RtpPacketizer({ ssrc: 1, initialSequence: 65534, initialTimestamp: 4294967296 - 320 });
    const packets = Array.from({ length: 4 }, () => parsed(p.packetize(frame)));
    expect(packets.map((x) => x.sequenceNumber)).toEqual([65534, 65535, 0, 1]);
    expect(packets.map((x) => x.timestamp)).toEqual([4294966976, 4294967136, 0, 160]);
    // Consecutive differences stay one frame apart modulo 2^32.
    for (let i = 1; i < packets.length; i++) expect((packets[i].timestamp - packets[i - 1].timestamp) >>> 0).toBe(160);
  });

  it('keeps the timestamp advancing across silence and marks the next talkspurt', () => {
    const p = new RtpPacketizer({ ssrc: 1, initialSequence: 10, initialTimestamp: 0 });
    p.packetize(frame);
    p.packetize(frame);
    p.silence(5 * 160); // 100 ms not sent
    const next = parsed(p.packetize(frame));
    expect(next).toMatchObject({ sequenceNumber: 12, timestamp: 320 + 800, marker: true });
    expect(parsed(p.packetize(frame)).marker).toBe(false);
    p.silence(4294967296); // a full timestamp cycle of silence still wraps cleanly
    expect(parsed(p.packetize(frame))).toMatchObject({ timestamp: 1440, marker: true });
    expect(() => p.silence(-1)).toThrow(RangeError);
  });

  it('picks random SSRC, sequence and timestamp from the injected source', () => {
    const p = new RtpPacketizer({ random: () => 0.5 });
    expect([p.ssrc, p.nextSequence, p.nextTimestamp]).toEqual([0x80000000, 0x8000, 0x80000000]);
    p.startTalkspurt();
    expect(parsed(p.packetize(frame)).marker).toBe(true);
  });
});
