import { Module, type DynamicModule } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { REDACT_PATHS, loggableUrl, serializeError } from './redaction';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Accepts a caller's X-Request-Id only when it is a plain token (no log injection); else a UUID. */
export function requestIdFor(req: IncomingMessage & { id?: unknown }, res: ServerResponse): string {
  // Idempotent: whichever of pino-http and the request-context middleware runs first assigns it.
  if (typeof req.id === 'string' && req.id) return req.id;
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  req.id = id;
  return id;
}

/** JSON logs through nestjs-pino (pino-http underneath), one line per request with its id. */
@Module({})
export class LoggingModule {
  static forRoot(): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            pinoHttp: {
              level: config.logLevel,
              genReqId: requestIdFor,
              redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
              autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') },
              customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
                err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
              serializers: {
                err: serializeError,
                req: (req: IncomingMessage & { id?: unknown; raw?: IncomingMessage & { route?: { path?: unknown } } }) => ({
                  id: req.id,
                  method: req.method,
                  // No caller-typed values (L7): the matched route's fixed segments, ids and query keys only.
                  url: loggableUrl(req.url, typeof req.raw?.route?.path === 'string' ? req.raw.route.path : undefined),
                }),
                res: (res: ServerResponse & { statusCode: number }) => ({ statusCode: res.statusCode }),
              },
              formatters: { level: (label: string) => ({ level: label }) },
            },
          }),
        }),
      ],
    };
  }
}
