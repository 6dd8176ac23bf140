import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { PermissionService, type AuthActor } from '@app/auth';
import { PLATFORM_SCOPE, orgScope, type TenantScope } from '@app/orgs';
import { Clock, ForbiddenError, NotFoundError, pageRequest, toPage, type Page, type PageQueryDto } from '@app/platform';
import { BreachRepository } from './breach.repository';
import type { BreachRow } from './compliance.table';

export const BREACH_NOT_FOUND = 'Breach not found';
export type BreachStatus = 'open' | 'acknowledged' | 'notified';
export const BREACH_STATUSES: readonly BreachStatus[] = ['open', 'acknowledged', 'notified'];

/** Reading and working the breach log: orgAdmins see their org's incidents, superAdmins all. */
@Injectable()
export class BreachService {
  constructor(
    private readonly repo: BreachRepository,
    private readonly audit: AuditService,
    private readonly permissions: PermissionService,
    private readonly clock: Clock,
  ) {}

  async list(actor: AuthActor, query: PageQueryDto & { status?: BreachStatus; orgId?: string }): Promise<Page<BreachRow>> {
    const scope = await this.scopeFor(actor, 'list');
    const effective: TenantScope = scope.kind === 'platform' && query.orgId ? orgScope(query.orgId) : scope;
    const page = pageRequest(query);
    const { rows, total } = await this.repo.page(effective, page, query.status);
    await this.audit.record({
      action: 'compliance.breaches.list',
      resourceType: 'breach',
      resourceIds: rows.map((r) => r.id),
      orgId: effective.kind === 'org' ? effective.orgId : null,
      outcome: 'success',
    });
    return toPage(rows, total, page);
  }

  async update(actor: AuthActor, id: string, status: Exclude<BreachStatus, 'open'>): Promise<BreachRow> {
    const scope = await this.scopeFor(actor, 'update');
    const existing = await this.repo.findInScope(scope, id);
    if (!existing) {
      const elsewhere = await this.repo.orgOf(id);
      if (elsewhere !== undefined) await this.permissions.recordCrossTenant('breach', id, elsewhere);
      throw new NotFoundError(BREACH_NOT_FOUND, 'BreachNotFound');
    }
    const now = this.clock.now();
    const patch =
      status === 'acknowledged'
        ? { status, acknowledgedAt: existing.acknowledgedAt ?? now, acknowledgedBy: existing.acknowledgedBy ?? actor.id }
        : {
            status,
            acknowledgedAt: existing.acknowledgedAt ?? now,
            acknowledgedBy: existing.acknowledgedBy ?? actor.id,
            notifiedAt: existing.notifiedAt ?? now,
            notifiedBy: existing.notifiedBy ?? actor.id,
          };
    const row = await this.repo.update(scope, id, patch);
    if (!row) throw new NotFoundError(BREACH_NOT_FOUND, 'BreachNotFound');
    await this.audit.record({
      action: 'compliance.breach.update',
      resourceType: 'breach',
      resourceIds: [id],
      orgId: row.orgId,
      outcome: 'success',
      reason: status,
    });
    return row;
  }

  /** orgAdmin: own org; superAdmin: every org; anyone else 403 (audited). */
  private async scopeFor(actor: AuthActor, verb: string): Promise<TenantScope> {
    if (actor.role === 'superAdmin') return PLATFORM_SCOPE;
    if (actor.role === 'orgAdmin' && actor.orgId) return orgScope(actor.orgId);
    await this.audit.record({
      action: 'authz.denied',
      resourceType: 'breach',
      outcome: 'denied',
      reason: `missing_permission_${verb}`,
      severity: 'warning',
    });
    throw new ForbiddenError('Only an orgAdmin or a superAdmin may read the breach log.');
  }
}
