import { Injectable } from '@nestjs/common';
import { ForbiddenError } from '@app/platform';
import { AuditService } from '@app/audit';
import { defineAbilityFor, subject, type Action, type AppAbility, type SubjectName, type SubjectObject } from './abilities';
import type { AuthActor } from './actor';

/**
 * The permission check API for every domain:
 *   permissions.can(actor, 'update', 'Patient', row)      → boolean
 *   await permissions.assert(actor, 'update', 'Patient', row) → ForbiddenError (audited) when denied
 * Without an object it is a type-level check (could any rule allow it).
 */
@Injectable()
export class PermissionService {
  private readonly cache = new WeakMap<AuthActor, AppAbility>();

  constructor(private readonly audit: AuditService) {}

  abilityFor(actor: AuthActor): AppAbility {
    let ability = this.cache.get(actor);
    if (!ability) {
      ability = defineAbilityFor(actor);
      this.cache.set(actor, ability);
    }
    return ability;
  }

  can(actor: AuthActor, action: Action, type: SubjectName, object?: SubjectObject): boolean {
    const ability = this.abilityFor(actor);
    return object ? ability.can(action, subject(type, object)) : ability.can(action, type);
  }

  async assert(actor: AuthActor, action: Action, type: SubjectName, object?: SubjectObject, message?: string): Promise<void> {
    if (this.can(actor, action, type, object)) return;
    await this.audit.record({
      action: 'authz.denied',
      resourceType: type.toLowerCase(),
      resourceIds: object?.id ? [object.id] : undefined,
      outcome: 'denied',
      reason: `missing_permission_${action.toLowerCase()}`,
      severity: 'warning',
    });
    throw new ForbiddenError(message);
  }

  /** Records that an id of another org was asked for (answered 404 by the caller). */
  async recordCrossTenant(resourceType: string, id: string, ownerOrgId: string | null): Promise<void> {
    await this.audit.record({
      action: 'authz.denied',
      resourceType,
      resourceIds: [id],
      orgId: ownerOrgId,
      outcome: 'denied',
      reason: 'cross_tenant',
      severity: 'warning',
    });
  }
}
