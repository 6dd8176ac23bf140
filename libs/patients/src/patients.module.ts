import { Module, type OnModuleInit } from '@nestjs/common';
import { AccountExtensions } from '@app/auth';
import { CaregiversModule } from '@app/caregivers';
import { PatientExtensions } from './patient-extensions';
import { PatientController } from './patient.controller';
import { PatientHttpService } from './patient-http.service';
import { PatientCrypto } from './patient.model';
import { PatientRepository } from './patient.repository';
import { PatientService } from './patient.service';

/**
 * Patients (PHI): records, caregiver assignment, role-filtered answers. Contributes `patients` to
 * login answers and patient ids to caregiver/org answers, and follows org/caregiver deletion,
 * through AccountExtensions.
 */
@Module({
  imports: [CaregiversModule],
  controllers: [PatientController],
  providers: [PatientRepository, PatientCrypto, PatientService, PatientExtensions, PatientHttpService],
  exports: [PatientService, PatientExtensions, PatientHttpService],
})
export class PatientsModule implements OnModuleInit {
  constructor(
    private readonly accounts: AccountExtensions,
    private readonly patients: PatientService,
    private readonly http: PatientHttpService,
  ) {}

  onModuleInit(): void {
    this.accounts.register({
      loginData: async (actor) => {
        if (!actor.orgId) return {};
        return { patients: await this.http.present(actor, await this.patients.ofCaregiver(actor, actor.id)) };
      },
      patientIdsOfCaregivers: (scope, caregiverIds) =>
        this.patients.patientIdsOfCaregivers(scope.kind === 'org' ? scope.orgId : null, caregiverIds),
      patientIdsOfOrg: (_scope, orgId) => this.patients.idsInOrg(orgId),
      patientsOfCaregiver: async (actor, caregiverId) =>
        actor.orgId ? this.http.present(actor, await this.patients.ofCaregiver(actor, caregiverId)) : [],
      onOrgDeleted: (orgId, tx) => this.patients.deleteOrgPatients(orgId, tx),
      onCaregiverDeleted: (caregiverId, _orgId, tx) => this.patients.unlinkCaregiver(caregiverId, tx),
      onTestClean: () => this.patients.softDeleteAll(),
    });
  }
}
