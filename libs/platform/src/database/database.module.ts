import { Global, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { DATABASE_CONNECTION, DatabaseService } from './database.service';
import { PgliteConnection } from './pglite-connection';
import { PostgresConnection } from './postgres-connection';
import type { DatabaseConnection } from './database.types';

/** Opens the configured database: `DATABASE_URL` → a server, else embedded PGlite in DATA_DIR. */
export async function openDatabase(config: AppConfig): Promise<DatabaseConnection> {
  if (config.databaseUrl) return PostgresConnection.create(config.databaseUrl);
  return PgliteConnection.open(join(config.dataDir, 'pgdata'));
}

const connectionProvider: Provider = {
  provide: DATABASE_CONNECTION,
  inject: [AppConfig],
  useFactory: async (config: AppConfig): Promise<DatabaseConnection> => {
    const connection = await openDatabase(config);
    // Migrations run at start in every process; the Postgres driver serialises them with an
    // advisory lock, so scaled-out processes starting together apply each one once.
    await connection.migrate();
    return connection;
  },
};

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return { module: DatabaseModule, providers: [connectionProvider, DatabaseService], exports: [DatabaseService] };
  }
}
