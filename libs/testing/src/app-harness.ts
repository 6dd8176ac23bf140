import type { DynamicModule, INestApplication, Provider, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { AppModule, configureApp } from '@apps/server';
import { AppConfig, DATABASE_CONNECTION, DatabaseService, loadConfig, type Env } from '@app/platform';
import { createTestDatabase, type TestDatabase } from './test-database';
import { deleteRedisPrefix, testRedisUrl, uniqueRedisPrefix } from './test-redis';
import { testState } from './test-state';

export interface TestAppOptions {
  /** Extra environment (as an operator would set it); merged over the test defaults. */
  env?: Env;
  /** Listen on an ephemeral port (for Socket.io, WebSocket and real HTTP clients). */
  listen?: boolean;
  /** Test-only modules, controllers or providers added beside the real module graph. */
  imports?: Array<Type | DynamicModule>;
  controllers?: Type[];
  providers?: Provider[];
  /** Use this database instead of a fresh one (e.g. two instances on one database). */
  database?: TestDatabase;
}

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  database: DatabaseService;
  testDatabase: TestDatabase;
  /** Base URL when `listen` was set. */
  url: string | undefined;
  http(): TestAgent;
  get<T>(token: Type<T> | string | symbol): T;
  close(): Promise<void>;
}

/** Environment of a test app: private data dir, fresh secrets, its own Redis prefix, quiet logs. */
export function testEnv(extra: Env = {}): Env {
  return {
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bianca-app-')),
    JWT_SECRET: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // A caller's REDIS_URL wins without consulting the jest state (benchmarks run outside jest).
    REDIS_URL: extra.REDIS_URL ?? testRedisUrl(),
    REDIS_PREFIX: uniqueRedisPrefix(),
    LOG_LEVEL: testState().logLevel,
    PORT: '0',
    HOST: '127.0.0.1',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...extra,
  };
}

/**
 * Boots the real server module graph and HTTP pipeline (configureApp) on a private database and
 * Redis prefix. Only the database connection is swapped in (a clone of the migrated template);
 * everything else is the production wiring.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const env = testEnv(options.env);
  const config = loadConfig(env);
  const testDatabase = options.database ?? (await createTestDatabase());

  @Module({ imports: options.imports ?? [], controllers: options.controllers ?? [], providers: options.providers ?? [] })
  class TestExtrasModule {}

  const cleanup = async (): Promise<void> => {
    if (!options.database) await testDatabase.drop().catch(() => undefined);
    if (config.redisUrl) await deleteRedisPrefix(config.redisPrefix, config.redisUrl).catch(() => 0);
    rmSync(config.dataDir, { recursive: true, force: true });
  };

  let app: INestApplication | undefined;
  let url: string | undefined;
  try {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config), TestExtrasModule] })
      .overrideProvider(DATABASE_CONNECTION)
      .useValue(testDatabase.connection)
      .compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    configureApp(app);
    if (options.listen) {
      await app.listen(0, '127.0.0.1');
      const address = (app.getHttpServer() as Server).address() as AddressInfo;
      url = `http://127.0.0.1:${address.port}`;
    } else {
      await app.init();
    }
  } catch (err) {
    // A boot that fails (e.g. a wiring error under test) must not leak connections or databases.
    await app?.close().catch(() => undefined);
    await cleanup();
    throw err;
  }
  const booted = app;

  let closed = false;
  return {
    app: booted,
    config,
    database: booted.get(DatabaseService),
    testDatabase,
    url,
    http: () => request(booted.getHttpServer() as Server),
    get: <T>(token: Type<T> | string | symbol) => booted.get<T>(token),
    close: async () => {
      if (closed) return;
      closed = true;
      await booted.close();
      await cleanup();
    },
  };
}
