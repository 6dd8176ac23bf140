import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PgliteConnection, PostgresConnection, type DatabaseConnection } from '../../platform/src';
import { testState } from './test-state';

/** A private, migrated database for one test app; `drop()` removes it. */
export interface TestDatabase {
  connection: DatabaseConnection;
  /** Set for a real server: the database's own URL (e.g. to open a second app on it). */
  url?: string;
  drop(): Promise<void>;
}

function serverUrl(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdminClient<T>(base: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: base });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function databaseNamePrefix(runId: string): string {
  return `bianca_test_${runId}_`;
}

/**
 * PGlite: a clone of the migrated template made once per run in globalSetup (~1–2 s), or a fresh
 * migrated instance without one. Real PostgreSQL (TEST_DATABASE_URL): `CREATE DATABASE … TEMPLATE`
 * (~55 ms), or create + migrate without a template.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const state = testState();
  if (state.databaseUrl) {
    const base = state.databaseUrl;
    const name = `${databaseNamePrefix(state.runId)}${randomBytes(6).toString('hex')}`;
    await withAdminClient(base, (client) =>
      client.query(state.templateDatabase ? `create database "${name}" template "${state.templateDatabase}"` : `create database "${name}"`),
    );
    const url = serverUrl(base, name);
    const connection = PostgresConnection.create(url, { max: 10 });
    if (!state.templateDatabase) await connection.migrate();
    return {
      connection,
      url,
      drop: async () => {
        await connection.close();
        await withAdminClient(base, (client) => client.query(`drop database if exists "${name}" with (force)`));
      },
    };
  }
  const connection = state.pgliteTemplate
    ? await PgliteConnection.fromDump(new Blob([await readFile(state.pgliteTemplate)]))
    : await PgliteConnection.open();
  if (!state.pgliteTemplate) await connection.migrate();
  return { connection, drop: () => connection.close() };
}
