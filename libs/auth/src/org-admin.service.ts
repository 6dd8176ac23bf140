import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { CaregiverService, type Role } from '@app/caregivers';
import { NotificationService } from '@app/notifications';
import { OrgService, orgScope, type OrgRow } from '@app/orgs';
import { ConflictError, DatabaseService, ForbiddenError, NotFoundError, ValidationError, normalizeEmail, type Page } from '@app/platform';
import { AccountExtensions } from './account-extensions';
import { AccountViews } from './account-views';
import type { InviteDto, OrgListQueryDto, UpdateOrgDto } from './account.dto';
import type { Action } from './abilities';
import { scopeOf, type AuthActor } from './actor';
import { OneTimeTokenService } from './one-time-token.service';
import { PermissionService } from './permission.service';
import { caregiverResponse } from './presenters';
import type { CaregiverResponse, InviteResponse, OrgResponse } from './responses.dto';
import { SessionService } from './session.service';

export const VERIFY_BEFORE_INVITE = 'Please verify your email address before inviting others.';

/** §2.5: organisations, their membership, roles and invites. Another org's id is a 404. */
@Injectable()
export class OrgAdminService {
  constructor(
    private readonly database: DatabaseService,
    private readonly orgs: OrgService,
    private readonly caregivers: CaregiverService,
    private readonly permissions: PermissionService,
    private readonly sessions: SessionService,
    private readonly tokens: OneTimeTokenService,
    private readonly notifications: NotificationService,
    private readonly extensions: AccountExtensions,
    private readonly audit: AuditService,
    private readonly views: AccountViews,
  ) {}

  /** The org if visible in the caller's scope and the action allowed; else 404 (audited if it exists elsewhere) / 403. */
  private async load(actor: AuthActor, orgId: string, action: Action): Promise<OrgRow> {
    const org = await this.orgs.find(orgId);
    if (!org || (actor.role !== 'superAdmin' && org.id !== actor.orgId)) {
      if (org) await this.permissions.recordCrossTenant('org', orgId, org.id);
      throw new NotFoundError('Org not found', 'OrgNotFound');
    }
    await this.permissions.assert(actor, action, 'Org', { id: org.id });
    return org;
  }

  async list(query: OrgListQueryDto): Promise<Page<OrgResponse>> {
    const page = await this.orgs.list(query);
    return { ...page, results: await Promise.all(page.results.map((o) => this.views.org(o))) };
  }

  async get(actor: AuthActor, orgId: string): Promise<OrgResponse> {
    return this.views.org(await this.load(actor, orgId, 'read'));
  }

  async update(actor: AuthActor, orgId: string, dto: UpdateOrgDto): Promise<OrgResponse> {
    if (Object.keys(dto).length === 0) throw new ValidationError('"value" must have at least 1 key');
    const org = await this.load(actor, orgId, 'update');
    const updated = await this.orgs.update(scopeOf(actor), org.id, {
      name: dto.name,
      email: dto.email,
      phone: dto.phone,
      logo: dto.logo,
      timezone: dto.timezone,
      callRetrySettings: dto.callRetrySettings,
      requireMfa: dto.requireMfa,
    });
    await this.audit.record({ action: 'org.update', resourceType: 'org', resourceIds: [org.id], orgId: org.id, outcome: 'success' });
    return this.views.org(updated);
  }

  /** O4: soft-deletes the org and its caregivers (their sessions end); other domains follow via hooks. */
  async remove(actor: AuthActor, orgId: string): Promise<void> {
    const org = await this.load(actor, orgId, 'delete');
    const caregiverIds = await this.database.transaction(async (tx) => {
      await this.orgs.softDelete(scopeOf(actor), org.id, tx);
      const ids = await this.caregivers.softDeleteByOrg(orgScope(org.id), org.id, tx);
      await this.extensions.orgDeleted(org.id, tx);
      await this.audit.record(
        { action: 'org.delete', resourceType: 'org', resourceIds: [org.id], orgId: org.id, outcome: 'success', severity: 'warning' },
        tx,
      );
      return ids;
    });
    await this.sessions.revokeAll(caregiverIds, 'org_deleted');
  }

  /** O5: a caregiver already in the org is a 409; a superAdmin may move an account into the org. */
  async addCaregiver(actor: AuthActor, orgId: string, caregiverId: string): Promise<OrgResponse> {
    const org = await this.load(actor, orgId, 'update');
    const caregiver = await this.caregivers.findInScope(scopeOf(actor), caregiverId);
    if (!caregiver) throw new NotFoundError('Caregiver not found', 'CaregiverNotFound');
    if (caregiver.orgId === org.id) throw new ConflictError('Caregiver already assigned to this org', 'CaregiverAlreadyAssigned');
    await this.caregivers.update(caregiver.id, { orgId: org.id });
    await this.sessions.revokeAll([caregiver.id], 'org_changed');
    await this.audit.record({
      action: 'org.caregiver.add',
      resourceType: 'user',
      resourceIds: [caregiver.id],
      orgId: org.id,
      outcome: 'success',
    });
    return this.views.org(org);
  }

