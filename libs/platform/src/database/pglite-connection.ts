import { PGlite } from '@electric-sql/pglite';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { migrationsFolder } from '../paths';
import { readAppliedMigrations } from './migrations';
import type { DatabaseConnection, Db } from './database.types';

/**
 * Embedded PostgreSQL (PGlite: real Postgres compiled to WASM) for development and tests. A single
 * connection; PGlite serialises queries and transactions internally.
 */
export class PgliteConnection implements DatabaseConnection {
  readonly kind = 'pglite' as const;
  readonly db: Db;
  private closed = false;
  private releaseLock: (() => void) | undefined;

  constructor(readonly client: PGlite) {
    this.db = drizzle(client);
  }

  /**
   * Opens (or creates) a persistent database directory, or an in-memory one without a path. A
   * directory is opened by one process at a time (PGlite is single-process): a second opener gets
   * a clear error instead of corrupting the files.
   */
  static async open(dataDir?: string): Promise<PgliteConnection> {
    const release = dataDir ? acquireDirectoryLock(dataDir) : undefined;
    try {
      const client = dataDir ? new PGlite(dataDir) : new PGlite();
      await client.waitReady;
      const connection = new PgliteConnection(client);
      connection.releaseLock = release;
      return connection;
    } catch (err) {
      release?.();
      throw err;
    }
  }

  /** Clones a migrated template made with `dumpDataDir` (tests: ~1 s instead of ~3 s for initdb). */
  static async fromDump(dump: Blob): Promise<PgliteConnection> {
    const client = new PGlite({ loadDataDir: dump });
    await client.waitReady;
    return new PgliteConnection(client);
  }

  async migrate(): Promise<void> {
    await migrate(this.db as never, { migrationsFolder });
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
    try {
      await this.client.close();
    } finally {
      this.releaseLock?.();
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** An exclusive `<dir>.lock` holding our pid; a stale lock (dead pid) is taken over. */
export function acquireDirectoryLock(dataDir: string): () => void {
  const lockFile = `${dataDir.replace(/\/+$/, '')}.lock`;
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
        throw new Error(
          `the embedded database in ${dataDir} is in use by process ${holder} (PGlite allows one process). ` +
            'Stop that process first, or set DATABASE_URL to share a PostgreSQL server.',
          { cause: err },
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
