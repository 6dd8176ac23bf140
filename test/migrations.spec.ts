import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { expectedMigrations, migrationsFolder, PgliteConnection, queryRows } from '@app/platform';
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
