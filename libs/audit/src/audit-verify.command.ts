import type { INestApplicationContext } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { AuditService } from './audit.service';
import { AuditVerifier } from './audit-verifier';
import type { AuditVerifyOptions, AuditVerifyReport } from './audit-verify.types';

export interface AuditVerifyIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const AUDIT_VERIFY_USAGE = [
  'npm run cli -- audit:verify [--checkpoint-dir <dir>] [--database-only] [--checkpoint <file>] [--json]',
  '  --checkpoint-dir  exported checkpoints to compare with (default AUDIT_CHECKPOINT_DIR)',
  '  --database-only   skip the export (cannot detect a truncated tail or a re-signed suffix)',
  '  --checkpoint      a signed checkpoint note kept elsewhere (e.g. an auditor copy)',
  '  --json            print the report as JSON',
  'Exit code: 0 chain intact, 1 tampering or missing evidence detected, 2 usage error.',
].join('\n');

interface Args {
  options: AuditVerifyOptions;
  checkpointFile?: string;
  json: boolean;
}

function parseArgs(args: string[]): Args | string {
  const parsed: Args = { options: {}, json: false };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split('=', 2) as [string, string | undefined];
    const value = (): string | undefined => inline ?? args[++i];
    if (flag === '--json') parsed.json = true;
    else if (flag === '--database-only') parsed.options.checkpointDir = false;
    else if (flag === '--checkpoint-dir') parsed.options.checkpointDir = value();
    else if (flag === '--checkpoint') parsed.checkpointFile = value();
    else return `unknown option ${flag}`;
    if ((flag === '--checkpoint-dir' && !parsed.options.checkpointDir) || (flag === '--checkpoint' && !parsed.checkpointFile))
      return `${flag} needs a value`;
  }
  return parsed;
}

function summary(report: AuditVerifyReport): string[] {
  const lines = [
    `Checked ${report.entries} sealed entries in ${report.batches} batches (seq 1..${report.lastSeq}); ${report.unsealed} not sealed yet.`,
    `Compared ${report.exportsCompared} exported checkpoints; ${report.entriesBackedByExport} entries backed by the export.`,
  ];
  if (report.prunedThroughSeq > 0) {
    lines.push(
      `Entries 1..${report.prunedThroughSeq} were pruned by retention (${report.pruneAnchors} signed prune anchors verified); checked from seq ${report.prunedThroughSeq + 1}.`,
    );
  }
  if (report.ok) return [...lines, 'OK: the audit chain is intact.'];
  const problem = report.problem;
  return [...lines, `TAMPERING DETECTED at seq ${problem?.seq}: ${problem?.reason} — ${problem?.detail}`];
}

/**
 * `audit:verify` for the operator CLI (apps/cli wires it): recomputes the whole chain, compares it
 * with the exported checkpoints, prints progress and the first bad seq, and records the run in the
 * audit log itself (high severity when it fails). Returns the process exit code.
 */
export async function runAuditVerify(app: INestApplicationContext, args: string[], io: AuditVerifyIo): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.err(`${parsed}\n${AUDIT_VERIFY_USAGE}`);
    return 2;
  }
  if (parsed.checkpointFile) parsed.options.checkpoints = [await readFile(parsed.checkpointFile, 'utf8')];
  let nextProgress = 100_000;
  parsed.options.onProgress = ({ entries, lastSeq }) => {
    if (parsed.json || entries < nextProgress) return;
    nextProgress += 100_000;
    io.out(`… ${entries} entries verified (seq ${lastSeq})`);
  };
  const report = await app.get(AuditVerifier).verify(parsed.options);
  await recordRun(app, report, io);
  for (const line of parsed.json ? [JSON.stringify(report, null, 2)] : summary(report)) (report.ok ? io.out : io.err)(line);
  return report.ok ? 0 : 1;
}

/** The verification is itself audit-worthy; a failure to record it must not hide the result. */
async function recordRun(app: INestApplicationContext, report: AuditVerifyReport, io: AuditVerifyIo): Promise<void> {
  try {
    await app.get(AuditService).record({
      action: 'audit.verify',
      resourceType: 'audit_chain',
      resourceIds: report.problem ? [`seq:${report.problem.seq}`] : [],
      outcome: report.ok ? 'success' : 'failure',
      reason: report.problem?.reason,
      severity: report.ok ? 'info' : 'high',
      actor: null,
      orgId: null,
    });
  } catch {
    io.err('warning: the verification run could not be recorded in the audit log');
  }
}
