import { AUDIT_VERIFY_USAGE, runAuditVerify } from '@app/audit';
import type { Command } from '../command';

export const auditVerifyCommand: Command = {
  name: 'audit:verify',
  summary: 'Recompute the tamper-evident audit chain and report the first bad entry',
  usage: AUDIT_VERIFY_USAGE,
  async run({ args, app, out, err }) {
    return runAuditVerify(await app(), args, { out, err });
  },
};
