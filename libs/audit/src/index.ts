// Public door of @app/audit: the tamper-evident audit log.
export * from './audit.module';
export * from './audit.service';
export * from './audit.errors';
export * from './audit-event';
export { AuditSealer, sealAuditJob, type SealOptions, type SealResult } from './audit-sealer.service';
export { AuditVerifier } from './audit-verifier';
export { AuditPruner, AUDIT_PRUNE_FLOOR_DAYS, type AuditPruneOptions, type AuditPruneResult } from './audit-pruner.service';
export * from './audit-verify.types';
export { openCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint-note';
export { runAuditVerify, AUDIT_VERIFY_USAGE, type AuditVerifyIo } from './audit-verify.command';
export { AuditQueryService, type AuditReadScope, type AuditEntrySearch, type AuditExportFormat } from './audit-query.service';
export type { AuditEntryView } from './audit-entry.view';
