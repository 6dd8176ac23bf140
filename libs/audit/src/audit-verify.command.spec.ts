import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows } from '@app/platform';
import { createTestApp, type TestApp } from '@app/testing';
import { AuditService } from './audit.service';
import { AuditSealer } from './audit-sealer.service';
import { runAuditVerify } from './audit-verify.command';

describe('runAuditVerify (npm run cli -- audit:verify)', () => {
  let t: TestApp;
  const run = async (args: string[]): Promise<{ code: number; out: string; err: string }> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAuditVerify(t.app, args, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  beforeAll(async () => {
    // API role only: the worker's breach-detection job seals too, which would race with the chain shapes asserted here.
    t = await createTestApp({ env: { AUDIT_SEAL_INTERVAL_MS: '0', ROLES: 'api' } });
    for (let i = 0; i < 20; i++) {
      await t.get(AuditService).record({
        action: 'patient.read',
        resourceType: 'patient',
        resourceIds: [randomUUID()],
        orgId: null,
        outcome: 'success',
        actor: null,
      });
    }
    await t.get(AuditSealer).seal({ batchSize: 8 });
  });
  afterAll(async () => {
    await t.close();
  });

  it('exits 0 on an intact chain and records the run in the audit log', async () => {
    const result = await run([]);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('Checked 20 sealed entries in 3 batches (seq 1..20)');
    expect(result.out).toContain('OK: the audit chain is intact.');
    const [row] = await queryRows<{ outcome: string }>(
      t.database.db,
      sql`select outcome from audit_entries where action = 'audit.verify' order by id desc limit 1`,
    );
    expect(row?.outcome).toBe('success');
  });

  it('prints a JSON report on request', async () => {
    const result = await run(['--json', '--database-only']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ ok: true, entries: 20, exportsCompared: 0 });
  });

  it('exits 2 on a usage error', async () => {
    expect((await run(['--frobnicate'])).code).toBe(2);
    expect((await run(['--checkpoint'])).code).toBe(2);
  });

  it('exits 1 naming the first bad seq when an entry was altered, and records a high-severity failure', async () => {
    await t.database.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(
        sql`update audit_entries set resource_type = 'conversation' where id = (select entry_id from audit_entry_seals where seq = 13)`,
      );
    });
    const result = await run([]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('TAMPERING DETECTED at seq 13: entry_hash_mismatch');
    const [row] = await queryRows<{ outcome: string; severity: string; reason: string }>(
      t.database.db,
      sql`select outcome, severity, reason from audit_entries where action = 'audit.verify' order by id desc limit 1`,
    );
    expect(row).toEqual({ outcome: 'failure', severity: 'high', reason: 'entry_hash_mismatch' });
  });
});
