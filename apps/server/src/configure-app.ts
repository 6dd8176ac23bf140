import { RequestMethod, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import compression from 'compression';
import { json, raw } from 'express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { join } from 'node:path';
import { Logger } from 'nestjs-pino';
import { AppConfig, HttpExceptionFilter, RedisIoAdapter, createValidationPipe } from '@app/platform';
import { buildOpenApiDocument } from './openapi';

/** Routes outside the `/v1` prefix: probes. */
const UNPREFIXED = [
  { path: 'health', method: RequestMethod.GET },
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'health/ready', method: RequestMethod.GET },
];

/** The `/v1` prefix for business routes; probes stay at the root. Also used by openapi:write. */
export function applyRouting(app: INestApplication): void {
  app.setGlobalPrefix('v1', { exclude: UNPREFIXED });
}

/**
 * Everything between "module graph built" and "listen": transport hardening, validation, the
 * error filter, Swagger, Socket.io. Shared by main.ts and the test harness so tests exercise the
 * exact production pipeline.
 */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  app.flushLogs();
  express.disable('x-powered-by');
  // Client IPs (rate limits, audit) come from X-Forwarded-For only behind a configured proxy.
  express.set('trust proxy', config.trustProxy);
  // Stripe signs the exact bytes it sent: keep the webhook body raw (a Buffer), unparsed (security.md W1).
  app.use('/v1/stripe/webhook', raw({ type: () => true, limit: '1mb' }));
  // Bulk phrase import takes up to 1000 items: a larger JSON limit on that one route (parsed once).
  app.use('/v1/emergency-phrases/bulk-import', json({ limit: '2mb' }));
  express.useBodyParser('json', { limit: '100kb' });
  express.useBodyParser('urlencoded', { limit: '100kb', extended: false });
  app.use(helmet({ contentSecurityPolicy: { directives: { 'script-src': ["'self'", "'unsafe-inline'"] } } }));
  app.use(compression());
  app.enableCors({
    origin: [...config.corsOrigins],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Requested-With', 'Accept', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id'],
  });
  // API answers may carry PHI: never cached by browsers or proxies (ASVS 14.3.2).
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  // Uploaded avatars (DATA_DIR/uploads; names are random, content type-checked on upload).
  express.useStaticAssets(join(config.dataDir, 'uploads'), {
    prefix: '/uploads/',
    index: false,
    dotfiles: 'deny',
    fallthrough: true,
    setHeaders: (res: Response) => {
      res.setHeader('Cache-Control', 'public, max-age=3600');
      // The web client shows avatars from another origin; helmet's default would block them.
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    },
  });
  applyRouting(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  if (config.hasRole('api')) app.useWebSocketAdapter(new RedisIoAdapter(app));
  app.enableShutdownHooks();

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Bianca API',
    swaggerOptions: { persistAuthorization: false },
  });
}
