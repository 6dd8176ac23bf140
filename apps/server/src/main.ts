import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { Server } from 'node:http';
import { ConfigError, describeConfig, loadConfig, readProcessEnv } from '@app/platform';
import { AppModule } from './app.module';
import { configureApp } from './configure-app';

/**
 * Composition root. Loads and validates config, builds the module graph for this process's
 * roles, wires transport, listens, and drains on SIGTERM/SIGINT: readiness goes 503, HTTP stops
 * accepting and finishes in-flight requests, workers finish active jobs, sockets close, then
 * Redis and the database. A hard deadline ends the process if draining hangs.
 */
async function main(): Promise<void> {
  const started = Date.now();
  let config;
  try {
    config = loadConfig(readProcessEnv());
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bufferLogs: true });
  configureApp(app);
  await app.listen(config.port, config.host);
  const logger = app.get(Logger);
  logger.log({ msg: `Bianca listening on ${config.host}:${config.port}`, config: describeConfig(config), startupMs: Date.now() - started });

  const server: Server = app.getHttpServer();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log({ msg: 'shutting down: draining HTTP, jobs and sockets', signal });
      setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs).unref();
      setTimeout(() => {
        process.stderr.write('shutdown deadline exceeded; exiting\n');
        process.exit(1);
      }, config.shutdownTimeoutMs + 35_000).unref();
    });
  }
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`Bianca failed to start: ${message}\n`);
  process.exit(1);
});
