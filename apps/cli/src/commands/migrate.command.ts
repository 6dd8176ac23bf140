import { expectedMigrations, openDatabase } from '@app/platform';
import type { Command } from '../command';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply the committed database migrations (also done automatically at server start)',
  async run({ config, out }) {
    const target = config.databaseUrl ? 'PostgreSQL server' : `embedded PGlite in ${config.dataDir}`;
    out(`Connecting to ${target} …`);
    const connection = await openDatabase(config);
    try {
      const before = (await connection.appliedMigrations()).length;
      const expected = expectedMigrations().length;
      out(`Applied before: ${before} of ${expected} migrations. Migrating …`);
      await connection.migrate();
      const after = (await connection.appliedMigrations()).length;
      out(after === before ? `Already up to date (${after} migrations).` : `Applied ${after - before} migration(s); now at ${after}.`);
      return after === expected ? 0 : 1;
    } finally {
      await connection.close();
    }
  },
};
