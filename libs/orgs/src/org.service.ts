import { Injectable } from '@nestjs/common';
import { NotFoundError, ValidationError, type DbOrTx } from '@app/platform';
import { OrgRepository } from './org.repository';
import { DEFAULT_CALL_RETRY_SETTINGS, type CallRetrySettings, type OrgRow } from './org.table';

export interface CreateOrgInput {
  name: string;
  timezone?: string;
  callRetrySettings?: CallRetrySettings;
}

export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

@Injectable()
export class OrgService {
  constructor(private readonly orgs: OrgRepository) {}

  async create(input: CreateOrgInput, tx?: DbOrTx): Promise<OrgRow> {
    const timezone = input.timezone ?? 'America/New_York';
    if (!isValidTimezone(timezone)) throw new ValidationError(`timezone "${timezone}" is not an IANA time zone`);
    if (!input.name.trim()) throw new ValidationError('name must not be empty');
    return this.orgs.insert(
      { name: input.name.trim(), timezone, callRetrySettings: input.callRetrySettings ?? DEFAULT_CALL_RETRY_SETTINGS },
      tx,
    );
  }

  async get(id: string, tx?: DbOrTx): Promise<OrgRow> {
    const org = await this.orgs.findById(id, tx);
    if (!org) throw new NotFoundError('Org not found', 'OrgNotFound');
    return org;
  }
}
