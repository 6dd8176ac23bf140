import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';

type NoSchema = Record<string, never>;

/** A Drizzle database on either driver (PGlite or node-postgres); repositories only see this. */
export type Db = PgDatabase<PgQueryResultHKT, NoSchema>;
/** A transaction handle; accepted wherever a `Db` is, so repository methods compose into one tx. */
export type Tx = PgTransaction<PgQueryResultHKT, NoSchema, ExtractTablesWithRelations<NoSchema>>;
export type DbOrTx = Db | Tx;

export type DatabaseKind = 'pglite' | 'postgres';

/** One physical database connection (pool or embedded instance) with its lifecycle. */
export interface DatabaseConnection {
  readonly kind: DatabaseKind;
  readonly db: Db;
  /** Applies the committed migrations; safe when several processes start at once. */
  migrate(): Promise<void>;
  /** Hashes of the migrations recorded as applied, oldest first. */
  appliedMigrations(): Promise<string[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
