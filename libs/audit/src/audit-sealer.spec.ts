import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { QueueService, queryRows } from '@app/platform';
import { createTestApp, type TestApp } from '@app/testing';
import { AuditService } from './audit.service';
import { AuditSealer } from './audit-sealer.service';
import { ENTRY_HASH_COLUMNS, SEAL_HASH_COLUMNS } from './audit-chain.repository';
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
    (await queryRows<{ seq: string }>(t.database.db, sql`select seq from audit_entry_seals order by seq`)).map((r) => Number(r.seq));

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

  it('hashes every column: the hash document is exactly the entry columns plus the seal’s seq and batch id', async () => {
    const columns = await queryRows<{ column_name: string }>(
      t.database.db,
      sql`select column_name from information_schema.columns where table_name = 'audit_entries'`,
    );
    expect([...ENTRY_HASH_COLUMNS].sort()).toEqual([...columns.map((c) => c.column_name), ...SEAL_HASH_COLUMNS].sort());
  });

  it('seals by inserting seal rows only: the sealed entry is not rewritten', async () => {
    await record();
    const [before] = await queryRows<{ id: string; ctid: string; xmin: string }>(
      t.database.db,
      sql`select id::text as id, ctid::text as ctid, xmin::text as xmin from audit_entries order by id desc limit 1`,
    );
    await sealer.seal();
    const [after] = await queryRows<{ ctid: string; xmin: string; seq: string | null }>(
      t.database.db,
      sql`select e.ctid::text as ctid, e.xmin::text as xmin, s.seq::text as seq
            from audit_entries e left join audit_entry_seals s on s.entry_id = e.id where e.id = ${before.id}`,
    );
    expect(after).toEqual({ ctid: before.ctid, xmin: before.xmin, seq: expect.any(String) });
    expect((await verifier.verify()).ok).toBe(true);
  });

  it('moves the unsealed-search floor past sealed entries and rolled-back ids, never past an unsealed entry', async () => {
    const floor = async (): Promise<number> =>
      Number((await queryRows<{ f: string }>(t.database.db, sql`select sealed_floor_id::text as f from audit_chain_head`))[0].f);
    await record();
    await t.database
      .transaction(async (tx) => {
        await record(tx);
        tx.rollback();
      })
      .catch(() => undefined);
    await record();
    await sealer.seal();
    await sealer.seal();
    const [last] = await queryRows<{ id: string }>(t.database.db, sql`select max(id)::text as id from audit_entries`);
    expect(await floor()).toBeGreaterThanOrEqual(Number(last.id));
    // An unsealed entry below the candidate keeps the floor below it (sealed by the next run).
    await record();
    const [pending] = await queryRows<{ id: string }>(t.database.db, sql`select max(id)::text as id from audit_entries`);
    expect(await floor()).toBeLessThan(Number(pending.id));
    await sealer.seal();
    await sealer.seal();
    const [sealedRow] = await queryRows<{ n: string }>(
      t.database.db,
      sql`select count(*)::text as n from audit_entry_seals where entry_id = ${pending.id}`,
    );
    expect(sealedRow.n).toBe('1');
    expect((await verifier.verify()).ok).toBe(true);
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

    it('rejects every UPDATE, DELETE and TRUNCATE of entries, sealed or not', async () => {
      await record();
      await sealer.seal();
      await record();
      const sealedId = sql`(select entry_id from audit_entry_seals where seq = 1)`;
      const unsealed = sql`not exists (select 1 from audit_entry_seals s where s.entry_id = audit_entries.id)`;
      await rejects(sql`update audit_entries set outcome = 'denied' where id = ${sealedId}`);
      await rejects(sql`update audit_entries set outcome = 'denied' where ${unsealed}`);
      await rejects(sql`update audit_entries set reason = reason where ${unsealed}`);
      await rejects(sql`delete from audit_entries where id = ${sealedId}`);
      await rejects(sql`delete from audit_entries where ${unsealed}`);
      await rejects(sql`truncate audit_entries`);
    });

    it('rejects UPDATE, DELETE and TRUNCATE of seals', async () => {
      await record();
      await sealer.seal();
      await rejects(sql`update audit_entry_seals set leaf_hash = repeat('0', 64) where seq = 1`);
      await rejects(sql`update audit_entry_seals set entry_id = entry_id where seq = 1`);
      await rejects(sql`delete from audit_entry_seals where seq = 1`);
      await rejects(sql`truncate audit_entry_seals`);
    });

    it('the UPDATE guard of entries has no exception (no WHEN clause)', async () => {
      const [trigger] = await queryRows<{ def: string }>(
        t.database.db,
        sql`select pg_get_triggerdef(oid) as def from pg_trigger where tgname = 'audit_entries_append_only'`,
      );
      expect(trigger.def).toMatch(/BEFORE UPDATE ON (public\.)?audit_entries FOR EACH ROW EXECUTE FUNCTION audit_entries_update_guard\(\)/);
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
