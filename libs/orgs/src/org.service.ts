import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationError, parseSort, pageRequest, toPage, type DbOrTx, type Page, type PageQueryDto } from '@app/platform';
import { OrgRepository, type OrgPatch, type OrgSortField } from './org.repository';
import { DEFAULT_CALL_RETRY_SETTINGS, type CallRetrySettings, type OrgRow } from './org.table';
import type { TenantScope } from './tenant-scope';

export interface CreateOrgInput {
  name: string;
  timezone?: string;
  callRetrySettings?: CallRetrySettings;
  email?: string;
  phone?: string;
  isEmailVerified?: boolean;
  avatar?: string;
}

export interface UpdateOrgInput {
  name?: string;
  email?: string;
  phone?: string;
  logo?: string | null;
  timezone?: string;
  callRetrySettings?: Partial<CallRetrySettings>;
  requireMfa?: boolean;
}

export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

const ORG_SORT_FIELDS: readonly OrgSortField[] = ['name', 'email', 'createdAt'];

@Injectable()
export class OrgService {
  constructor(private readonly orgs: OrgRepository) {}

  async create(input: CreateOrgInput, tx?: DbOrTx): Promise<OrgRow> {
    const timezone = input.timezone ?? 'America/New_York';
    if (!isValidTimezone(timezone)) throw new ValidationError(`timezone "${timezone}" is not an IANA time zone`);
    if (!input.name.trim()) throw new ValidationError('name must not be empty');
    const email = input.email?.trim().toLowerCase();
    if (email && (await this.orgs.emailTaken(email, undefined, tx))) throw new ValidationError('Org Email already taken', 'OrgEmailTaken');
    return this.orgs.insert(
      {
        name: input.name.trim(),
        timezone,
        callRetrySettings: input.callRetrySettings ?? DEFAULT_CALL_RETRY_SETTINGS,
        email: email ?? null,
        phone: input.phone ?? null,
        isEmailVerified: input.isEmailVerified ?? false,
        avatar: input.avatar ?? null,
      },
      tx,
    );
  }

  findByName(name: string, tx?: DbOrTx): Promise<OrgRow | undefined> {
    return this.orgs.findByName(name, tx);
  }

  /** Trusted lookup (the authenticated actor's own org, jobs). */
  async get(id: string, tx?: DbOrTx): Promise<OrgRow> {
    const org = await this.orgs.findById(id, tx);
    if (!org) throw new NotFoundError('Org not found', 'OrgNotFound');
    return org;
  }

  find(id: string, tx?: DbOrTx): Promise<OrgRow | undefined> {
    return this.orgs.findById(id, tx);
  }

  /** Scoped lookup: another org's id answers exactly like a missing one. */
  async getInScope(scope: TenantScope, id: string, tx?: DbOrTx): Promise<OrgRow> {
    const org = await this.orgs.findInScope(scope, id, tx);
    if (!org) throw new NotFoundError('Org not found', 'OrgNotFound');
    return org;
  }

  async emailTaken(email: string, excludeId?: string, tx?: DbOrTx): Promise<boolean> {
    return this.orgs.emailTaken(email.trim().toLowerCase(), excludeId, tx);
  }

  async update(scope: TenantScope, id: string, input: UpdateOrgInput, tx?: DbOrTx): Promise<OrgRow> {
    const current = await this.getInScope(scope, id, tx);
    const patch: OrgPatch = {};
    if (input.name !== undefined) {
      if (!input.name.trim()) throw new ValidationError('"name" is not allowed to be empty');
      patch.name = input.name.trim();
    }
    if (input.email !== undefined) {
      const email = input.email.trim().toLowerCase();
      if (await this.orgs.emailTaken(email, id, tx)) throw new ValidationError('Email already taken', 'OrgEmailTaken');
      patch.email = email;
    }
    if (input.phone !== undefined) patch.phone = input.phone;
    if (input.logo !== undefined) patch.logo = input.logo || null;
    if (input.timezone !== undefined) {
      if (!isValidTimezone(input.timezone)) throw new ValidationError(`timezone "${input.timezone}" is not an IANA time zone`);
      patch.timezone = input.timezone;
    }
    if (input.callRetrySettings !== undefined) patch.callRetrySettings = { ...current.callRetrySettings, ...input.callRetrySettings };
    if (input.requireMfa !== undefined) patch.requireMfa = input.requireMfa;
    if (Object.keys(patch).length === 0) return current;
    const row = await this.orgs.update(scope, id, patch, tx);
    if (!row) throw new NotFoundError('Org not found', 'OrgNotFound');
    return row;
  }

  /** Internal (trusted) field updates, e.g. marking the org e-mail verified or setting an avatar. */
  async patchTrusted(
    id: string,
    patch: Pick<OrgPatch, 'isEmailVerified' | 'avatar' | 'phone' | 'stripeCustomerId'>,
    tx?: DbOrTx,
  ): Promise<void> {
    await this.orgs.update({ kind: 'org', orgId: id }, id, patch, tx);
  }

  async softDelete(scope: TenantScope, id: string, tx?: DbOrTx): Promise<void> {
    if (!(await this.orgs.softDelete(scope, id, tx))) throw new NotFoundError('Org not found', 'OrgNotFound');
  }

  async list(query: PageQueryDto & { name?: string }, tx?: DbOrTx): Promise<Page<OrgRow>> {
    const page = pageRequest(query);
    const sort = parseSort(query.sortBy, ORG_SORT_FIELDS, [{ field: 'createdAt', direction: 'asc' }]);
    const { rows, total } = await this.orgs.list({ name: query.name }, sort, page, tx);
    return toPage(rows, total, page);
  }

  softDeleteAll(tx?: DbOrTx): Promise<number> {
    return this.orgs.softDeleteAll(tx);
  }
}
