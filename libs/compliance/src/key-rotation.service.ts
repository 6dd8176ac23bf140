import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { INestApplicationContext } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { AuditService } from '@app/audit';
import { DatabaseService, FieldCipher, JobHandler, defineJob, queryRows } from '@app/platform';
import { reencryptProgress } from './compliance.table';

declare module '@app/platform' {
  interface JobPayloads {
    'compliance.keys-reencrypt': { batchSize?: number };
  }
}

export const reencryptJob = defineJob({
  name: 'compliance.keys-reencrypt',
  queue: 'compliance',
  options: { attempts: 5, backoff: { type: 'exponential', delay: 5000 } },
});

/** One table with FieldCipher columns. `context` is the column name the cipher context uses (default: the column). */
export interface EncryptedColumnSet {
  table: string;
  idColumn: string;
  /** Column holding the org bound into the AAD; null: values encrypted with `orgId: null`. */
  orgColumn: string | null;
  columns: Array<{ name: string; context?: string }>;
  /** The table name the cipher context uses (default: `table`). */
  contextTable?: string;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Registry of encrypted columns for key rotation (security.md D2). Every lib that stores
 * FieldCipher values registers its tables (in `onModuleInit`), so `keys:reencrypt` covers them.
 */
@Injectable()
export class EncryptedColumnRegistry {
  private readonly sets = new Map<string, EncryptedColumnSet>();

  register(set: EncryptedColumnSet): void {
    for (const name of [set.table, set.idColumn, set.orgColumn ?? 'org_id', ...set.columns.map((c) => c.name)]) {
      if (!IDENT.test(name)) throw new Error(`EncryptedColumnRegistry: "${name}" is not a plain SQL identifier`);
    }
    this.sets.set(set.table, set);
  }

  list(): EncryptedColumnSet[] {
    return [...this.sets.values()];
  }
}

/**
 * The analysis domain's FieldCipher columns (libs/analysis AnalysisCodec; AAD = table/column/row
 * id/org id, context names = column names). A sentiment envelope is bound to its conversation id
 * (`conversation_id`, the row's unique key: a re-analysis overwrites the row in place), the medical
 * and fraud/abuse envelopes to their row id.
 */
export const ANALYSIS_ENCRYPTED_COLUMNS: EncryptedColumnSet[] = [
  { table: 'conversation_sentiments', idColumn: 'conversation_id', orgColumn: 'org_id', columns: [{ name: 'analysis' }] },
  {
    table: 'medical_analyses',
    idColumn: 'id',
    orgColumn: 'org_id',
    columns: [{ name: 'metrics' }, { name: 'warnings' }, { name: 'recommendations' }],
  },
  {
    table: 'fraud_abuse_analyses',
    idColumn: 'id',
    orgColumn: 'org_id',
    columns: [{ name: 'details' }, { name: 'warnings' }, { name: 'recommendations' }],
  },
];

export interface ReencryptResult {
  tables: Array<{ table: string; scanned: number; rewritten: number; done: boolean }>;
}

export interface ReencryptOptions {
  batchSize?: number;
  /** Only this table. */
  table?: string;
  /** Stop after this many batches per table (tests: resumability); default unbounded. */
  maxBatches?: number;
  /** Called after every batch (the CLI prints progress). */
  onBatch?: (progress: { table: string; scanned: number; rewritten: number }) => void;
}

type Row = Record<string, string | null>;

/**
 * The re-encryption job: walks each registered table in id order, in batches, and rewrites the
 * values whose key id is not the current one (FieldCipher.reencrypt: same plaintext, same AAD
 * context, current key). Resumable (the last id per table is stored after every batch) and
 * idempotent (current values are skipped; each update only applies if the value is unchanged, so a
 * concurrent write is never overwritten). Old keys may be retired once a full pass rewrote 0 rows.
 */
@Injectable()
export class KeyRotationService implements OnModuleInit {
  private readonly logger = new Logger('KeyRotation');

  constructor(
    private readonly database: DatabaseService,
    private readonly cipher: FieldCipher,
    private readonly registry: EncryptedColumnRegistry,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    // Analysis sits below compliance in the module graph (it cannot import the registry).
    for (const set of ANALYSIS_ENCRYPTED_COLUMNS) this.registry.register(set);
  }

  @JobHandler('compliance.keys-reencrypt')
  async handle(payload: { batchSize?: number }): Promise<void> {
    await this.reencrypt({ batchSize: payload.batchSize });
  }

