import { Injectable } from '@nestjs/common';
import { CaregiverService } from '@app/caregivers';
import { orgScope } from '@app/orgs';
import { PatientService } from '@app/patients';
import type { DbOrTx } from '@app/platform';

export interface AudienceMember {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  preferredLanguage: string;
}

/**
 * Who may follow a patient's call live and must hear about its alerts: the caregivers assigned to
 * the patient and the org's admins (minimum necessary: staff not assigned to the patient do not
 * receive transcripts). superAdmins are not included (no implicit PHI access).
 */
@Injectable()
export class CallAudience {
  constructor(
    private readonly patients: PatientService,
    private readonly caregivers: CaregiverService,
  ) {}

  async of(orgId: string, patientId: string, tx?: DbOrTx): Promise<AudienceMember[]> {
    const patient = await this.patients.get(orgId, patientId, tx);
    const admins = await this.caregivers.list(orgScope(orgId), { role: 'orgAdmin', page: 1, limit: 100 }, tx);
    const assigned = await Promise.all(patient.caregiverIds.map((id) => this.caregivers.find(id, tx)));
    const members = new Map<string, AudienceMember>();
    for (const c of [...admins.results, ...assigned]) {
      if (!c || c.orgId !== orgId || c.deletedAt || c.role === 'invited') continue;
      members.set(c.id, {
        id: c.id,
        email: c.email,
        name: c.name,
        phone: c.isPhoneVerified ? c.phone : null,
        preferredLanguage: c.preferredLanguage,
      });
    }
    return [...members.values()];
  }
}
