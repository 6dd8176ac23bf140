import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { AppConfig } from '@app/platform';
import { TELEPHONY_PROVIDER, TwilioMediaTelephony, type TelephonyProvider } from '@app/voice';
import { mediaStreamUrl, verifyTwilioSignature } from './twilio-voice.client';

export const TWILIO_MEDIA_PATH = '/v1/twilio/media';

/**
 * The Twilio Media Streams WebSocket at `/v1/twilio/media` on the HTTP server of a process with
 * the voice role (it owns the call legs). The upgrade must carry a valid `X-Twilio-Signature`;
 * the stream is then matched to its call by the `callId` parameter of our TwiML.
 */
@Injectable()
export class TwilioMediaServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TwilioMedia');
  private wss: WebSocketServer | undefined;
  private server: Server | undefined;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => this.upgrade(req, socket, head);

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(TELEPHONY_PROVIDER) private readonly telephony: TelephonyProvider,
  ) {}

  onApplicationBootstrap(): void {
    if (!(this.telephony instanceof TwilioMediaTelephony) || !this.config.hasRole('voice')) return;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
    this.server = server;
    server.on('upgrade', this.onUpgrade);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== TWILIO_MEDIA_PATH || !this.wss) return; // another upgrade (Socket.io)
    const token = this.config.twilio.authToken ?? '';
    const url = mediaStreamUrl(this.config.publicUrl) + (req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : '');
    const signature = req.headers['x-twilio-signature'];
    if (!verifyTwilioSignature(token, url, {}, typeof signature === 'string' ? signature : undefined)) {
      this.logger.warn({ msg: 'media stream upgrade refused: bad signature' });
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => (this.telephony as TwilioMediaTelephony).handleConnection(ws));
  }

  onApplicationShutdown(): void {
    this.server?.off('upgrade', this.onUpgrade);
    for (const client of this.wss?.clients ?? []) client.terminate();
    this.wss?.close();
  }
}
