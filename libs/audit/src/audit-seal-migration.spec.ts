import { randomUUID, generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { PgliteConnection, migrationsFolder, queryRows } from '@app/platform';
import { createTestApp } from '@app/testing';
import { AuditSealer } from './audit-sealer.service';
import { AuditService } from './audit.service';
import { AuditVerifier } from './audit-verifier';
import { ENTRY_HASH_COLUMNS } from './audit-chain.repository';
import { GENESIS_CHAIN_HASH, chainHash, leafHash, merkleRoot, type Json } from './audit-hashing';
import { signCheckpoint } from './checkpoint-note';

/**
 * Migration `audit_seal_table` moves the seals of existing entries (seq, batch_id, leaf_hash) from
 * columns of audit_entries to audit_entry_seals. A chain sealed the old way (entries UPDATEd in
 * place) must still verify afterwards, keep its seq order, and continue with new batches.
 */
const ORIGIN = 'migration.test/bianca-audit';

/** The migrations folder as it was before the seal table (journal cut before that migration). */
function foldersBeforeSealTable(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bianca-migrations-'));
  mkdirSync(join(dir, 'meta'));
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: Array<{ tag: string }>;
  };
  const cut = journal.entries.findIndex((e) =>
    readFileSync(join(migrationsFolder, `${e.tag}.sql`), 'utf8').includes('CREATE TABLE "audit_entry_seals"'),
  );
  expect(cut).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const file of readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql'))) {
    if (journal.entries.some((e) => `${e.tag}.sql` === file)) copyFileSync(join(migrationsFolder, file), join(dir, file));
  }
  return dir;
}

describe('migration audit_seal_table (seal columns → audit_entry_seals)', () => {
  it('keeps an old-style sealed chain verifiable, in order, and sealing continues after it', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const folder = foldersBeforeSealTable();
    const connection = await PgliteConnection.open();
    let closed = false;
    try {
      await migrate(connection.db as never, { migrationsFolder: folder });
      const db = connection.db;
      const orgId = randomUUID();
      for (let i = 0; i < 5; i++) {
        await db.execute(sql`
          insert into audit_entries (org_id, actor_id, actor_role, request_id, action, resource_type, resource_ids, patient_ids, outcome)
          values (${orgId}, ${`actor-${i}`}, 'staff', ${`req-${i}`}, 'patient.read', 'patient', ${`{${randomUUID()}}`}::text[],
                  ${`{${randomUUID()}}`}::text[], 'success')`);
      }
      // Seal the old way: two batches (1..3, 4..5), seal columns UPDATEd in place.
      const rows = await queryRows<Record<string, string | null>>(
        db,
        sql`select id::text as id, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as occurred_at,
                   org_id::text as org_id, actor_id, actor_role, session_id, request_id, ip, user_agent, action, resource_type,
                   array_to_json(resource_ids)::text as resource_ids, array_to_json(patient_ids)::text as patient_ids,
                   outcome, reason, severity
              from audit_entries order by id`,
      );
      let prev: Buffer = Buffer.from(GENESIS_CHAIN_HASH, 'hex');
      for (const [batchId, first, last] of [
        [1, 1, 3],
        [2, 4, 5],
      ]) {
        const leaves: Buffer[] = [];
        for (let seq = first; seq <= last; seq++) {
          const row = rows[seq - 1];
          const doc: { [key: string]: Json } = {};
          for (const column of ENTRY_HASH_COLUMNS) {
            if (column === 'seq') doc[column] = seq;
            else if (column === 'batch_id') doc[column] = batchId;
            else if (column === 'id') doc[column] = Number(row.id);
            else if (column === 'resource_ids' || column === 'patient_ids') doc[column] = JSON.parse(row[column] as string) as Json;
            else doc[column] = row[column];
          }
          const leaf = leafHash(doc);
          leaves.push(leaf);
          await db.execute(
            sql`update audit_entries set seq = ${seq}, batch_id = ${batchId}, leaf_hash = ${leaf.toString('hex')} where id = ${row.id}`,
          );
        }
        const root = merkleRoot(leaves);
        const chain = chainHash(prev, first, last, root);
        await db.execute(sql`
          insert into audit_batches (id, first_seq, last_seq, batch_root, prev_chain_hash, chain_hash, checkpoint)
          values (${batchId}, ${first}, ${last}, ${root.toString('hex')}, ${prev.toString('hex')}, ${chain.toString('hex')},
                  ${signCheckpoint({ origin: ORIGIN, treeSize: last, root: chain }, privateKey)})`);
        await db.execute(
          sql`update audit_chain_head set last_seq = ${last}, last_batch_id = ${batchId}, chain_hash = ${chain.toString('hex')}`,
        );
        prev = chain;
      }

      await connection.migrate();
      const seals = await queryRows<{ seq: string; entry_id: string; batch_id: string }>(
        db,
        sql`select seq::text as seq, entry_id::text as entry_id, batch_id::text as batch_id from audit_entry_seals order by seq`,
      );
      expect(seals.map((s) => [Number(s.seq), s.entry_id, Number(s.batch_id)])).toEqual(rows.map((r, i) => [i + 1, r.id, i < 3 ? 1 : 2]));
      const [columns] = await queryRows<{ n: string }>(
        db,
        sql`select count(*)::text as n from information_schema.columns
             where table_name = 'audit_entries' and column_name in ('seq', 'batch_id', 'leaf_hash')`,
      );
      expect(columns.n).toBe('0');

      const t = await createTestApp({
        database: {
          connection,
          drop: async () => {
            closed = true;
            await connection.close();
          },
        },
        env: {
          AUDIT_SEAL_INTERVAL_MS: '0',
          ROLES: 'api',
          AUDIT_ORIGIN: ORIGIN,
          AUDIT_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        },
      });
      try {
        const verifier = t.get(AuditVerifier);
        expect(await verifier.verify({ checkpointDir: false })).toMatchObject({ ok: true, entries: 5, batches: 2, lastSeq: 5 });
        await t.get(AuditService).record({ action: 'patient.read', resourceType: 'patient', orgId, outcome: 'success', actor: null });
        expect(await t.get(AuditSealer).seal()).toMatchObject({ batches: 1, lastSeq: 6 });
        expect(await verifier.verify({ checkpointDir: false })).toMatchObject({ ok: true, entries: 6, batches: 3, unsealed: 0 });
        // The moved seals are evidence like new ones: an entry edited after migrating is caught.
        await t.database.transaction(async (tx) => {
          await tx.execute(sql`set local session_replication_role = replica`);
          await tx.execute(sql`update audit_entries set outcome = 'denied' where id = ${rows[1].id}`);
        });
        expect((await verifier.verify({ checkpointDir: false })).problem).toMatchObject({ seq: 2, reason: 'entry_hash_mismatch' });
      } finally {
        await t.close();
      }
    } finally {
      if (!closed) await connection.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
