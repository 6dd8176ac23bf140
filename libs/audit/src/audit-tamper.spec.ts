import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { RequestContext, queryRows, type Tx } from '@app/platform';
import { createTestApp, type TestApp } from '@app/testing';
import { AuditService } from './audit.service';
import { AuditSealer } from './audit-sealer.service';
import { AuditVerifier } from './audit-verifier';
import { AuditChainRepository } from './audit-chain.repository';
import { chainHash, leafHash, merkleRoot } from './audit-hashing';
import { signCheckpoint } from './checkpoint-note';
import { batchFileName } from './checkpoint-store';

/**
 * The mutation battery of security.md L4, modelled on transparency-dev's verify_test.go: each
 * test builds a fresh sealed chain of 300 entries (5 batches: 64, 64, 64, 64, 44), tampers with
 * it the way a database superuser would (triggers bypassed with session_replication_role), and
 * expects the verifier to name the exact first bad seq.
 */
const ENTRIES = 300;
const BATCH = 64;

describe('audit chain tamper detection', () => {
  let t: TestApp;
  let verifier: AuditVerifier;

  beforeAll(async () => {
    // API role only: the worker's breach-detection job seals too, which would race with the chain shapes asserted here.
    t = await createTestApp({ env: { AUDIT_SEAL_INTERVAL_MS: '0', ROLES: 'api' } });
    verifier = t.get(AuditVerifier);
  });
  afterAll(async () => {
    await t.close();
  });

  /** Runs statements as a superuser bypassing the append-only triggers, in one transaction. */
  async function asSuperuser(work: (tx: Tx) => Promise<unknown>): Promise<void> {
    await t.database.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await work(tx);
    });
  }

  const exec = (tx: Tx, query: SQL): Promise<unknown> => tx.execute(query);

  async function buildChain(): Promise<void> {
    await asSuperuser(async (tx) => {
      await exec(tx, sql`delete from audit_entries`);
      await exec(tx, sql`delete from audit_entry_seals`);
      await exec(tx, sql`delete from audit_batches`);
      await exec(
        tx,
        sql`update audit_chain_head set last_seq = 0, last_batch_id = 0, chain_hash = repeat('0', 64),
              sealed_floor_id = 0, floor_candidate_id = 0, floor_candidate_at = null`,
      );
    });
    const { rmSync } = await import('node:fs');
    rmSync(t.config.audit.checkpointDir, { recursive: true, force: true });
    const audit = t.get(AuditService);
    const sealer = t.get(AuditSealer);
    const orgId = randomUUID();
    for (let i = 0; i < ENTRIES; i++) {
      const actor = { id: randomUUID(), role: i % 3 === 0 ? 'orgAdmin' : 'staff', orgId };
      await RequestContext.run({ requestId: `req-${i}`, ip: '198.51.100.7', userAgent: 'battery', actor }, () =>
        audit.record({
          action: i % 2 ? 'patient.read' : 'conversation.read',
          resourceType: 'patient',
          resourceIds: [randomUUID()],
          patientIds: [randomUUID()],
          outcome: 'success',
        }),
      );
      if (i === 149) await sealer.seal({ batchSize: BATCH });
    }
    await sealer.seal({ batchSize: BATCH });
  }

  beforeEach(buildChain);

  const idOfSeq = async (seq: number): Promise<string> => {
    const [row] = await queryRows<{ id: string }>(
      t.database.db,
      sql`select entry_id::text as id from audit_entry_seals where seq = ${seq}`,
    );
    return row.id;
  };

  /** The entry sealed at `seq` (seals live in audit_entry_seals; entries are never rewritten by sealing). */
  const atSeq = (seq: number): SQL => sql`id = (select entry_id from audit_entry_seals where seq = ${seq})`;

  it('builds the chain the battery expects, and verifies it with no false positive', async () => {
    const batches = await queryRows<{ first_seq: string; last_seq: string }>(
      t.database.db,
      sql`select first_seq, last_seq from audit_batches order by id`,
    );
    expect(batches.map((b) => [Number(b.first_seq), Number(b.last_seq)])).toEqual([
      [1, 64],
      [65, 128],
      [129, 150],
      [151, 214],
      [215, 278],
      [279, 300],
    ]);
    const report = await verifier.verify();
    expect(report).toMatchObject({
      ok: true,
      entries: ENTRIES,
      batches: 6,
      lastSeq: ENTRIES,
      unsealed: 0,
      exportsCompared: 6,
      entriesBackedByExport: ENTRIES,
    });
    expect(report.problem).toBeUndefined();
  });

  it('(a) one flipped bit in a column → entry_hash_mismatch at that seq', async () => {
    await asSuperuser((tx) =>
      exec(
        tx,
        sql`update audit_entries set request_id = chr(ascii(substr(request_id, 1, 1)) # 1) || substr(request_id, 2) where ${atSeq(137)}`,
      ),
    );
    const report = await verifier.verify();
    expect(report.ok).toBe(false);
    expect(report.problem).toMatchObject({ seq: 137, reason: 'entry_hash_mismatch' });
    expect(report.entries).toBe(136);
  });

  it.each([
    ['outcome', sql`outcome = 'denied'`],
    ['patient ids', sql`patient_ids = array[gen_random_uuid()::text]`],
    ['occurred_at by one microsecond', sql`occurred_at = occurred_at + interval '1 microsecond'`],
    ['actor', sql`actor_id = null`],
  ])('(b) an edited field (%s) → entry_hash_mismatch at that seq', async (_name, assignment) => {
    await asSuperuser((tx) => exec(tx, sql`update audit_entries set ${assignment} where ${atSeq(200)}`));
    expect((await verifier.verify()).problem).toMatchObject({ seq: 200, reason: 'entry_hash_mismatch' });
  });

  it('(c) a deleted entry → missing_entry at that seq', async () => {
    await asSuperuser((tx) => exec(tx, sql`delete from audit_entries where ${atSeq(150)}`));
    expect((await verifier.verify()).problem).toMatchObject({ seq: 150, reason: 'missing_entry', batchId: 3 });
  });

  it('(c) a deleted entry together with its seal → missing_entry at that seq', async () => {
    await asSuperuser(async (tx) => {
      await exec(tx, sql`delete from audit_entries where ${atSeq(150)}`);
      await exec(tx, sql`delete from audit_entry_seals where seq = 150`);
    });
    expect((await verifier.verify()).problem).toMatchObject({ seq: 150, reason: 'missing_entry', batchId: 3 });
  });

  it('(c) a deleted seal (the entry made to look unsealed) → missing_entry at that seq', async () => {
    await asSuperuser((tx) => exec(tx, sql`delete from audit_entry_seals where seq = 150`));
    expect((await verifier.verify({ checkpointDir: false })).problem).toMatchObject({ seq: 150, reason: 'missing_entry', batchId: 3 });
  });

  it('(d) two entries swapped → reported at the first of them', async () => {
    await asSuperuser(async (tx) => {
      await exec(tx, sql`update audit_entry_seals set seq = -1 where seq = 77`);
      await exec(tx, sql`update audit_entry_seals set seq = 77 where seq = 78`);
      await exec(tx, sql`update audit_entry_seals set seq = 78 where seq = -1`);
    });
    expect((await verifier.verify()).problem).toMatchObject({ seq: 77, reason: 'entry_hash_mismatch' });
  });

  it('(d) two seals pointed at each other’s entries → reported at the first of them', async () => {
    const [a, b] = [await idOfSeq(77), await idOfSeq(78)];
    await asSuperuser(async (tx) => {
      await exec(tx, sql`update audit_entry_seals set entry_id = -1 where seq = 77`);
      await exec(tx, sql`update audit_entry_seals set entry_id = ${a} where seq = 78`);
      await exec(tx, sql`update audit_entry_seals set entry_id = ${b} where seq = 77`);
    });
    expect((await verifier.verify()).problem).toMatchObject({ seq: 77, reason: 'entry_hash_mismatch' });
  });

  it('(e) a truncated tail is invisible in the database alone but caught by the exported checkpoints', async () => {
    await asSuperuser(async (tx) => {
      await exec(tx, sql`delete from audit_entries where id in (select entry_id from audit_entry_seals where seq > 214)`);
      await exec(tx, sql`delete from audit_entry_seals where seq > 214`);
      await exec(tx, sql`delete from audit_batches where id > 4`);
      await exec(
        tx,
        sql`update audit_chain_head set last_seq = 214, last_batch_id = 4, chain_hash = (select chain_hash from audit_batches where id = 4)`,
      );
    });
    expect(await verifier.verify({ checkpointDir: false })).toMatchObject({ ok: true, lastSeq: 214 });
    expect((await verifier.verify()).problem).toMatchObject({ seq: 215, reason: 'truncated' });
  });

  it('(e) a truncated tail is also caught by a checkpoint kept elsewhere (an auditor copy)', async () => {
    const note = readFileSync(join(t.config.audit.checkpointDir, 'checkpoint'), 'utf8');
    await asSuperuser(async (tx) => {
      await exec(tx, sql`delete from audit_entries where id in (select entry_id from audit_entry_seals where seq > 278)`);
      await exec(tx, sql`delete from audit_entry_seals where seq > 278`);
      await exec(tx, sql`delete from audit_batches where id > 5`);
      await exec(
        tx,
        sql`update audit_chain_head set last_seq = 278, last_batch_id = 5, chain_hash = (select chain_hash from audit_batches where id = 5)`,
      );
    });
    expect((await verifier.verify({ checkpointDir: false, checkpoints: [note] })).problem).toMatchObject({ seq: 279, reason: 'truncated' });
  });

  /** An insider holding the signing key rewrites entry `from` and re-seals everything after it. */
  async function rewriteSuffix(from: number, signingKey = t.config.audit.signingKey): Promise<void> {
    await asSuperuser(async (tx) => {
      await exec(tx, sql`update audit_entries set outcome = 'denied', reason = 'rewritten' where ${atSeq(from)}`);
      const batches = await queryRows<{ id: string; first_seq: string; last_seq: string; prev_chain_hash: string }>(
        tx,
        sql`select id, first_seq, last_seq, prev_chain_hash from audit_batches where last_seq >= ${from} order by id`,
      );
      let prev: Buffer = Buffer.from(batches[0].prev_chain_hash, 'hex');
      for (const batch of batches) {
        const size = Number(batch.last_seq) - Number(batch.first_seq) + 1;
        const docs = await t.get(AuditChainRepository).sealedAfter(tx, Number(batch.first_seq) - 1, size);
        const leaves = docs.map((d) => leafHash(d.doc));
        for (const [i, d] of docs.entries())
          await exec(tx, sql`update audit_entry_seals set leaf_hash = ${leaves[i].toString('hex')} where seq = ${d.seq}`);
        const root = merkleRoot(leaves);
        const chain = chainHash(prev, Number(batch.first_seq), Number(batch.last_seq), root);
        const note = signCheckpoint({ origin: t.config.audit.origin, treeSize: Number(batch.last_seq), root: chain }, signingKey);
        await exec(
          tx,
          sql`update audit_batches set batch_root = ${root.toString('hex')}, prev_chain_hash = ${prev.toString('hex')}, chain_hash = ${chain.toString('hex')}, checkpoint = ${note} where id = ${batch.id}`,
        );
        prev = chain;
      }
      await exec(tx, sql`update audit_chain_head set chain_hash = ${prev.toString('hex')}`);
    });
  }

  it('(f) a suffix rewritten with recomputed hashes and signatures is caught only by the export, at the exact seq', async () => {
    await rewriteSuffix(100);
    expect(await verifier.verify({ checkpointDir: false })).toMatchObject({ ok: true, entries: ENTRIES });
    expect((await verifier.verify()).problem).toMatchObject({ seq: 100, reason: 'entry_differs_from_export' });
  });

  it('(f) without the signing key, a recomputed suffix fails the batch signature in the database alone', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    await rewriteSuffix(100, generateKeyPairSync('ed25519').privateKey);
    expect((await verifier.verify({ checkpointDir: false })).problem).toMatchObject({
      seq: 65,
      reason: 'batch_signature_invalid',
      batchId: 2,
    });
  });

  it('(g) a corrupted exported checkpoint signature is rejected, at the first seq it vouches for', async () => {
    const file = join(t.config.audit.checkpointDir, 'batches', batchFileName(214));
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    const lines = exported.checkpoint.split('\n');
    const sigLine = lines.findIndex((l: string) => l.startsWith('\u2014 '));
    const blob = Buffer.from(lines[sigLine].split(' ').at(-1), 'base64');
    blob[20] ^= 0x01;
    lines[sigLine] = `${lines[sigLine].split(' ').slice(0, -1).join(' ')} ${blob.toString('base64')}`;
    exported.checkpoint = lines.join('\n');
    writeFileSync(file, JSON.stringify(exported));
    expect((await verifier.verify()).problem).toMatchObject({ seq: 151, reason: 'checkpoint_signature_invalid' });
  });

  it('(g) a corrupted checkpoint note kept elsewhere is rejected', async () => {
    const note = readFileSync(join(t.config.audit.checkpointDir, 'checkpoint'), 'utf8').replace(/\n300\n/, '\n301\n');
    expect((await verifier.verify({ checkpointDir: false, checkpoints: [note] })).problem).toMatchObject({
      seq: 301,
      reason: 'checkpoint_signature_invalid',
    });
  });

  it('(g) exported leaf hashes that do not reproduce their signed checkpoint are rejected', async () => {
    const file = join(t.config.audit.checkpointDir, 'batches', batchFileName(128));
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    exported.leafHashes[3] = exported.leafHashes[4];
    writeFileSync(file, JSON.stringify(exported));
    expect((await verifier.verify()).problem).toMatchObject({ seq: 65, reason: 'checkpoint_export_invalid' });
  });

  it('a forged entry sealed past the end → unexpected_entry', async () => {
    const id = await idOfSeq(5);
    await asSuperuser(async (tx) => {
      const [forged] = await queryRows<{ id: string }>(
        tx,
        sql`insert into audit_entries (action, resource_type, outcome)
            select action, resource_type, outcome from audit_entries where id = ${id} returning id::text as id`,
      );
      await exec(
        tx,
        sql`insert into audit_entry_seals (seq, entry_id, batch_id, leaf_hash)
            select 301, ${forged.id}, 6, leaf_hash from audit_entry_seals where entry_id = ${id}`,
      );
    });
    expect((await verifier.verify()).problem).toMatchObject({ seq: 301, reason: 'unexpected_entry' });
  });

  it('a deleted batch → batch_missing at its first seq', async () => {
    await asSuperuser((tx) => exec(tx, sql`delete from audit_batches where id = 3`));
    expect((await verifier.verify({ checkpointDir: false })).problem).toMatchObject({ seq: 129, reason: 'batch_missing' });
  });

  it('an edited batch root → batch_root_mismatch at the batch start', async () => {
    await asSuperuser((tx) => exec(tx, sql`update audit_batches set batch_root = repeat('a', 64) where id = 4`));
    expect((await verifier.verify()).problem).toMatchObject({ seq: 151, reason: 'batch_root_mismatch', batchId: 4 });
  });

  it('property: a random single-bit flip in any text column of any sealed entry is reported at exactly that seq', async () => {
    const fc = (await import('fast-check')).default;
    const columns = ['action', 'resource_type', 'request_id', 'actor_id', 'actor_role', 'ip', 'user_agent'];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: ENTRIES }), fc.constantFrom(...columns), fc.nat(6), async (seq, column, bit) => {
        const update = sql.raw(
          `update audit_entries set ${column} = chr(ascii(substr(${column}, 1, 1)) # ${1 << bit}) || substr(${column}, 2) where id = (select entry_id from audit_entry_seals where seq = ${seq})`,
        );
        const undo = update;
        await asSuperuser((tx) => exec(tx, update));
        try {
          expect((await verifier.verify({ checkpointDir: false })).problem).toMatchObject({ seq, reason: 'entry_hash_mismatch' });
        } finally {
          await asSuperuser((tx) => exec(tx, undo));
        }
      }),
      { numRuns: 15 },
    );
    expect((await verifier.verify()).ok).toBe(true);
  });
});
