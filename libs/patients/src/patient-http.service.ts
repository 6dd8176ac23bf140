import { Injectable } from '@nestjs/common';
import { AuditService } from '@app/audit';
import { caregiverResponse, type AuthActor, type CaregiverResponse } from '@app/auth';
import { CaregiverService } from '@app/caregivers';
import { orgScope } from '@app/orgs';
import { AvatarStorage, ValidationError, type DbOrTx, type Page } from '@app/platform';
import { PatientExtensions } from './patient-extensions';
import type { AssignUnassignedDto, CreatePatientDto, PatientListQueryDto, PatientResponse, UpdatePatientDto } from './patient.dto';
import type { Patient } from './patient.model';
import { patientResponse, viewFor } from './patient.presenter';
import { PatientService } from './patient.service';

/** Maps DTOs to PatientService calls and patients to the role-filtered PatientDTO (with schedules). */
@Injectable()
export class PatientHttpService {
  constructor(
    private readonly patients: PatientService,
    private readonly extensions: PatientExtensions,
    private readonly avatars: AvatarStorage,
    private readonly caregiverAccounts: CaregiverService,
    private readonly audit: AuditService,
  ) {}

  /** PatientDTOs for an actor: field set by role, schedules embedded. */
  async present(actor: Pick<AuthActor, 'role'>, patients: Patient[], list = false, tx?: DbOrTx): Promise<PatientResponse[]> {
    if (patients.length === 0) return [];
    const schedules = await this.extensions.schedulesOf(
      patients[0].orgId,
      patients.map((p) => p.id),
      tx,
    );
    return patients.map((p) => patientResponse(p, schedules.get(p.id) ?? [], viewFor(actor.role), list));
  }

  private async one(actor: AuthActor, p: Patient): Promise<PatientResponse> {
    const [view] = await this.present(actor, [p]);
    return view;
  }

  async create(actor: AuthActor, dto: CreatePatientDto): Promise<PatientResponse> {
    const p = await this.patients.create(
      actor,
      {
        name: dto.name,
        email: dto.email,
        phone: dto.phone,
        avatar: dto.avatar,
        preferredLanguage: dto.preferredLanguage,
        preferredName: dto.preferredName,
        dateOfBirth: dto.dateOfBirth,
        address: dto.address,
        notes: dto.notes,
        medications: dto.medications,
        conditions: dto.conditions,
      },
      dto.caregivers ?? [],
      dto.schedules ?? [],
    );
    return this.one(actor, p);
  }

  async list(actor: AuthActor, query: PatientListQueryDto): Promise<Page<PatientResponse>> {
    const page = await this.patients.list(actor, query);
    return { ...page, results: await this.present(actor, page.results, true) };
  }

  async unassigned(actor: AuthActor): Promise<PatientResponse[]> {
    return this.present(actor, await this.patients.unassigned(actor), true);
  }

  async get(actor: AuthActor, id: string): Promise<PatientResponse> {
    return this.one(actor, await this.patients.read(actor, id));
  }

  async update(actor: AuthActor, id: string, dto: UpdatePatientDto): Promise<PatientResponse> {
    if (Object.keys(dto).length === 0) throw new ValidationError('"value" must have at least 1 key');
    const p = await this.patients.update(
      actor,
      id,
      {
        name: dto.name,
        email: dto.email,
        phone: dto.phone,
        avatar: dto.avatar,
        preferredLanguage: dto.preferredLanguage,
        isEmailVerified: dto.isEmailVerified,
        preferredName: dto.preferredName,
        dateOfBirth: dto.dateOfBirth,
        address: dto.address,
        notes: dto.notes,
        medications: dto.medications,
        conditions: dto.conditions,
      },
      dto.caregivers,
      dto.schedules,
    );
    return this.one(actor, p);
  }

  remove(actor: AuthActor, id: string): Promise<void> {
    return this.patients.remove(actor, id);
  }

  async setAvatar(actor: AuthActor, id: string, file: { buffer: Buffer; size: number } | undefined): Promise<PatientResponse> {
    await this.patients.access(actor, id, 'update');
    const url = await this.avatars.save(file);
    return this.one(actor, await this.patients.setAvatar(actor, id, url));
  }

  async assign(actor: AuthActor, id: string, caregiverId: string): Promise<PatientResponse> {
    return this.one(actor, await this.patients.assign(actor, id, caregiverId));
  }

  async unassign(actor: AuthActor, id: string, caregiverId: string): Promise<PatientResponse> {
    return this.one(actor, await this.patients.unassign(actor, id, caregiverId));
  }

  async assignUnassigned(actor: AuthActor, dto: AssignUnassignedDto): Promise<PatientResponse[]> {
    return this.present(actor, await this.patients.assignUnassigned(actor, dto.caregiverId, dto.patientIds));
  }

  /** P11: caregiver accounts (not PHI) of a patient the caller may read. */
  async caregivers(actor: AuthActor, id: string): Promise<CaregiverResponse[]> {
    const p = await this.patients.access(actor, id, 'read');
    const scope = orgScope(p.orgId);
    const out: CaregiverResponse[] = [];
    const links = await this.patients.patientIdsOfCaregivers(p.orgId, p.caregiverIds);
    for (const cid of p.caregiverIds) {
      const row = await this.caregiverAccounts.findInScope(scope, cid);
      if (row) out.push(caregiverResponse(row, links.get(cid) ?? []));
    }
    // Who looks after a patient is part of the patient's record (audit coverage, L1).
    await this.audit.record({
      action: 'patient.caregivers.list',
      resourceType: 'patient',
      resourceIds: [p.id, ...out.map((c) => c.id)],
      patientIds: [p.id],
      orgId: p.orgId,
      outcome: 'success',
    });
    return out;
  }
}
