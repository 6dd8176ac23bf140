import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { AuditPruner, AuditSealer, AuditService, AuditVerifier, runAuditVerify } from '@app/audit';
import { RetentionService } from '@app/compliance';
import { Clock, queryRows, type Tx } from '@app/platform';
import { createTestApp, type TestApp } from '@app/testing';

/**
 * Audit retention pruning (security.md L6): the expired seq prefix goes only up to a sealed,
 * exported batch end, behind a signed prune anchor, so the verifier still passes from the anchor;
 * a deletion without a valid anchor, or a tampered anchor, is reported at the exact seq. Time is the
 * injected Clock (moved forward, no sleeping); entries carry real database time.
 */
const DAY_MS = 86_400_000;
const BATCH = 10;

describe('audit retention pruning (L6)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // API role only: no scheduled job (breach detection seals too) races with the chains built here.
    t = await createTestApp({ env: { AUDIT_SEAL_INTERVAL_MS: '0', ROLES: 'api' } });
  });
  afterAll(async () => {
    await t.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** Runs statements as a superuser bypassing the append-only triggers (test setup and tampering). */
  async function asSuperuser(work: (tx: Tx) => Promise<unknown>): Promise<void> {
    await t.database.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await work(tx);
    });
  }

  /** Each test starts from an empty chain (the chain is global to the database). */
  beforeEach(async () => {
    await asSuperuser(async (tx) => {
      await tx.execute(sql`delete from audit_entries`);
      await tx.execute(sql`delete from audit_entry_seals`);
      await tx.execute(sql`delete from audit_batches`);
      await tx.execute(sql`delete from audit_prune_anchors`);
      await tx.execute(sql`delete from compliance_org_settings`);
      await tx.execute(sql`update audit_chain_head set last_seq = 0, last_batch_id = 0, chain_hash = repeat('0', 64)`);
    });
    rmSync(t.config.audit.checkpointDir, { recursive: true, force: true });
  });

  async function record(orgId: string, count: number): Promise<void> {
    const audit = t.get(AuditService);
    for (let i = 0; i < count; i++) {
      const patientId = randomUUID();
      await audit.record({
        action: 'patient.read',
        resourceType: 'patient',
        resourceIds: [patientId],
        patientIds: [patientId],
        orgId,
        outcome: 'success',
        actor: { id: randomUUID(), role: 'staff', orgId },
      });
    }
  }

  const seal = () => t.get(AuditSealer).seal({ batchSize: BATCH });

  async function setRetention(orgId: string, auditRetentionDays: number, legalHold = false): Promise<void> {
    await t.database.db.execute(
      sql`insert into compliance_org_settings (org_id, audit_retention_days, legal_hold) values (${orgId}::uuid, ${auditRetentionDays}, ${legalHold})`,
    );
  }

  function clockAt(daysFromNow: number): Date {
    const at = new Date(Date.now() + daysFromNow * DAY_MS);
    jest.spyOn(t.get(Clock), 'now').mockReturnValue(at);
    return at;
  }

  async function seqs(): Promise<number[]> {
    const rows = await queryRows<{ seq: string }>(
      t.database.db,
      sql`select s.seq::text as seq from audit_entry_seals s join audit_entries e on e.id = s.entry_id order by s.seq`,
    );
    return rows.map((r) => Number(r.seq));
  }

  /** 1..25 org A (default 7 years), 26..30 org B (10 years), 31..35 org A; batches of 10. */
  async function mixedChain(): Promise<{ a: string; b: string }> {
    const a = randomUUID();
    const b = randomUUID();
    await setRetention(b, 3650);
    await record(a, 25);
    await record(b, 5);
    await record(a, 5);
    await seal();
    return { a, b };
  }

  it('prunes only the expired prefix up to a sealed batch end, anchors it, audits it, and the chain verifies from the anchor', async () => {
    await mixedChain();
    expect((await t.get(AuditVerifier).verify()).ok).toBe(true);

    // One day short of 7 years: nothing is expired yet.
    clockAt(2556);
    expect(await t.get(RetentionService).pruneAudit()).toEqual({ anchors: 0, entries: 0, prunedThroughSeq: 0 });
    expect(await seqs()).toHaveLength(35);

    // 7 years + 1 day: org A's entries expired, org B's (10 years) did not. Seq 26 is the first kept,
    // the last batch end before it is 20: entries 21..25 stay although expired (one shared chain).
    clockAt(2558);
    const result = await t.get(RetentionService).purge();
    expect(result).toMatchObject({ auditEntries: 20, auditPrunedThroughSeq: 20 });
    expect((await seqs())[0]).toBe(21);
    const anchors = await queryRows<{ through_seq: string; prev_through_seq: string; batch_id: string; entries: string }>(
      t.database.db,
      sql`select through_seq::text, prev_through_seq::text, batch_id::text, entries::text from audit_prune_anchors`,
    );
    expect(anchors).toEqual([{ through_seq: '20', prev_through_seq: '0', batch_id: '2', entries: '20' }]);
    const audited = await queryRows<{ resource_ids: string[]; outcome: string; reason: string; actor_id: string | null }>(
      t.database.db,
      sql`select resource_ids, outcome, reason, actor_id from audit_entries where action = 'audit.prune'`,
    );
    expect(audited).toEqual([{ resource_ids: ['seq:1-20', 'batch:2'], outcome: 'success', reason: 'audit_retention', actor_id: null }]);

    await seal();
    const report = await t.get(AuditVerifier).verify();
    expect(report).toMatchObject({ ok: true, prunedThroughSeq: 20, pruneAnchors: 1, entries: 16, lastSeq: 36, batches: 5 });

    // The operator CLI reports the prune as legitimate and exits 0.
    const out: string[] = [];
    const code = await runAuditVerify(t.app, [], { out: (l) => out.push(l), err: (l) => out.push(l) });
    expect({ code, out: out.join('\n') }).toEqual({
      code: 0,
      out: expect.stringContaining('Entries 1..20 were pruned by retention (1 signed prune anchors verified); checked from seq 21.'),
    });
    await seal();

    // A second run at the same time has nothing more to do.
    expect(await t.get(RetentionService).pruneAudit()).toEqual({ anchors: 0, entries: 0, prunedThroughSeq: 20 });

    // 11 years on, everything sealed and exported is expired: a second anchor continues the first.
    clockAt(11 * 366);
    expect(await t.get(RetentionService).pruneAudit()).toEqual({ anchors: 1, entries: 17, prunedThroughSeq: 37 });
    await seal();
    expect(await seqs()).toEqual([38]);
    expect(await t.get(AuditVerifier).verify()).toMatchObject({ ok: true, prunedThroughSeq: 37, pruneAnchors: 2, entries: 1, lastSeq: 38 });
  });

  it('never prunes entries inside retention: the org’s retention, legal hold, unexported batches, the 6-year floor', async () => {
    const held = randomUUID();
    const a = randomUUID();
    await setRetention(held, 2192, true);
    await record(a, 10);
    await record(held, 10);
    await record(a, 10);
    await seal();

    // Legal hold: org `held` blocks the prefix from its first entry (seq 11), forever.
    clockAt(30 * 366);
    expect(await t.get(RetentionService).pruneAudit()).toMatchObject({ entries: 10, prunedThroughSeq: 10 });
    expect((await seqs())[0]).toBe(11);

    // A batch whose checkpoint was not exported yet is not a prune point.
    await asSuperuser((tx) => tx.execute(sql`update audit_batches set exported_at = null where id = 3`));
    await t.database.db.execute(sql`update compliance_org_settings set legal_hold = false where org_id = ${held}::uuid`);
    expect(await t.get(RetentionService).pruneAudit()).toMatchObject({ entries: 10, prunedThroughSeq: 20 });
    expect((await seqs())[0]).toBe(21);

    // Whatever a caller claims, an entry at or after the cutoff stops the prune (refused, audited high).
    await t.get(AuditSealer).exportPending();
    const pruner = t.get(AuditPruner);
    const now = new Date(Date.now() + 2193 * DAY_MS);
    await expect(
      pruner.prune({ now, cutoff: new Date(Date.now() - 60_000), firstRetainedSeq: async () => undefined }),
    ).rejects.toMatchObject({
      code: 'AuditPruneRefused',
      reason: 'inside_retention',
    });
    // A cutoff less than 6 years before now is refused outright.
    await expect(
      pruner.prune({ now: new Date(), cutoff: new Date(Date.now() - 2191 * DAY_MS), firstRetainedSeq: async () => undefined }),
    ).rejects.toMatchObject({ reason: 'cutoff_inside_floor' });
    const refusals = await queryRows<{ reason: string; severity: string; outcome: string }>(
      t.database.db,
      sql`select reason, severity, outcome from audit_entries where action = 'audit.prune' and outcome = 'denied' order by id`,
    );
    expect(refusals).toEqual([
      { reason: 'inside_retention', severity: 'high', outcome: 'denied' },
      { reason: 'cutoff_inside_floor', severity: 'high', outcome: 'denied' },
    ]);
    expect((await seqs())[0]).toBe(21);
    await seal();
    expect((await t.get(AuditVerifier).verify()).ok).toBe(true);
  });

  it('the app cannot delete entries outside the prune path: without an anchor the trigger refuses', async () => {
    const refused = { cause: expect.objectContaining({ message: expect.stringMatching(/append-only/) }) };
    await record(randomUUID(), 12);
    await seal();
    await expect(
      t.database.db.execute(sql`delete from audit_entries where id in (select entry_id from audit_entry_seals where seq = 1)`),
    ).rejects.toMatchObject(refused);
    await expect(
      t.database.transaction(async (tx) => {
        await tx.execute(sql`select set_config('bianca.audit_prune_through', '10', true)`);
        await tx.execute(sql`delete from audit_entries where id in (select entry_id from audit_entry_seals where seq <= 10)`);
      }),
    ).rejects.toMatchObject(refused);
    expect(await seqs()).toHaveLength(12);
  });

  it('a deletion without an anchor is reported at the first missing entry, before and after a legitimate prune', async () => {
    await mixedChain();
    await asSuperuser((tx) =>
      tx.execute(sql`delete from audit_entries where id in (select entry_id from audit_entry_seals where seq <= 10)`),
    );
    expect((await t.get(AuditVerifier).verify()).problem).toMatchObject({ seq: 1, reason: 'missing_entry' });

    // Restore a clean chain, prune legitimately, then delete past the anchor.
    await asSuperuser(async (tx) => {
      await tx.execute(sql`delete from audit_entries`);
      await tx.execute(sql`delete from audit_entry_seals`);
      await tx.execute(sql`delete from audit_batches`);
      await tx.execute(sql`update audit_chain_head set last_seq = 0, last_batch_id = 0, chain_hash = repeat('0', 64)`);
    });
    rmSync(t.config.audit.checkpointDir, { recursive: true, force: true });
    await mixedChain();
    clockAt(2558);
    expect(await t.get(RetentionService).pruneAudit()).toMatchObject({ prunedThroughSeq: 20 });
    await asSuperuser((tx) =>
      tx.execute(sql`delete from audit_entries where id in (select entry_id from audit_entry_seals where seq between 21 and 23)`),
    );
    const report = await t.get(AuditVerifier).verify();
    expect(report).toMatchObject({ ok: false, prunedThroughSeq: 20, problem: { seq: 21, reason: 'missing_entry' } });
  });

  it('a tampered, forged or removed anchor is detected', async () => {
    await mixedChain();
    clockAt(2558);
    await t.get(RetentionService).pruneAudit();
    await seal();
    expect((await t.get(AuditVerifier).verify()).ok).toBe(true);
    const refused = { cause: expect.objectContaining({ message: expect.stringMatching(/append-only/) }) };
    await expect(t.database.db.execute(sql`delete from audit_prune_anchors`)).rejects.toMatchObject(refused);
    await expect(t.database.db.execute(sql`update audit_prune_anchors set entries = 1`)).rejects.toMatchObject(refused);

    const tamper = async (change: ReturnType<typeof sql>) => {
      await asSuperuser((tx) => tx.execute(change));
      const report = await t.get(AuditVerifier).verify();
      return report.problem;
    };
    // Moving the anchor forward (to hide the deletion of 21..30 too) breaks its signature.
    await asSuperuser((tx) =>
      tx.execute(sql`delete from audit_entries where id in (select entry_id from audit_entry_seals where seq between 21 and 30)`),
    );
    const [batch3] = await queryRows<{ chain_hash: string; checkpoint: string }>(
      t.database.db,
      sql`select chain_hash, checkpoint from audit_batches where id = 3`,
    );
    expect(
      await tamper(
        sql`update audit_prune_anchors set through_seq = 30, batch_id = 3, chain_hash = ${batch3.chain_hash}, checkpoint = ${batch3.checkpoint}`,
      ),
    ).toMatchObject({ seq: 30, reason: 'prune_anchor_invalid' });
    // A forged second anchor (real checkpoint of batch 3, no valid prune signature).
    await asSuperuser((tx) =>
      tx.execute(
        sql`update audit_prune_anchors set through_seq = 20, batch_id = 2, chain_hash = (select chain_hash from audit_batches where id = 2), checkpoint = (select checkpoint from audit_batches where id = 2)`,
      ),
    );
    const [original] = await queryRows<{ signature: string; cutoff: string | Date }>(
      t.database.db,
      sql`select signature, cutoff from audit_prune_anchors`,
    );
    expect(
      await tamper(sql`insert into audit_prune_anchors (through_seq, prev_through_seq, batch_id, chain_hash, checkpoint, cutoff, entries, signature)
                       values (30, 20, 3, ${batch3.chain_hash}, ${batch3.checkpoint}, ${new Date(original.cutoff).toISOString()}::timestamptz, 10, ${original.signature})`),
    ).toMatchObject({ seq: 30, reason: 'prune_anchor_invalid' });
    // Removing the anchors leaves entries 1..30 missing without proof: reported at seq 1.
    expect(await tamper(sql`delete from audit_prune_anchors`)).toMatchObject({ seq: 1, reason: 'missing_entry' });
  });
});
