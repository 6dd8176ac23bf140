import type { AuditEntryReadRow } from './audit-read.repository';

/** An audit entry as the API shows it: ids and codes only (there is nothing else inside). */
export interface AuditEntryView {
  id: string;
  seq: string | null;
  sealed: boolean;
  occurredAt: string;
  orgId: string | null;
  actorId: string | null;
  actorRole: string | null;
  sessionId: string | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  resourceType: string;
  resourceIds: string[];
  patientIds: string[];
  outcome: string;
  reason: string | null;
  severity: string;
}

export function toAuditEntryView(row: AuditEntryReadRow): AuditEntryView {
  return {
    id: String(row.id),
    seq: row.seq === null ? null : String(row.seq),
    sealed: row.seq !== null,
    occurredAt: row.occurredAt.toISOString(),
    orgId: row.orgId,
    actorId: row.actorId,
    actorRole: row.actorRole,
    sessionId: row.sessionId,
    requestId: row.requestId,
    ip: row.ip,
    userAgent: row.userAgent,
    action: row.action,
    resourceType: row.resourceType,
    resourceIds: row.resourceIds,
    patientIds: row.patientIds,
    outcome: row.outcome,
    reason: row.reason,
    severity: row.severity,
  };
}

const CSV_COLUMNS: (keyof AuditEntryView)[] = [
  'id',
  'seq',
  'occurredAt',
  'orgId',
  'actorId',
  'actorRole',
  'sessionId',
  'requestId',
  'ip',
  'userAgent',
  'action',
  'resourceType',
  'resourceIds',
  'patientIds',
  'outcome',
  'reason',
  'severity',
];

/**
 * RFC 4180 quoting, plus the OWASP CSV-injection guard: a cell starting with = + - @ or a control
 * character is prefixed with ' so spreadsheets do not evaluate it (user agents are client text).
 */
function csvCell(value: AuditEntryView[keyof AuditEntryView]): string {
  let text = value === null ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;

export function toCsvLine(view: AuditEntryView): string {
  return `${CSV_COLUMNS.map((c) => csvCell(view[c])).join(',')}\r\n`;
}

export function toNdjsonLine(view: AuditEntryView): string {
  return `${JSON.stringify(view)}\n`;
}
