import { Injectable } from '@nestjs/common';
import { CaregiverService, type CaregiverRow } from '@app/caregivers';
import { OrgService, PLATFORM_SCOPE, orgScope, type OrgRow, type TenantScope } from '@app/orgs';
import type { DbOrTx } from '@app/platform';
import { AccountExtensions } from './account-extensions';
import type { AuthActor } from './actor';
import { caregiverResponse, orgResponse, tokensResponse, type IssuedTokens } from './presenters';
import type { CaregiverResponse, LoginResponse, OrgResponse } from './responses.dto';

/** Builds the contract's CaregiverDTO / OrgDTO / login answers, with the ids other domains own. */
@Injectable()
export class AccountViews {
  constructor(
    private readonly caregivers: CaregiverService,
    private readonly orgs: OrgService,
    private readonly extensions: AccountExtensions,
  ) {}

  private scopeFor(row: { orgId: string | null }): TenantScope {
    return row.orgId ? orgScope(row.orgId) : PLATFORM_SCOPE;
  }

  async caregiver(row: CaregiverRow): Promise<CaregiverResponse> {
    const ids = await this.extensions.patientIdsOfCaregivers(this.scopeFor(row), [row.id]);
    return caregiverResponse(row, ids.get(row.id) ?? []);
  }

  async caregiverList(rows: CaregiverRow[], scope: TenantScope): Promise<CaregiverResponse[]> {
    const ids = await this.extensions.patientIdsOfCaregivers(
      scope,
      rows.map((r) => r.id),
    );
    return rows.map((r) => caregiverResponse(r, ids.get(r.id) ?? []));
  }

  async org(row: OrgRow, tx?: DbOrTx): Promise<OrgResponse> {
    const scope = orgScope(row.id);
    const [caregiverIds, patientIds] = await Promise.all([
      this.caregivers.idsInOrg(scope, row.id, tx),
      this.extensions.patientIdsOfOrg(scope, row.id),
    ]);
    return orgResponse(row, caregiverIds, patientIds);
  }

  async orgOf(caregiver: CaregiverRow, tx?: DbOrTx): Promise<OrgResponse | null> {
    if (!caregiver.orgId) return null;
    const org = await this.orgs.find(caregiver.orgId, tx);
    return org ? this.org(org, tx) : null;
  }

  /** The login-shaped answer: org, caregiver, patients, alerts, tokens. */
  async session(caregiver: CaregiverRow, tokens: IssuedTokens, actor: AuthActor): Promise<LoginResponse> {
    const [org, view, data] = await Promise.all([this.orgOf(caregiver), this.caregiver(caregiver), this.extensions.loginData(actor)]);
    return { org, caregiver: view, patients: data.patients, alerts: data.alerts, tokens: tokensResponse(tokens) };
  }
}

/** The actor a freshly issued session will have (for login extras before its first request). */
export function actorFor(caregiver: CaregiverRow, sessionId = ''): AuthActor {
  return {
    id: caregiver.id,
    role: caregiver.role,
    orgId: caregiver.orgId,
    sessionId,
    emailVerified: caregiver.isEmailVerified,
    restriction: null,
  };
}
