import { Injectable, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { AuditService } from '@app/audit';
import { BreakGlassHooks, type Action, type AuthActor, type BreakGlassAccess, type SubjectName } from '@app/auth';
import { OrgService, PLATFORM_SCOPE } from '@app/orgs';
import { Clock, DatabaseService, FieldCipher, ForbiddenError, NotFoundError, ValidationError } from '@app/platform';
import { ComplianceAlertService } from './compliance-alert.service';
import { breakGlassGrants, type BreakGlassGrantRow } from './compliance.table';

export const BREAK_GLASS_MAX_MINUTES = 60;
export const BREAK_GLASS_REASON_MIN = 20;
export const GRANT_NOT_FOUND = 'Break-glass grant not found';

export interface BreakGlassInput {
  orgId: string;
  reason: string;
  durationMinutes: number;
}

export interface BreakGlassGrant {
  id: string;
  orgId: string;
  actorId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

const view = (row: BreakGlassGrantRow): BreakGlassGrant => ({
  id: row.id,
  orgId: row.orgId,
  actorId: row.actorId,
  createdAt: row.createdAt,
  expiresAt: row.expiresAt,
  revokedAt: row.revokedAt,
});

/**
 * Break-glass emergency access (security.md Z6/Z7): a superAdmin states a reason and gets read
 * access to one org's PHI for at most 60 minutes. Creation is audited (high) and alerts the org's
 * admins once; every PHI route reached through the grant is audited (high); it expires by itself
 * (the guard consults `activeGrant` on every request, with the Clock) or is revoked early.
 */
@Injectable()
export class BreakGlassService implements OnModuleInit {
  constructor(
    private readonly database: DatabaseService,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditService,
    private readonly orgs: OrgService,
    private readonly alerts: ComplianceAlertService,
    private readonly hooks: BreakGlassHooks,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.hooks.register({
      activeGrant: (actorId) => this.activeGrant(actorId),
      recordUse: (actor, action, subject) => this.recordUse(actor, action, subject),
    });
  }

  async create(actor: AuthActor, input: BreakGlassInput): Promise<BreakGlassGrant> {
    await this.requireSuperAdmin(actor, 'create');
    if (typeof input.reason !== 'string' || input.reason.trim().length < BREAK_GLASS_REASON_MIN) {
      throw new ValidationError(`reason must be at least ${BREAK_GLASS_REASON_MIN} characters`);
    }
    if (!Number.isInteger(input.durationMinutes) || input.durationMinutes < 1 || input.durationMinutes > BREAK_GLASS_MAX_MINUTES) {
      throw new ValidationError(`durationMinutes must be an integer between 1 and ${BREAK_GLASS_MAX_MINUTES}`);
    }
    await this.orgs.getInScope(PLATFORM_SCOPE, input.orgId);
    const now = this.clock.now();
    const id = randomUUID();
    const row = await this.database.transaction(async (tx) => {
      const [created] = await tx
        .insert(breakGlassGrants)
        .values({
          id,
          orgId: input.orgId,
          actorId: actor.id,
          reasonEncrypted: this.cipher.encrypt(input.reason.trim(), {
            table: 'compliance_break_glass_grants',
            column: 'reason',
            rowId: id,
            orgId: input.orgId,
          }),
          createdAt: now,
          expiresAt: new Date(now.getTime() + input.durationMinutes * 60_000),
        })
        .returning();
      await this.audit.record(
        {
          action: 'compliance.break_glass.create',
          resourceType: 'break_glass_grant',
          resourceIds: [id],
          orgId: input.orgId,
          outcome: 'success',
          reason: 'break_glass',
          severity: 'high',
          actor,
        },
        tx,
      );
      return created;
    });
    await this.alerts.raise({
      kind: 'break_glass.created',
      orgId: input.orgId,
      refId: id,
      superAdmins: false,
      summary: `A platform administrator (${actor.id}) opened break-glass access ${id} to your organisation's records until ${row.expiresAt.toISOString()}.`,
    });
    return view(row);
  }

  async revoke(actor: AuthActor, id: string): Promise<BreakGlassGrant> {
    await this.requireSuperAdmin(actor, 'delete');
    const now = this.clock.now();
    return this.database.transaction(async (tx) => {
      const [row] = await tx
        .update(breakGlassGrants)
        .set({ revokedAt: now, revokedBy: actor.id })
        .where(and(eq(breakGlassGrants.id, id), isNull(breakGlassGrants.revokedAt), gt(breakGlassGrants.expiresAt, now)))
        .returning();
      if (!row) throw new NotFoundError(GRANT_NOT_FOUND, 'BreakGlassGrantNotFound');
      await this.audit.record(
        {
          action: 'compliance.break_glass.revoke',
          resourceType: 'break_glass_grant',
          resourceIds: [id],
          orgId: row.orgId,
          outcome: 'success',
          severity: 'high',
          actor,
        },
        tx,
      );
      return view(row);
    });
  }

  async activeGrant(actorId: string): Promise<BreakGlassAccess | undefined> {
    const [row] = await this.database.db
      .select({ id: breakGlassGrants.id, orgId: breakGlassGrants.orgId, expiresAt: breakGlassGrants.expiresAt })
      .from(breakGlassGrants)
      .where(
        and(eq(breakGlassGrants.actorId, actorId), isNull(breakGlassGrants.revokedAt), gt(breakGlassGrants.expiresAt, this.clock.now())),
      )
      .orderBy(desc(breakGlassGrants.expiresAt))
      .limit(1);
    return row ? { grantId: row.id, orgId: row.orgId, expiresAt: row.expiresAt } : undefined;
  }

  private async recordUse(actor: AuthActor, action: Action, subject: SubjectName): Promise<void> {
    const grant = actor.breakGlass;
    if (!grant) return;
    await this.audit.record({
      action: 'compliance.break_glass.use',
      resourceType: subject.toLowerCase(),
      resourceIds: [grant.grantId],
      orgId: grant.orgId,
      outcome: 'success',
      reason: `break_glass_${action.toLowerCase()}`,
      severity: 'high',
      actor,
    });
  }

  private async requireSuperAdmin(actor: AuthActor, verb: string): Promise<void> {
    if (actor.role === 'superAdmin') return;
    await this.audit.record({
      action: 'authz.denied',
      resourceType: 'break_glass_grant',
      outcome: 'denied',
      reason: `missing_permission_${verb}`,
      severity: 'warning',
    });
    throw new ForbiddenError('Only a superAdmin may use break-glass access.');
  }
}
