import { Injectable } from '@nestjs/common';
import {
  NotFoundError,
  ValidationError,
  normalizeEmail,
  pageRequest,
  parseSort,
  toPage,
  type DbOrTx,
  type Page,
  type PageQueryDto,
} from '@app/platform';
import type { TenantScope } from '@app/orgs';
import { CaregiverRepository, type CaregiverPatch, type CaregiverSortField } from './caregiver.repository';
import type { CaregiverRow, Role, SsoProvider, ThemePreference } from './caregiver.table';
import { validatePhone } from './phone';

export interface CreateCaregiverInput {
  orgId: string | null;
  name: string;
  email: string;
  role: Role;
  phone?: string | null;
  passwordHash?: string | null;
  isEmailVerified?: boolean;
  ssoProvider?: SsoProvider | null;
  ssoProviderId?: string | null;
  avatar?: string | null;
  preferredLanguage?: string;
}

export interface UpdateProfileInput {
  name?: string;
  email?: string;
  phone?: string;
  avatar?: string;
  preferredLanguage?: string;
  themePreference?: ThemePreference;
  telemetryOptIn?: boolean;
}

const SORT_FIELDS: readonly CaregiverSortField[] = ['name', 'email', 'role', 'createdAt'];

/** Caregiver accounts: the rules of the account record. Who may call what is @app/auth's concern. */
@Injectable()
export class CaregiverService {
  constructor(private readonly caregivers: CaregiverRepository) {}

  async create(input: CreateCaregiverInput, tx?: DbOrTx): Promise<CaregiverRow> {
    const email = normalizeEmail(input.email);
    if (await this.caregivers.emailTaken(email, undefined, tx))
      throw new ValidationError('Caregiver Email already taken', 'CaregiverEmailTaken');
    return this.caregivers.insert(
      {
        orgId: input.orgId,
        name: input.name.trim(),
        email,
        role: input.role,
        phone: input.phone ? validatePhone(input.phone) : null,
        passwordHash: input.passwordHash ?? null,
        isEmailVerified: input.isEmailVerified ?? false,
        ssoProvider: input.ssoProvider ?? null,
        ssoProviderId: input.ssoProviderId ?? null,
        avatar: input.avatar ?? null,
        preferredLanguage: input.preferredLanguage ?? 'en',
      },
      tx,
    );
  }

  find(id: string, tx?: DbOrTx): Promise<CaregiverRow | undefined> {
    return this.caregivers.findById(id, tx);
  }

  async get(id: string, tx?: DbOrTx): Promise<CaregiverRow> {
    const row = await this.caregivers.findById(id, tx);
    if (!row) throw new NotFoundError('Caregiver not found', 'CaregiverNotFound');
    return row;
  }

  findByEmail(email: string, tx?: DbOrTx): Promise<CaregiverRow | undefined> {
    return this.caregivers.findByEmail(normalizeEmail(email), tx);
  }

  emailTaken(email: string, excludeId?: string, tx?: DbOrTx): Promise<boolean> {
    return this.caregivers.emailTaken(normalizeEmail(email), excludeId, tx);
  }

  /** Another org's caregiver answers exactly like a missing one. */
  async getInScope(scope: TenantScope, id: string, tx?: DbOrTx): Promise<CaregiverRow> {
    const row = await this.caregivers.findInScope(scope, id, tx);
    if (!row) throw new NotFoundError('Caregiver not found', 'CaregiverNotFound');
    return row;
  }

  findInScope(scope: TenantScope, id: string, tx?: DbOrTx): Promise<CaregiverRow | undefined> {
    return this.caregivers.findInScope(scope, id, tx);
  }

  async list(scope: TenantScope, query: PageQueryDto & { name?: string; role?: Role }, tx?: DbOrTx): Promise<Page<CaregiverRow>> {
    const page = pageRequest(query);
    const sort = parseSort(query.sortBy, SORT_FIELDS, [{ field: 'createdAt', direction: 'asc' }]);
    const { rows, total } = await this.caregivers.listInScope(scope, { name: query.name, role: query.role }, sort, page, tx);
    return toPage(rows, total, page);
  }

  idsInOrg(scope: TenantScope, orgId: string, tx?: DbOrTx): Promise<string[]> {
    return this.caregivers.idsInOrg(scope, orgId, tx);
  }

  async updateProfile(scope: TenantScope, id: string, input: UpdateProfileInput, tx?: DbOrTx): Promise<CaregiverRow> {
    const patch: CaregiverPatch = {};
    if (input.name !== undefined) {
      if (!input.name.trim()) throw new ValidationError('"name" is not allowed to be empty');
      patch.name = input.name.trim();
    }
    if (input.email !== undefined) {
      const email = normalizeEmail(input.email);
      if (await this.caregivers.emailTaken(email, id, tx)) throw new ValidationError('Email already taken', 'CaregiverEmailTaken');
      patch.email = email;
    }
    if (input.phone !== undefined) {
      const current = await this.getInScope(scope, id, tx);
      patch.phone = validatePhone(input.phone);
      // A new number must be verified again.
      if (patch.phone !== current.phone) patch.isPhoneVerified = false;
    }
    if (input.avatar !== undefined) patch.avatar = input.avatar;
    if (input.preferredLanguage !== undefined) patch.preferredLanguage = input.preferredLanguage;
    if (input.themePreference !== undefined) patch.themePreference = input.themePreference;
    if (input.telemetryOptIn !== undefined) patch.telemetryOptIn = input.telemetryOptIn;
    if (Object.keys(patch).length === 0) return this.getInScope(scope, id, tx);
    const row = await this.caregivers.updateInScope(scope, id, patch, tx);
    if (!row) throw new NotFoundError('Caregiver not found', 'CaregiverNotFound');
    return row;
  }

  async setRole(scope: TenantScope, id: string, role: Role, tx?: DbOrTx): Promise<CaregiverRow> {
    const row = await this.caregivers.updateInScope(scope, id, { role }, tx);
    if (!row) throw new NotFoundError('Caregiver not found in this org', 'CaregiverNotFound');
    return row;
  }

  /** Trusted update of the account's own state (credentials, verification, counters). */
  async update(id: string, patch: CaregiverPatch, tx?: DbOrTx): Promise<CaregiverRow> {
    const row = await this.caregivers.update(id, patch, tx);
    if (!row) throw new NotFoundError('Caregiver not found', 'CaregiverNotFound');
    return row;
  }

  async softDelete(scope: TenantScope, id: string, tx?: DbOrTx): Promise<void> {
    if (!(await this.caregivers.softDeleteInScope(scope, id, tx))) throw new NotFoundError('Caregiver not found', 'CaregiverNotFound');
  }

  softDeleteByOrg(scope: TenantScope, orgId: string, tx?: DbOrTx): Promise<string[]> {
    return this.caregivers.softDeleteByOrg(scope, orgId, tx);
  }

  countByRole(role: Role, tx?: DbOrTx): Promise<number> {
    return this.caregivers.countByRole(role, tx);
  }

  softDeleteAll(tx?: DbOrTx): Promise<string[]> {
    return this.caregivers.softDeleteAll(tx);
  }
}
