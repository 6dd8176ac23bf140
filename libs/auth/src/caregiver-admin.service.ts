import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { CaregiverService, type CaregiverRow } from '@app/caregivers';
import { NotificationService } from '@app/notifications';
import { AvatarStorage, DatabaseService, ForbiddenError, NotFoundError, ValidationError, type Page } from '@app/platform';
import { AccountExtensions } from './account-extensions';
import { AccountViews } from './account-views';
import type { CaregiverListQueryDto, UpdateCaregiverDto } from './account.dto';
import type { Action } from './abilities';
import { scopeOf, type AuthActor } from './actor';
import { OneTimeTokenService } from './one-time-token.service';
import { PasswordService } from './password.service';
import { PermissionService } from './permission.service';
import type { CaregiverResponse } from './responses.dto';
import { SessionService } from './session.service';

const NOT_AUTHORIZED = 'You are not authorized to access this resource';

/** §2.6: caregiver accounts. Staff and invited accounts manage only themselves. */
@Injectable()
export class CaregiverAdminService {
  constructor(
    private readonly database: DatabaseService,
    private readonly caregivers: CaregiverService,
    private readonly permissions: PermissionService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly tokens: OneTimeTokenService,
    private readonly notifications: NotificationService,
    private readonly avatars: AvatarStorage,
    private readonly extensions: AccountExtensions,
    private readonly audit: AuditService,
    private readonly views: AccountViews,
  ) {}

  /** In scope (else 404, audited when it exists elsewhere), then allowed (else 403). */
  private async load(actor: AuthActor, id: string, action: Action): Promise<CaregiverRow> {
    const row = await this.caregivers.findInScope(scopeOf(actor), id);
    if (!row) {
      const elsewhere = await this.caregivers.find(id);
      if (elsewhere) await this.permissions.recordCrossTenant('user', id, elsewhere.orgId);
      throw new NotFoundError('Caregiver not found', 'CaregiverNotFound');
    }
    await this.permissions.assert(actor, action, 'Caregiver', { id: row.id, orgId: row.orgId }, NOT_AUTHORIZED);
    return row;
  }

  async list(actor: AuthActor, query: CaregiverListQueryDto): Promise<Page<CaregiverResponse>> {
    const scope = scopeOf(actor);
    const page = await this.caregivers.list(scope, {
      page: query.page,
      limit: query.limit,
      sortBy: query.sortBy,
      name: query.name,
      role: query.role,
    });
    return { ...page, results: await this.views.caregiverList(page.results, scope) };
  }

  async get(actor: AuthActor, id: string): Promise<CaregiverResponse> {
    return this.views.caregiver(await this.load(actor, id, 'read'));
  }

  async update(actor: AuthActor, id: string, dto: UpdateCaregiverDto): Promise<CaregiverResponse> {
    if (Object.keys(dto).length === 0) throw new ValidationError('"value" must have at least 1 key');
    const row = await this.load(actor, id, 'update');
    let passwordHash: string | undefined;
    if (dto.password !== undefined) {
      if (row.id !== actor.id) throw new ForbiddenError(NOT_AUTHORIZED);
      passwordHash = await this.passwords.hashNewPassword(row.id, dto.password);
    }
    const scope = scopeOf(actor);
    const emailChanged = dto.email !== undefined && dto.email.trim().toLowerCase() !== row.email;
    const updated = await this.database.transaction(async (tx) => {
      let next = await this.caregivers.updateProfile(
        scope,
        row.id,
        {
          name: dto.name,
          email: dto.email,
          phone: dto.phone,
          avatar: dto.avatar,
          preferredLanguage: dto.preferredLanguage,
          themePreference: dto.themePreference,
          telemetryOptIn: dto.telemetryOptIn,
        },
        tx,
      );
      if (emailChanged) next = await this.caregivers.update(row.id, { isEmailVerified: false }, tx);
      if (passwordHash) {
        // An invited account that sets a password has completed its registration (as before).
        next = await this.caregivers.update(
          row.id,
          { passwordHash, passwordChangedAt: new Date(), ...(row.role === 'invited' ? { role: 'staff' as const } : {}) },
          tx,
        );
        await this.passwords.remember(row.id, passwordHash, tx);
      }
      await this.audit.record(
        { action: 'user.update', resourceType: 'user', resourceIds: [row.id], orgId: row.orgId, outcome: 'success' },
        tx,
      );
      return next;
    });
    if (emailChanged) {
      await this.sessions.updateLive(row.id, { emailVerified: false });
      const token = await this.tokens.create(row.id, 'verifyEmail');
      await this.notifications.sendVerifyEmail(updated, token);
    }
    if (updated.role !== row.role) await this.sessions.updateLive(row.id, { role: updated.role });
    return this.views.caregiver(updated);
  }

  async setTheme(actor: AuthActor, id: string, theme: CaregiverRow['themePreference']): Promise<CaregiverResponse> {
    const row = await this.load(actor, id, 'update');
    return this.views.caregiver(await this.caregivers.updateProfile(scopeOf(actor), row.id, { themePreference: theme }));
  }

  async setAvatar(actor: AuthActor, id: string, file: { buffer: Buffer; size: number } | undefined): Promise<CaregiverResponse> {
    const row = await this.load(actor, id, 'update');
    const url = await this.avatars.save(file);
    return this.views.caregiver(await this.caregivers.updateProfile(scopeOf(actor), row.id, { avatar: url }));
  }

  async remove(actor: AuthActor, id: string): Promise<void> {
    const row = await this.load(actor, id, 'delete');
    await this.database.transaction(async (tx) => {
      await this.caregivers.softDelete(scopeOf(actor), row.id, tx);
      await this.extensions.caregiverDeleted(row.id, row.orgId, tx);
      await this.audit.record(
        { action: 'user.delete', resourceType: 'user', resourceIds: [row.id], orgId: row.orgId, outcome: 'success', severity: 'warning' },
        tx,
      );
    });
    await this.sessions.revokeAll([row.id], 'deleted');
  }

  /**
   * S6: an orgAdmin (or superAdmin) ends every session of an account in scope — its tokens stop
   * working on the next request on every instance and its sockets close. Another org's account
   * answers 404 (audited as cross-tenant) with no side effect.
   */
  async endSessions(actor: AuthActor, id: string): Promise<void> {
    const row = await this.load(actor, id, 'endSessions');
    await this.sessions.revokeAll([row.id], 'admin_terminated');
    await this.audit.record({
      action: 'auth.session.revoke',
      resourceType: 'user',
      resourceIds: [row.id],
      orgId: row.orgId,
      outcome: 'success',
      reason: row.id === actor.id ? 'admin_self_all' : 'admin_terminated',
      severity: 'warning',
    });
  }

  async patients(actor: AuthActor, id: string): Promise<unknown[]> {
    const row = await this.load(actor, id, 'read');
    return this.extensions.patientsOfCaregiver(actor, row.id);
  }
}
