import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { expectedMigrations } from './migrations';
import type { DatabaseConnection, DatabaseKind, Db, Tx } from './database.types';

export const DATABASE_CONNECTION = Symbol('DATABASE_CONNECTION');

export interface MigrationState {
  ok: boolean;
  applied: number;
  expected: number;
}

/**
 * The application's handle on PostgreSQL. Repositories take `database.db` (or a `Tx` passed down
 * by a service) — transactions are always explicit: `database.transaction(async (tx) => ...)`.
 */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  private readonly expected = expectedMigrations();

  constructor(@Inject(DATABASE_CONNECTION) private readonly connection: DatabaseConnection) {}

  get db(): Db {
    return this.connection.db;
  }

  get kind(): DatabaseKind {
    return this.connection.kind;
  }

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.connection.db.transaction(work);
  }

  ping(): Promise<void> {
    return this.connection.ping();
  }

  async migrationState(): Promise<MigrationState> {
    const applied = await this.connection.appliedMigrations();
    const ok = applied.length === this.expected.length && applied.every((hash, i) => hash === this.expected[i]);
    return { ok, applied: applied.length, expected: this.expected.length };
  }

  /** Closed last (onApplicationShutdown), after HTTP, sockets and workers have drained. */
  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}
