import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { acquireDirectoryLock, expectedMigrations, migrationsFolder, PgliteConnection, queryRows } from '@app/platform';
import { createTestDatabase } from '@app/testing';

describe('migrations', () => {
  it('every committed SQL file is in the journal and vice versa', () => {
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
      entries: Array<{ tag: string }>;
    };
    const files = readdirSync(migrationsFolder)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => f.replace(/\.sql$/, ''))
      .sort();
    expect(journal.entries.map((e) => e.tag).sort()).toEqual(files);
    expect(expectedMigrations()).toHaveLength(files.length);
  });

  it('a fresh database starts empty, migrates fully, and migrating again is a no-op', async () => {
    const connection = await PgliteConnection.open();
    try {
      expect(await connection.appliedMigrations()).toEqual([]);
      await connection.migrate();
      expect(await connection.appliedMigrations()).toEqual(expectedMigrations());
      await connection.migrate();
      expect(await connection.appliedMigrations()).toEqual(expectedMigrations());
      const [orgs] = await queryRows<{ present: boolean }>(connection.db, sql`select to_regclass('public.orgs') is not null as present`);
      expect(orgs?.present).toBe(true);
    } finally {
      await connection.close();
    }
  });

  it('the test database (same migrations on the configured engine) is fully migrated', async () => {
    const database = await createTestDatabase();
    try {
      expect(await database.connection.appliedMigrations()).toEqual(expectedMigrations());
    } finally {
      await database.drop();
    }
  });
});

describe('embedded database directory', () => {
  it('is opened by one process at a time, with a clear message for the second', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bianca-pglite-')), 'pgdata');
    const release = acquireDirectoryLock(dir);
    try {
      // A lock held by a live process (this one) refuses a second opener.
      await expect(PgliteConnection.open(dir)).rejects.toThrow(/is in use by process \d+ \(PGlite allows one process\)/);
    } finally {
      release();
    }
    const connection = await PgliteConnection.open(dir);
    await connection.close();
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });
});
