import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { QueueService, queryRows } from '@app/platform';
import { createTestApp, type TestApp } from '@app/testing';
import { AuditService } from './audit.service';
import { AuditSealer } from './audit-sealer.service';
import { ENTRY_HASH_COLUMNS } from './audit-chain.repository';
import { AuditVerifier } from './audit-verifier';
import { parseCheckpoint } from './checkpoint-note';

describe('AuditSealer', () => {
  let t: TestApp;
  let audit: AuditService;
  let sealer: AuditSealer;
  let verifier: AuditVerifier;

  beforeAll(async () => {
    // API role only: the worker's breach-detection job seals too, which would race with the chain shapes asserted here.
    t = await createTestApp({ env: { AUDIT_SEAL_INTERVAL_MS: '0', ROLES: 'api' } });
    audit = t.get(AuditService);
    sealer = t.get(AuditSealer);
    verifier = t.get(AuditVerifier);
  });
  afterAll(async () => {
    await t.close();
  });

  const record = (tx?: Parameters<AuditService['record']>[1]): Promise<void> =>
    audit.record(
      { action: 'patient.read', resourceType: 'patient', resourceIds: [randomUUID()], orgId: randomUUID(), outcome: 'success' },
      tx,
    );

  const seqs = async (): Promise<number[]> =>
    (await queryRows<{ seq: string }>(t.database.db, sql`select seq from audit_entries where seq is not null order by seq`)).map((r) =>
      Number(r.seq),
    );

  it('numbers sealed entries gap-free even though rolled-back writes leave holes in insert ids', async () => {
    for (let i = 0; i < 10; i++) {
      await record();
      await t.database
        .transaction(async (tx) => {
          await record(tx);
          tx.rollback();
        })
        .catch(() => undefined);
    }
    await sealer.seal();
    const ids = (await queryRows<{ id: string }>(t.database.db, sql`select id from audit_entries order by id`)).map((r) => Number(r.id));
    expect(ids.at(-1)! - ids[0] + 1).toBeGreaterThan(ids.length);
    const sealed = await seqs();
    expect(sealed).toEqual(Array.from({ length: sealed.length }, (_, i) => i + 1));
    expect((await verifier.verify()).ok).toBe(true);
  });

  it('keeps the chain intact under concurrent writers and concurrent sealers', async () => {
    const before = (await seqs()).length;
    const writers = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 15; i++) await record();
    });
    const sealers = Array.from({ length: 3 }, async () => {
      for (let i = 0; i < 5; i++) await sealer.seal({ batchSize: 7 });
    });
    await Promise.all([...writers, ...sealers]);
    await sealer.seal({ batchSize: 7 });
    const sealed = await seqs();
    expect(sealed).toHaveLength(before + 120);
    expect(sealed).toEqual(Array.from({ length: sealed.length }, (_, i) => i + 1));
    const report = await verifier.verify();
    expect(report).toMatchObject({ ok: true, entries: sealed.length, unsealed: 0, entriesBackedByExport: sealed.length });
  });

  it('exports each batch and the latest signed checkpoint to the checkpoint directory', async () => {
    await record();
    const result = await sealer.seal();
    expect(result).toMatchObject({ batches: 1, entries: 1 });
    const latest = readFileSync(join(t.config.audit.checkpointDir, 'checkpoint'), 'utf8');
    expect(parseCheckpoint(latest)).toMatchObject({ origin: t.config.audit.origin, treeSize: result.lastSeq });
    const [batch] = await queryRows<{ exported_at: string | null }>(
      t.database.db,
      sql`select exported_at from audit_batches order by id desc limit 1`,
    );
    expect(batch.exported_at).not.toBeNull();
    expect(existsSync(join(t.config.audit.checkpointDir, 'batches'))).toBe(true);
    expect(await sealer.seal()).toMatchObject({ batches: 0, entries: 0, exported: 0 });
  });

  it('keeps sealing when the export fails, and exports the missed batches on a later run', async () => {
    const { rmSync, writeFileSync } = await import('node:fs');
    const dir = t.config.audit.checkpointDir;
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(dir, 'not a directory');
    try {
      await record();
      expect(await sealer.seal()).toMatchObject({ batches: 1, entries: 1, exported: 0 });
      const [pending] = await queryRows<{ n: string }>(
        t.database.db,
        sql`select count(*) as n from audit_batches where exported_at is null`,
      );
      expect(Number(pending.n)).toBe(1);
    } finally {
      rmSync(dir, { force: true });
    }
    expect(await sealer.seal()).toMatchObject({ batches: 0, exported: 1 });
    expect((await verifier.verify()).ok).toBe(true);
  });

  it('hashes every column: the hash projection lists exactly the table columns except leaf_hash', async () => {
    const columns = await queryRows<{ column_name: string }>(
      t.database.db,
      sql`select column_name from information_schema.columns where table_name = 'audit_entries' and column_name <> 'leaf_hash'`,
    );
    expect([...ENTRY_HASH_COLUMNS].sort()).toEqual(columns.map((c) => c.column_name).sort());
  });

  it('hashes the timestamp at full microsecond precision, independent of the session time zone', async () => {
    await record();
    await sealer.seal();
    await t.database.db.execute(sql`set timezone = 'America/Los_Angeles'`);
    try {
      expect((await verifier.verify()).ok).toBe(true);
    } finally {
      await t.database.db.execute(sql`set timezone = 'UTC'`);
    }
  });

  describe('append-only protection (without superuser bypass)', () => {
    const rejects = async (statement: ReturnType<typeof sql>): Promise<void> => {
      await expect(t.database.db.execute(statement)).rejects.toMatchObject({
        cause: expect.objectContaining({ message: expect.stringMatching(/append-only|unsealed/) }),
      });
    };

    it('rejects UPDATE, DELETE and TRUNCATE of entries, re-sealing, and pre-sealed inserts', async () => {
      await record();
      await sealer.seal();
      await record();
      await rejects(sql`update audit_entries set outcome = 'denied' where seq = 1`);
      await rejects(sql`update audit_entries set outcome = 'denied' where seq is null`);
      await rejects(sql`update audit_entries set seq = seq + 1000 where seq = 1`);
      await rejects(sql`delete from audit_entries where seq = 1`);
      await rejects(sql`delete from audit_entries where seq is null`);
      await rejects(sql`truncate audit_entries`);
      await rejects(sql`insert into audit_entries (seq, action, resource_type, outcome) values (999999, 'x', 'y', 'success')`);
      // Sealing while changing any other column is not sealing.
      await rejects(sql`update audit_entries set seq = 999998, leaf_hash = 'x', batch_id = 99, patient_ids = '{forged}' where seq is null`);
      await rejects(sql`update audit_entries set seq = 999997, leaf_hash = 'x', batch_id = 99, reason = 'forged' where seq is null`);
    });

    it('the UPDATE guard’s WHEN clause compares every column except the seal columns', async () => {
      const [trigger] = await queryRows<{ def: string }>(
        t.database.db,
        sql`select pg_get_triggerdef(oid) as def from pg_trigger where tgname = 'audit_entries_append_only'`,
      );
      const columns = await queryRows<{ column_name: string }>(
        t.database.db,
        sql`select column_name from information_schema.columns
             where table_name = 'audit_entries' and column_name not in ('seq', 'leaf_hash', 'batch_id')`,
      );
      for (const { column_name: column } of columns) {
        expect({ column, old: trigger.def.includes(`old.${column}`), new: trigger.def.includes(`new.${column}`) }).toEqual({
          column,
          old: true,
          new: true,
        });
      }
    });

    it('rejects changes to sealed batches other than recording the export once', async () => {
      await rejects(sql`update audit_batches set batch_root = repeat('0', 64) where id = 1`);
      await rejects(sql`update audit_batches set exported_at = now() where id = 1`);
      await rejects(sql`delete from audit_batches where id = 1`);
      await rejects(sql`truncate audit_batches`);
    });
  });

  it('schedules the repeating seal job in the worker role when an interval is set', async () => {
    const app = await createTestApp({ env: { AUDIT_SEAL_INTERVAL_MS: '60000' } });
    try {
      const schedulers = await app.get(QueueService).queue('audit').getJobSchedulers();
      expect(schedulers).toEqual([expect.objectContaining({ key: 'audit-seal', name: 'audit.seal', every: 60000 })]);
    } finally {
      await app.close();
    }
  });
});
