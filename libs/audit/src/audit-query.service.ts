import { Injectable } from '@nestjs/common';
import {
  DatabaseService,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  pageRequest,
  parseSort,
  toPage,
  type Actor,
  type Page,
  type PageQueryDto,
} from '@app/platform';
import { AuditReadRepository, type AuditEntryFilter, type AuditSortField } from './audit-read.repository';
import { AuditService } from './audit.service';
import { CSV_HEADER, toAuditEntryView, toCsvLine, toNdjsonLine, type AuditEntryView } from './audit-entry.view';

/** Who reads, and which org's log: `orgId` null (every org) is for superAdmins only. */
export interface AuditReadScope {
  actor: Actor | undefined;
  orgId: string | null;
}

export type AuditEntrySearch = Omit<AuditEntryFilter, 'orgId'>;
export type AuditExportFormat = 'csv' | 'ndjson';

const EXPORT_PAGE = 1000;

/**
 * Compliance officers' access to the audit log (orgAdmin of the org, or superAdmin). Reading the
 * log is itself audited, in the same transaction as the read, and fails closed like any PHI read.
 */
@Injectable()
export class AuditQueryService {
  constructor(
    private readonly database: DatabaseService,
    private readonly entries: AuditReadRepository,
    private readonly audit: AuditService,
  ) {}

  async list(scope: AuditReadScope, search: AuditEntrySearch, query: PageQueryDto): Promise<Page<AuditEntryView>> {
    const filter = await this.authorize(scope, search);
    const page = pageRequest(query);
    const sort = parseSort<AuditSortField>(query.sortBy, ['occurredAt', 'seq'], [{ field: 'occurredAt', direction: 'desc' }]);
    // Read, then record in the same transaction: the answer excludes its own entry, and nothing is
    // returned unless the entry commits (fail closed).
    return this.database.transaction(async (tx) => {
      const { rows, total } = await this.entries.page(filter, page, sort, tx);
      await this.audit.record(this.readEvent('audit.entries.list', filter), tx);
      return toPage(rows.map(toAuditEntryView), total, page);
    });
  }

  /**
   * Authorises and records the export before the first byte, then streams every matching entry
   * in keyset pages (constant memory for any size).
   */
  async export(scope: AuditReadScope, search: AuditEntrySearch, format: AuditExportFormat): Promise<AsyncIterable<string>> {
    const filter = await this.authorize(scope, search);
    await this.audit.record({ ...this.readEvent('audit.entries.export', filter), reason: `format_${format}` });
    return this.stream(filter, format);
  }

  private async *stream(filter: AuditEntryFilter, format: AuditExportFormat): AsyncIterable<string> {
    if (format === 'csv') yield CSV_HEADER;
    let afterId = 0;
    for (;;) {
      const rows = await this.entries.after(filter, afterId, EXPORT_PAGE);
      for (const row of rows) {
        const view = toAuditEntryView(row);
        yield format === 'csv' ? toCsvLine(view) : toNdjsonLine(view);
      }
      if (rows.length < EXPORT_PAGE) return;
      afterId = rows.at(-1)?.id ?? afterId;
    }
  }

  /**
   * superAdmin: any org, or all; orgAdmin: their own org — any other org id answers 404 exactly
   * like a missing one (no oracle for which orgs exist); other roles: 403. Denials are audited.
   */
  private async authorize(scope: AuditReadScope, search: AuditEntrySearch): Promise<AuditEntryFilter> {
    const actor = scope.actor;
    if (!actor) throw new UnauthorizedError();
    if (actor.role === 'superAdmin') return { ...search, orgId: scope.orgId };
    const isOrgAdmin = actor.role === 'orgAdmin' && actor.orgId !== null;
    if (isOrgAdmin && (scope.orgId === null || scope.orgId === actor.orgId)) return { ...search, orgId: actor.orgId };
    await this.audit.record({
      action: 'audit.access.denied',
      resourceType: 'audit_entry',
      resourceIds: isOrgAdmin && scope.orgId ? [`org:${scope.orgId}`] : [],
      orgId: actor.orgId,
      outcome: 'denied',
      reason: isOrgAdmin ? 'cross_tenant' : 'role_not_allowed',
      severity: 'warning',
    });
    throw isOrgAdmin ? new NotFoundError('Org not found', 'OrgNotFound') : new ForbiddenError();
  }

  /** Filters are ids and codes, so they may go into the entry (as prefixed resource ids). */
  private readEvent(action: 'audit.entries.list' | 'audit.entries.export', filter: AuditEntryFilter) {
    return {
      action,
      resourceType: 'audit_entry',
      orgId: filter.orgId,
      patientIds: filter.patientId ? [filter.patientId] : [],
      resourceIds: [filter.actorId ? `actor:${filter.actorId}` : undefined, filter.action ? `action:${filter.action}` : undefined].filter(
        (v): v is string => v !== undefined,
      ),
      outcome: 'success' as const,
    };
  }
}
