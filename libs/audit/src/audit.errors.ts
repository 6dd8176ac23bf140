import { DomainError, ServiceUnavailableError } from '@app/platform';

/**
 * The audit entry could not be written: the surrounding PHI operation must not happen (fail
 * closed, security.md L3). Thrown inside the caller's transaction, so it rolls back too.
 */
export class AuditUnavailableError extends ServiceUnavailableError {
  constructor() {
    super('The audit log is unavailable; the operation was not performed. Please retry later.', 'AuditUnavailable');
  }
}

/** A programming error: an audit event carrying something other than ids and short codes. */
export class InvalidAuditEventError extends DomainError {
  constructor(field: string) {
    super(500, 'AuditEventInvalid', `Audit event field "${field}" is not a valid id or code`);
  }
}

/** A retention prune was refused (it would cut into retention, or the range is damaged); audited high. */
export class AuditPruneRefusedError extends DomainError {
  constructor(readonly reason: 'cutoff_inside_floor' | 'inside_retention' | 'chain_damaged') {
    super(409, 'AuditPruneRefused', `The audit prune was refused (${reason}).`);
  }
}