  async reencrypt(options: ReencryptOptions = {}): Promise<ReencryptResult> {
    const batchSize = Math.min(Math.max(options.batchSize ?? 500, 1), 10_000);
    const result: ReencryptResult = { tables: [] };
    for (const set of this.registry.list().filter((s) => !options.table || s.table === options.table)) {
      result.tables.push(await this.walk(set, batchSize, options.maxBatches ?? Number.POSITIVE_INFINITY, options.onBatch));
    }
    const rewritten = result.tables.reduce((n, t) => n + t.rewritten, 0);
    await this.audit.record({
      action: 'compliance.keys.reencrypt',
      resourceType: 'encryption_key',
      resourceIds: [this.cipher.currentKeyId],
      outcome: 'success',
      reason: result.tables.every((t) => t.done) ? 'complete' : 'partial',
      actor: null,
      orgId: null,
    });
    this.logger.log({ msg: 're-encryption pass', keyId: this.cipher.currentKeyId, rewritten });
    return result;
  }

  private async walk(
    set: EncryptedColumnSet,
    batchSize: number,
    maxBatches: number,
    onBatch?: ReencryptOptions['onBatch'],
  ): Promise<ReencryptResult['tables'][number]> {
    const db = this.database.db;
    const keyId = this.cipher.currentKeyId;
    const [saved] = await db
      .select()
      .from(reencryptProgress)
      .where(sql`${reencryptProgress.tableName} = ${set.table}`);
    // A finished walk for the current key, or a walk for an older key, starts over.
    let lastId = saved && saved.keyId === keyId && !saved.done ? saved.lastId : null;
    let rewritten = saved && saved.keyId === keyId && !saved.done ? saved.rewritten : 0;
    let scanned = 0;
    const table = sql.identifier(set.table);
    const id = sql.identifier(set.idColumn);
    const org = set.orgColumn ? sql`${sql.identifier(set.orgColumn)}::text` : sql`null::text`;
    const columns = sql.join(
      set.columns.map((c) => sql`${sql.identifier(c.name)}::text as ${sql.identifier(c.name)}`),
      sql`, `,
    );
    let batches = 0;
    let done = false;
    while (batches < maxBatches) {
      const rows = await queryRows<Row>(
        db,
        sql`select ${id}::text as __id, ${org} as __org, ${columns} from ${table}
             ${lastId === null ? sql`` : sql`where ${id}::text > ${lastId}`} order by ${id}::text limit ${batchSize}`,
      );
      for (const row of rows) {
        for (const column of set.columns) {
          const value = row[column.name];
          if (value === null || value === undefined || this.cipher.isCurrent(value)) continue;
          const ctx = {
            table: set.contextTable ?? set.table,
            column: column.context ?? column.name,
            rowId: row.__id as string,
            orgId: row.__org ?? null,
          };
          const next = this.cipher.reencrypt(value, ctx);
          const col = sql.identifier(column.name);
          const updated = await queryRows<{ n: number }>(
            db,
            sql`update ${table} set ${col} = ${next} where ${id}::text = ${row.__id} and ${col} = ${value} returning 1 as n`,
          );
          rewritten += updated.length;
        }
      }
      scanned += rows.length;
      batches += 1;
      if (rows.length > 0) lastId = rows[rows.length - 1]?.__id ?? lastId;
      done = rows.length < batchSize;
      await db
        .insert(reencryptProgress)
        .values({ tableName: set.table, keyId, lastId, done, rewritten })
        .onConflictDoUpdate({ target: reencryptProgress.tableName, set: { keyId, lastId, done, rewritten, updatedAt: sql`now()` } });
      onBatch?.({ table: set.table, scanned, rewritten });
      if (done) break;
    }
    return { table: set.table, scanned, rewritten, done };
  }
}

export interface ReencryptIo {
  out(line: string): void;
  err(line: string): void;
}

export const KEYS_REENCRYPT_USAGE = 'npm run cli -- keys:reencrypt [--batch-size <n>] [--table <name>]';

/** `keys:reencrypt` for the operator CLI: one resumable pass over every registered table. Exit code 0 when complete. */
export async function runReencrypt(app: INestApplicationContext, args: string[], io: ReencryptIo): Promise<number> {
  const options: ReencryptOptions = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = args[i + 1];
    if (arg === '--batch-size' && value && /^\d+$/.test(value)) {
      options.batchSize = Number(value);
      i++;
    } else if (arg === '--table' && value && IDENT.test(value)) {
      options.table = value;
      i++;
    } else {
      io.err(`usage: ${KEYS_REENCRYPT_USAGE}`);
      return 2;
    }
  }
  let result: ReencryptResult;
  try {
    result = await app
      .get(KeyRotationService)
      .reencrypt({ ...options, onBatch: (p) => io.out(`${p.table}: ${p.scanned} scanned, ${p.rewritten} rewritten…`) });
  } catch (err) {
    io.err(`keys:reencrypt failed: ${(err as Error).message}`);
    return 1;
  }
  for (const t of result.tables) io.out(`${t.table}: scanned ${t.scanned}, rewritten ${t.rewritten}${t.done ? '' : ' (incomplete)'}`);
  if (result.tables.length === 0) io.out('no encrypted columns are registered');
  return result.tables.every((t) => t.done) ? 0 : 1;
}
