import { Injectable } from '@nestjs/common';
import type { DbOrTx } from '@app/platform';
import type { TenantScope } from '@app/orgs';
import type { AuthActor } from './actor';

/**
 * How domains above identity (patients, alerts, schedules) contribute to identity answers and
 * react to account changes without a dependency cycle: they register in `onModuleInit`.
 * Every hook is optional; without one the identity answers use empty lists.
 */
export interface AccountExtension {
  /** `patients` and `alerts` of the login / verify-email / SSO answers. */
  loginData?(actor: AuthActor): Promise<{ patients?: unknown[]; alerts?: unknown[] }>;
  /** Patient ids per caregiver (CaregiverDTO.patients). */
  patientIdsOfCaregivers?(scope: TenantScope, caregiverIds: string[]): Promise<Map<string, string[]>>;
  /** Patient ids of an org (OrgDTO.patients). */
  patientIdsOfOrg?(scope: TenantScope, orgId: string): Promise<string[]>;
  /** `GET /caregivers/:id/patients` (the caregiver is already checked to be in scope). */
  patientsOfCaregiver?(actor: AuthActor, caregiverId: string): Promise<unknown[]>;
  /** An org was soft-deleted (in `tx`): soft-delete what hangs off it. */
  onOrgDeleted?(orgId: string, tx: DbOrTx): Promise<void>;
  /** A caregiver was removed (in `tx`): unlink it from patients etc. */
  onCaregiverDeleted?(caregiverId: string, orgId: string | null, tx: DbOrTx): Promise<void>;
  /** `POST /v1/test/clean` (test routes only). */
  onTestClean?(): Promise<void>;
  /** `POST /v1/test/seed` (test routes only): seed the domain's demo data for the seeded org. */
  onTestSeed?(seed: { orgId: string; caregiverIds: Record<string, string> }): Promise<{ patients?: unknown[] }>;
}

@Injectable()
export class AccountExtensions {
  private readonly extensions: AccountExtension[] = [];

  register(extension: AccountExtension): void {
    this.extensions.push(extension);
  }

  async loginData(actor: AuthActor): Promise<{ patients: unknown[]; alerts: unknown[] }> {
    const patients: unknown[] = [];
    const alerts: unknown[] = [];
    for (const e of this.extensions) {
      const data = (await e.loginData?.(actor)) ?? {};
      patients.push(...(data.patients ?? []));
      alerts.push(...(data.alerts ?? []));
    }
    return { patients, alerts };
  }

  async patientIdsOfCaregivers(scope: TenantScope, caregiverIds: string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>(caregiverIds.map((id) => [id, []]));
    for (const e of this.extensions) {
      const map = await e.patientIdsOfCaregivers?.(scope, caregiverIds);
      for (const [id, patients] of map ?? []) result.set(id, [...(result.get(id) ?? []), ...patients]);
    }
    return result;
  }

  async patientIdsOfOrg(scope: TenantScope, orgId: string): Promise<string[]> {
    const ids: string[] = [];
    for (const e of this.extensions) ids.push(...((await e.patientIdsOfOrg?.(scope, orgId)) ?? []));
    return ids;
  }

  async patientsOfCaregiver(actor: AuthActor, caregiverId: string): Promise<unknown[]> {
    const rows: unknown[] = [];
    for (const e of this.extensions) rows.push(...((await e.patientsOfCaregiver?.(actor, caregiverId)) ?? []));
    return rows;
  }

  async orgDeleted(orgId: string, tx: DbOrTx): Promise<void> {
    for (const e of this.extensions) await e.onOrgDeleted?.(orgId, tx);
  }

  async caregiverDeleted(caregiverId: string, orgId: string | null, tx: DbOrTx): Promise<void> {
    for (const e of this.extensions) await e.onCaregiverDeleted?.(caregiverId, orgId, tx);
  }

  async testClean(): Promise<void> {
    for (const e of this.extensions) await e.onTestClean?.();
  }

  async testSeed(seed: { orgId: string; caregiverIds: Record<string, string> }): Promise<unknown[]> {
    const patients: unknown[] = [];
    for (const e of this.extensions) patients.push(...(((await e.onTestSeed?.(seed)) ?? {}).patients ?? []));
    return patients;
  }
}
