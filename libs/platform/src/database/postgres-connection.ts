import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Pool, type PoolConfig } from 'pg';
import { migrationsFolder } from '../paths';
import { expectedMigrations, readAppliedMigrations } from './migrations';
import type { DatabaseConnection, Db } from './database.types';

/** Any number fits: it only has to be the same in every process of this application. */
const MIGRATION_LOCK_ID = 7_240_117_001;

/** A PostgreSQL server through a node-postgres pool. */
export class PostgresConnection implements DatabaseConnection {
  readonly kind = 'postgres' as const;
  readonly db: Db;
  private closed = false;

  constructor(readonly pool: Pool) {
    this.db = drizzle(pool);
  }

  static create(url: string, options: PoolConfig = {}): PostgresConnection {
    const pool = new Pool({
      connectionString: url,
      max: 10,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
      application_name: 'bianca',
      ...options,
    });
    // An idle client that loses its server must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    return new PostgresConnection(pool);
  }

  /** Serialised across processes with an advisory lock, so parallel starts apply each migration once. */
  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      try {
        // Up to date: no DDL at all, so processes connected as the least-privilege app role start
        // (README, Security notes: only the owner role runs migrations).
        const applied = await readAppliedMigrations(drizzle(client));
        const expected = expectedMigrations();
        if (applied.length === expected.length && applied.every((hash, i) => hash === expected[i])) return;
        await migrate(drizzle(client), { migrationsFolder });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
      }
    } finally {
      client.release();
    }
  }

  appliedMigrations(): Promise<string[]> {
    return readAppliedMigrations(this.db);
  }

  async ping(): Promise<void> {
    await this.db.execute(sql`select 1`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
