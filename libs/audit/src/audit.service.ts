import { Injectable, Logger } from '@nestjs/common';
import { RequestContext, serializeError, type Actor, type DbOrTx } from '@app/platform';
import { AuditEntryRepository, type AuditEntryInsert } from './audit-entry.repository';
import { AuditUnavailableError, InvalidAuditEventError } from './audit.errors';
import { AUDIT_OUTCOMES, AUDIT_SEVERITIES, type AuditEvent } from './audit-event';

const CODE = /^[a-z0-9_.:-]{1,64}$/;
const ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const ROLE = /^[A-Za-z0-9_.:-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_IDS = 1000;
const MAX_USER_AGENT = 512;

function code(field: string, value: string): string {
  if (typeof value !== 'string' || !CODE.test(value)) throw new InvalidAuditEventError(field);
  return value;
}

function ids(field: string, values: string[] | undefined): string[] {
  const list = values ?? [];
  if (!Array.isArray(list) || list.length > MAX_IDS || list.some((v) => typeof v !== 'string' || !ID.test(v))) {
    throw new InvalidAuditEventError(field);
  }
  return [...new Set(list)];
}

function optional(pattern: RegExp, value: string | undefined | null): string | null {
  return typeof value === 'string' && pattern.test(value) ? value : null;
}

/** Control characters out (log injection), bounded length; a user agent is client-chosen text. */
function userAgent(value: string | undefined): string | null {
  if (!value) return null;
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, MAX_USER_AGENT);
}

/**
 * The one door into the audit log. `record()` inserts one entry (in `tx` when given, so it commits
 * or rolls back with the PHI operation) and throws AuditUnavailableError when it cannot: the
 * caller's operation must then fail too (fail closed). Sealing happens later (AuditSealer).
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('AuditService');

  constructor(private readonly entries: AuditEntryRepository) {}

  async record(event: AuditEvent, tx?: DbOrTx): Promise<void> {
    const values = this.toRow(event);
    try {
      await this.entries.insert(values, tx);
    } catch (err) {
      this.logger.error(
        { err: serializeError(err), action: values.action, requestId: values.requestId },
        'audit entry could not be written',
      );
      throw new AuditUnavailableError();
    }
  }

  /** Validates (ids and short codes only) and joins the request context. */
  private toRow(event: AuditEvent): AuditEntryInsert {
    if (!AUDIT_OUTCOMES.includes(event.outcome)) throw new InvalidAuditEventError('outcome');
    const severity = event.severity ?? 'info';
    if (!AUDIT_SEVERITIES.includes(severity)) throw new InvalidAuditEventError('severity');
    const context = RequestContext.current();
    const actor: Actor | null = event.actor === undefined ? (context?.actor ?? null) : event.actor;
    if (actor && (!ID.test(actor.id) || !ROLE.test(actor.role))) throw new InvalidAuditEventError('actor');
    const orgId = event.orgId === undefined ? (actor?.orgId ?? null) : event.orgId;
    if (orgId !== null && !UUID.test(orgId)) throw new InvalidAuditEventError('orgId');
    // Identity may add a session id to the actor; recorded when present (spec L1).
    const sessionId = actor && 'sessionId' in actor && typeof actor.sessionId === 'string' ? actor.sessionId : undefined;
    return {
      action: code('action', event.action),
      resourceType: code('resourceType', event.resourceType),
      resourceIds: ids('resourceIds', event.resourceIds),
      patientIds: ids('patientIds', event.patientIds),
      orgId,
      outcome: event.outcome,
      reason: event.reason === undefined ? null : code('reason', event.reason),
      severity,
      actorId: actor?.id ?? null,
      actorRole: actor?.role ?? null,
      sessionId: optional(ID, sessionId),
      requestId: optional(ID, context?.requestId),
      ip: optional(/^[0-9a-fA-F.:]{2,45}$/, context?.ip),
      userAgent: userAgent(context?.userAgent),
    };
  }
}
