import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeTwilioMediaStream } from './fake-twilio-media-stream';
import { wsText } from './ws-text';

/**
 * A minimal stand-in for our /v1/twilio/media endpoint: records what Twilio sends and lets the
 * test send media/mark/clear back, so the fake's side of the protocol is checked message by message.
 */
async function mediaServer(): Promise<{
  url: string;
  messages: Record<string, unknown>[];
  socket(): Promise<WebSocket>;
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ server, path: '/v1/twilio/media' });
  const messages: Record<string, unknown>[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let accepted: (ws: WebSocket) => void = () => undefined;
  const first = new Promise<WebSocket>((resolve) => (accepted = resolve));
  wss.on('connection', (ws) => {
    accepted(ws);
    ws.on('message', (data) => {
      messages.push(JSON.parse(wsText(data)) as Record<string, unknown>);
      for (const w of waiters.filter((x) => messages.length >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/v1/twilio/media`,
    messages,
    socket: () => first,
    waitFor: (n) => (messages.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('FakeTwilioMediaStream', () => {
  it('opens with connected and start, then streams base64 µ-law media and stops', async () => {
    const server = await mediaServer();
    try {
      const stream = await FakeTwilioMediaStream.connect(server.url, {
        callSid: 'CA123',
        streamSid: 'MZ456',
        customParameters: { callId: 'call-1' },
      });
      stream.sendMedia([Buffer.alloc(160, 1), Buffer.alloc(160, 2)]);
      stream.sendDtmf('7');
      await stream.stop();
      await server.waitFor(6);
      expect(server.messages.map((m) => m.event)).toEqual(['connected', 'start', 'media', 'media', 'dtmf', 'stop']);
      expect(server.messages[0]).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
      expect(server.messages[1]).toMatchObject({
        sequenceNumber: '1',
        streamSid: 'MZ456',
        start: {
          callSid: 'CA123',
          streamSid: 'MZ456',
          tracks: ['inbound'],
          customParameters: { callId: 'call-1' },
          mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        },
      });
      const media = server.messages[3] as {
        sequenceNumber: string;
        media: { track: string; chunk: string; timestamp: string; payload: string };
      };
      expect(media.sequenceNumber).toBe('3');
      expect(media.media).toMatchObject({ track: 'inbound', chunk: '2', timestamp: '20' });
      expect(Buffer.from(media.media.payload, 'base64').equals(Buffer.alloc(160, 2))).toBe(true);
      expect(server.messages[4]).toMatchObject({ dtmf: { track: 'inbound_track', digit: '7' } });
      expect(server.messages[5]).toMatchObject({ stop: { callSid: 'CA123' }, streamSid: 'MZ456' });
      expect(stream.closed).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('records media, echoes marks when played, and flushes marks on clear', async () => {
    const server = await mediaServer();
    try {
      const stream = await FakeTwilioMediaStream.connect(server.url, { streamSid: 'MZ1', markEcho: 'manual' });
      const ws = await server.socket();
      const send = (m: Record<string, unknown>): void => ws.send(JSON.stringify(m));
      send({ event: 'media', streamSid: 'MZ1', media: { payload: Buffer.alloc(160, 9).toString('base64') } });
      send({ event: 'mark', streamSid: 'MZ1', mark: { name: 'resp-1:end' } });
      send({ event: 'media', streamSid: 'OTHER', media: { payload: Buffer.alloc(160, 8).toString('base64') } }); // not this stream
      await stream.waitFor(() => stream.marks.length === 1 && stream.received.length === 3);
      expect(stream.playedAudio().equals(Buffer.alloc(160, 9))).toBe(true);
      expect(stream.echoedMarks).toEqual([]); // still "playing"
      send({ event: 'clear', streamSid: 'MZ1' });
      await stream.waitFor(() => stream.clears === 1);
      expect(stream.echoedMarks).toEqual(['resp-1:end']); // a clear returns pending marks at once
      await server.waitFor(3);
      expect(server.messages[2]).toMatchObject({ event: 'mark', streamSid: 'MZ1', mark: { name: 'resp-1:end' } });

      const immediate = await FakeTwilioMediaStream.connect(server.url, { streamSid: 'MZ2' });
      stream.drop();
      await stream.waitFor(() => stream.closed);
      await immediate.stop();
    } finally {
      await server.close();
    }
  });
});