  /** O6: removing a member ends the membership (the account is closed and its sessions end). */
  async removeCaregiver(actor: AuthActor, orgId: string, caregiverId: string): Promise<OrgResponse> {
    const org = await this.load(actor, orgId, 'update');
    await this.permissions.assert(actor, 'delete', 'Caregiver', { id: caregiverId, orgId: org.id });
    const caregiver = await this.caregivers.findInScope(orgScope(org.id), caregiverId);
    if (!caregiver) throw new NotFoundError('Caregiver not found in this org', 'CaregiverNotFound');
    await this.database.transaction(async (tx) => {
      await this.caregivers.softDelete(orgScope(org.id), caregiver.id, tx);
      await this.extensions.caregiverDeleted(caregiver.id, org.id, tx);
      await this.audit.record(
        { action: 'org.caregiver.remove', resourceType: 'user', resourceIds: [caregiver.id], orgId: org.id, outcome: 'success' },
        tx,
      );
    });
    await this.sessions.revokeAll([caregiver.id], 'removed');
    return this.views.org(org);
  }

  /**
   * O7. An orgAdmin can set staff or orgAdmin within their own org only; granting superAdmin (or
   * touching a superAdmin) needs a superAdmin. Effective on the member's next request.
   */
  async setRole(actor: AuthActor, orgId: string, caregiverId: string, role: Role): Promise<CaregiverResponse> {
    const org = await this.load(actor, orgId, 'update');
    if (!actor.emailVerified) throw new ForbiddenError('Please verify your email address before changing roles.', 'EmailNotVerified');
    await this.permissions.assert(actor, 'changeRole', 'Caregiver', { id: caregiverId, orgId: org.id });
    if (role === 'superAdmin' && actor.role !== 'superAdmin') {
      await this.audit.record({
        action: 'auth.role.change',
        resourceType: 'user',
        resourceIds: [caregiverId],
        outcome: 'denied',
        reason: 'grant_superadmin',
        severity: 'high',
      });
      throw new ForbiddenError('Only a superAdmin can grant the superAdmin role.', 'CannotGrantSuperAdmin');
    }
    if (role === 'invited') throw new ValidationError('"role" must be one of [staff, orgAdmin, superAdmin]');
    const caregiver = await this.caregivers.findInScope(orgScope(org.id), caregiverId);
    if (!caregiver) throw new NotFoundError('Caregiver not found in this org', 'CaregiverNotFound');
    if (caregiver.role === 'superAdmin' && actor.role !== 'superAdmin') throw new ForbiddenError();
    if (caregiver.role === 'invited') throw new ValidationError('The caregiver has not accepted the invitation yet', 'InviteNotAccepted');
    const updated = await this.database.transaction(async (tx) => {
      const row = await this.caregivers.setRole(orgScope(org.id), caregiver.id, role, tx);
      await this.audit.record(
        {
          action: 'auth.role.change',
          resourceType: 'user',
          resourceIds: [caregiver.id],
          orgId: org.id,
          outcome: 'success',
          reason: `${caregiver.role}_to_${role}`.toLowerCase(),
          severity: 'warning',
        },
        tx,
      );
      return row;
    });
    await this.sessions.updateLive(caregiver.id, { role });
    return this.views.caregiver(updated);
  }

  /** O8: only an orgAdmin (verified) of that org; the token goes by e-mail, never in the answer. */
  async invite(actor: AuthActor, orgId: string, dto: InviteDto): Promise<InviteResponse & { inviteToken: string }> {
    const org = await this.load(actor, orgId, 'update');
    if (!actor.emailVerified) throw new ForbiddenError(VERIFY_BEFORE_INVITE, 'EmailNotVerified');
    await this.permissions.assert(actor, 'invite', 'Caregiver', { orgId: org.id });
    const email = normalizeEmail(dto.email);
    const existing = await this.caregivers.findByEmail(email);
    const { caregiver, token } = await this.database.transaction(async (tx) => {
      let caregiver;
      if (existing) {
        if (existing.orgId !== org.id || existing.role !== 'invited')
          throw new ConflictError('Caregiver already exists', 'CaregiverExists');
        caregiver = await this.caregivers.update(
          existing.id,
          { name: dto.name.trim(), ...(dto.phone ? { phone: dto.phone.trim() } : {}) },
          tx,
        );
        await this.tokens.voidAll(existing.id, 'invite', tx);
      } else {
        caregiver = await this.caregivers.create({ orgId: org.id, name: dto.name, email, phone: dto.phone ?? null, role: 'invited' }, tx);
      }
      const token = await this.tokens.create(caregiver.id, 'invite', tx);
      await this.audit.record(
        { action: 'org.invite', resourceType: 'user', resourceIds: [caregiver.id], orgId: org.id, outcome: 'success' },
        tx,
      );
      return { caregiver, token };
    });
    const inviter = await this.caregivers.find(actor.id);
    await this.notifications.sendInvite(caregiver, token, org.name, inviter?.preferredLanguage);
    return { caregiver: caregiverResponse(caregiver), inviteToken: token };
  }
}
