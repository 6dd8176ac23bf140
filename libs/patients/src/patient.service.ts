import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '@app/audit';
import { PermissionService, type Action, type AuthActor } from '@app/auth';
import { CaregiverService } from '@app/caregivers';
import {
  DatabaseService,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  normalizeEmail,
  pageRequest,
  parseSort,
  toPage,
  type DbOrTx,
  type Page,
} from '@app/platform';
import { PatientExtensions, type AfterCommit } from './patient-extensions';
import { PatientCrypto, type Patient } from './patient.model';
import { PatientRepository, type PatientFilter, type PatientPatch } from './patient.repository';
import type { PatientRow } from './patient.table';

export const PATIENT_NOT_FOUND = 'Patient not found';

export interface PatientInput {
  name: string;
  email: string | null;
  phone: string;
  avatar?: string | null;
  preferredLanguage?: string;
  preferredName?: string | null;
  dateOfBirth?: string | null;
  address?: string | null;
  notes?: string | null;
  medications?: string[];
  conditions?: string[];
}

export type PatientChanges = Partial<PatientInput> & { isEmailVerified?: boolean };

export type PatientSortField = 'name' | 'email' | 'preferredLanguage' | 'createdAt' | 'updatedAt';
const SORT_FIELDS: readonly PatientSortField[] = ['name', 'email', 'preferredLanguage', 'createdAt', 'updatedAt'];

/** The org an actor works in; accounts without one (superAdmin) have no PHI access. */
export function orgOf(actor: AuthActor): string {
  if (!actor.orgId) throw new ForbiddenError();
  return actor.orgId;
}

/**
 * The patient record: encryption, scoping and the domain rules. Access for a caller is
 * `access(actor, id, action)`: another org's id is a 404 (audited as cross-tenant), a patient of
 * the caller's org that a staff member is not assigned to is a 403 (audited as denied).
 *
 * Sorting/filtering by encrypted fields (decision): `name=` is an exact
 * match on a per-org blind index of the normalised name (case and whitespace-insensitive);
 * `sortBy=name|email` decrypts the org's matching set (bounded, MAX_IN_MEMORY_PATIENTS) and sorts
 * in memory; sorting by plaintext columns pages in SQL.
 */
@Injectable()
export class PatientService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repo: PatientRepository,
    private readonly crypto: PatientCrypto,
    private readonly permissions: PermissionService,
    private readonly caregivers: CaregiverService,
    private readonly audit: AuditService,
    private readonly extensions: PatientExtensions,
  ) {}

  // ---- Reads for other domains (trusted or actor-checked) ----

  /**
   * Loads a patient for an actor and checks `action` on it (404 other org/missing, 403 not allowed).
   * Denials are audited on their own connection: call it before opening a transaction.
   */
  async access(actor: AuthActor, id: string, action: Action, tx?: DbOrTx): Promise<Patient> {
    const orgId = orgOf(actor);
    const row = await this.repo.findInOrg(orgId, id, tx);
    if (!row) {
      const elsewhere = await this.repo.orgOf(id, tx);
      if (elsewhere) await this.permissions.recordCrossTenant('patient', id, elsewhere);
      throw new NotFoundError(PATIENT_NOT_FOUND, 'PatientNotFound');
    }
    const patient = await this.decrypt(row, tx);
    await this.permissions.assert(actor, action, 'Patient', { id: patient.id, orgId: patient.orgId, caregiverIds: patient.caregiverIds });
    return patient;
  }

  /** Whether the actor may act on the patient (no audit, no throw); for list filtering elsewhere. */
  can(actor: AuthActor, action: Action, patient: Pick<Patient, 'id' | 'orgId' | 'caregiverIds'>): boolean {
    return this.permissions.can(actor, action, 'Patient', { id: patient.id, orgId: patient.orgId, caregiverIds: patient.caregiverIds });
  }

  /** Trusted read (jobs, the voice pipeline); the caller audits its own PHI use. */
  async find(orgId: string, id: string, tx?: DbOrTx): Promise<Patient | undefined> {
    const row = await this.repo.findInOrg(orgId, id, tx);
    return row ? this.decrypt(row, tx) : undefined;
  }

  async get(orgId: string, id: string, tx?: DbOrTx): Promise<Patient> {
    const p = await this.find(orgId, id, tx);
    if (!p) throw new NotFoundError(PATIENT_NOT_FOUND, 'PatientNotFound');
    return p;
  }

  /**
   * Inbound calls: the live patients whose phone (normalised to E.164) matches. With `orgIds`
   * (e.g. the orgs owning the dialled number) only those orgs are searched; without, every org
   * that has patients (one HMAC per org: the blind-index keys are per org by design, D3).
   */
  async findByPhone(e164: string, orgIds?: string[], tx?: DbOrTx): Promise<Patient[]> {
    const orgs = orgIds ?? (await this.repo.orgIdsWithPatients(tx));
    const pairs = orgs.flatMap((orgId) => this.crypto.phoneIndexes(e164, orgId).map((index) => ({ orgId, index })));
    const rows = await this.repo.findByPhoneIndexes(pairs, tx);
    return Promise.all(rows.map((r) => this.decrypt(r, tx)));
  }

  /** Ids of the patients an actor may see (staff: assigned; orgAdmin: the org's). */
  async visibleIds(actor: AuthActor, tx?: DbOrTx): Promise<string[]> {
    const orgId = orgOf(actor);
    if (actor.role === 'orgAdmin') return this.repo.idsInOrg(orgId, tx);
    return (await this.repo.patientIdsOfCaregivers(orgId, [actor.id], tx)).get(actor.id) ?? [];
  }

  idsInOrg(orgId: string, tx?: DbOrTx): Promise<string[]> {
    return this.repo.idsInOrg(orgId, tx);
  }

  /** Trusted cross-org listing for system jobs only (no actor, ids only): live patients in id order, after `afterId`. */
  liveIdsAfter(afterId: string | null, limit: number, tx?: DbOrTx): Promise<Array<{ id: string; orgId: string }>> {
    return this.repo.liveIdsAfter(afterId, limit, tx);
  }

  patientIdsOfCaregivers(orgId: string | null, caregiverIds: string[], tx?: DbOrTx): Promise<Map<string, string[]>> {
    return this.repo.patientIdsOfCaregivers(orgId, caregiverIds, tx);
  }

  caregiverIdsOf(orgId: string, patientIds: string[], tx?: DbOrTx): Promise<Map<string, string[]>> {
    return this.repo.caregiverIdsOf(orgId, patientIds, tx);
  }

  /** The voice pipeline records when a call reached the patient. */
  touchLastContact(orgId: string, id: string, at: Date, tx?: DbOrTx): Promise<void> {
    return this.repo.touchLastContact(orgId, id, at, tx);
  }

  // ---- The caller-facing operations (audited) ----

  async create(actor: AuthActor, input: PatientInput, caregiverIds: string[], schedules: Record<string, unknown>[]): Promise<Patient> {
    const orgId = orgOf(actor);
    await this.checkCaregivers(orgId, caregiverIds);
    let after: AfterCommit[] = [];
    const created = await this.database.transaction(async (tx) => {
      const email = input.email === null ? null : normalizeEmail(input.email);
      if (email && (await this.repo.emailIndexTaken(orgId, this.crypto.emailIndexes(email, orgId), undefined, tx))) {
        throw new ValidationError('Email already taken', 'PatientEmailTaken');
      }
      const id = randomUUID();
      const e = (
        column: 'name' | 'email' | 'phone' | 'preferredName' | 'dateOfBirth' | 'address' | 'notes',
        v: string | null | undefined,
      ) => this.crypto.encryptField(column, v ?? null, id, orgId);
      const row = await this.repo.insert(
        {
          id,
          orgId,
          name: e('name', input.name)!,
          nameIndex: this.crypto.nameIndex(input.name, orgId),
          email: e('email', email),
          emailIndex: email ? this.crypto.emailIndex(email, orgId) : null,
          phone: e('phone', input.phone.trim())!,
          phoneIndex: this.crypto.phoneIndex(input.phone, orgId),
          preferredName: e('preferredName', input.preferredName),
          dateOfBirth: e('dateOfBirth', input.dateOfBirth),
          address: e('address', input.address),
          notes: e('notes', input.notes),
          medications: this.crypto.encryptList('medications', input.medications ?? null, id, orgId),
          conditions: this.crypto.encryptList('conditions', input.conditions ?? null, id, orgId),
          avatar: input.avatar ?? null,
          preferredLanguage: input.preferredLanguage ?? 'en',
        },
        tx,
      );
      // The creator always looks after the patient (as before), plus any listed caregivers.
      for (const cg of new Set([actor.id, ...caregiverIds])) await this.repo.link(orgId, id, cg, tx);
      const patient = await this.decrypt(row, tx);
      if (schedules.length) after = await this.extensions.createSchedules(patient, schedules, tx);
      await this.audit.record(
        { action: 'patient.create', resourceType: 'patient', resourceIds: [id], patientIds: [id], orgId, outcome: 'success' },
        tx,
      );
      return patient;
    });
    for (const work of after) await work();
    return created;
  }

  /** A read is audited before the data leaves (fail closed: no audit entry, no answer). */
  async read(actor: AuthActor, id: string): Promise<Patient> {
    const patient = await this.access(actor, id, 'read');
    await this.audit.record({
      action: 'patient.read',
      resourceType: 'patient',
      resourceIds: [id],
      patientIds: [id],
      orgId: patient.orgId,
      outcome: 'success',
    });
    return patient;
  }

  async list(
    actor: AuthActor,
    query: { page?: number; limit?: number; sortBy?: string; name?: string; role?: string },
  ): Promise<Page<Patient>> {
    const orgId = orgOf(actor);
    const page = pageRequest(query);
    const sort = parseSort(query.sortBy, SORT_FIELDS, [{ field: 'createdAt', direction: 'asc' }]);
    if (query.role !== undefined) return toPage([], 0, page);
    const filter: PatientFilter = {
      assignedTo: actor.role === 'orgAdmin' ? undefined : actor.id,
      nameIndexes: query.name !== undefined ? this.crypto.nameIndexes(query.name, orgId) : undefined,
    };
    return this.database.transaction(async (tx) => {
      let results: Patient[];
      let total: number;
      if (sort.every((s) => s.field === 'createdAt' || s.field === 'updatedAt')) {
        const { rows, total: n } = await this.repo.pageInOrg(
          orgId,
          filter,
          sort as Array<{ field: 'createdAt' | 'updatedAt'; direction: 'asc' | 'desc' }>,
          page,
          tx,
        );
        results = await this.decryptMany(orgId, rows, tx);
        total = n;
      } else {
        const all = await this.decryptMany(orgId, await this.repo.allInOrg(orgId, filter, tx), tx);
        all.sort((a, b) => compareBy(a, b, sort));
        total = all.length;
        results = all.slice(page.offset, page.offset + page.limit);
      }
      await this.recordList(actor, orgId, 'patient.list', results, tx);
      return toPage(results, total, page);
    });
  }

  /** P3: patients with no caregiver. Staff only ever see patients assigned to them, so none. */
  async unassigned(actor: AuthActor): Promise<Patient[]> {
    const orgId = orgOf(actor);
    if (actor.role !== 'orgAdmin') return [];
    return this.database.transaction(async (tx) => {
      const patients = await this.decryptMany(orgId, await this.repo.allInOrg(orgId, { unassigned: true }, tx), tx);
      await this.recordList(actor, orgId, 'patient.list', patients, tx);
      return patients;
    });
  }

  /** The login answer / GET /caregivers/:id/patients: a caregiver's assigned patients. */
  async ofCaregiver(actor: AuthActor, caregiverId: string): Promise<Patient[]> {
    const orgId = orgOf(actor);
    return this.database.transaction(async (tx) => {
      const ids = (await this.repo.patientIdsOfCaregivers(orgId, [caregiverId], tx)).get(caregiverId) ?? [];
      const patients = await this.decryptMany(orgId, await this.repo.allInOrg(orgId, { ids }, tx), tx);
      await this.recordList(actor, orgId, 'patient.list', patients, tx);
      return patients;
    });
  }

  async update(
    actor: AuthActor,
    id: string,
    changes: PatientChanges,
    caregiverIds: string[] | undefined,
    schedules: Record<string, unknown>[] | undefined,
  ): Promise<Patient> {
    const current = await this.access(actor, id, 'update');
    const orgId = current.orgId;
    if (caregiverIds) await this.checkCaregivers(orgId, caregiverIds);
    let after: AfterCommit[] = [];
    const updated = await this.database.transaction(async (tx) => {
      const patch: PatientPatch = {};
      const e = (column: 'name' | 'email' | 'phone' | 'preferredName' | 'dateOfBirth' | 'address' | 'notes', v: string | null) =>
        this.crypto.encryptField(column, v, id, orgId);
      if (changes.name !== undefined) {
        patch.name = e('name', changes.name)!;
        patch.nameIndex = this.crypto.nameIndex(changes.name, orgId);
      }
      if (changes.email !== undefined) {
        const email = changes.email === null ? null : normalizeEmail(changes.email);
        if (email && (await this.repo.emailIndexTaken(orgId, this.crypto.emailIndexes(email, orgId), id, tx))) {
          throw new ValidationError('Email already taken', 'PatientEmailTaken');
        }
        patch.email = e('email', email);
        patch.emailIndex = email ? this.crypto.emailIndex(email, orgId) : null;
      }
      if (changes.phone !== undefined) {
        patch.phone = e('phone', changes.phone.trim())!;
        patch.phoneIndex = this.crypto.phoneIndex(changes.phone, orgId);
      }
      for (const column of ['preferredName', 'dateOfBirth', 'address', 'notes'] as const) {
        if (changes[column] !== undefined) patch[column] = e(column, changes[column] ?? null);
      }
      if (changes.medications !== undefined) patch.medications = this.crypto.encryptList('medications', changes.medications, id, orgId);
      if (changes.conditions !== undefined) patch.conditions = this.crypto.encryptList('conditions', changes.conditions, id, orgId);
      if (changes.avatar !== undefined) patch.avatar = changes.avatar;
      if (changes.preferredLanguage !== undefined) patch.preferredLanguage = changes.preferredLanguage;
      if (changes.isEmailVerified !== undefined) patch.isEmailVerified = changes.isEmailVerified;
      const row = Object.keys(patch).length ? await this.repo.update(orgId, id, patch, tx) : await this.repo.findInOrg(orgId, id, tx);
      if (!row) throw new NotFoundError(PATIENT_NOT_FOUND, 'PatientNotFound');
      if (caregiverIds) {
        const wanted = new Set(caregiverIds);
        for (const cg of current.caregiverIds) if (!wanted.has(cg)) await this.repo.unlink(orgId, id, cg, tx);
        for (const cg of wanted) await this.repo.link(orgId, id, cg, tx);
      }
      const patient = await this.decrypt(row, tx);
      if (schedules?.length) after = await this.extensions.updateSchedules(patient, schedules, tx);
      await this.audit.record(
        { action: 'patient.update', resourceType: 'patient', resourceIds: [id], patientIds: [id], orgId, outcome: 'success' },
        tx,
      );
      return patient;
    });
    for (const work of after) await work();
    return updated;
  }

  async remove(actor: AuthActor, id: string): Promise<void> {
    const patient = await this.access(actor, id, 'delete');
    await this.database.transaction(async (tx) => {
      await this.repo.softDelete(patient.orgId, id, tx);
      await this.extensions.patientsDeleted(patient.orgId, [id], tx);
      await this.audit.record(
        {
          action: 'patient.delete',
          resourceType: 'patient',
          resourceIds: [id],
          patientIds: [id],
          orgId: patient.orgId,
          outcome: 'success',
          severity: 'warning',
        },
        tx,
      );
    });
  }

  /** P8: links both ways; the caregiver must be a live account of the patient's org. */
  async assign(actor: AuthActor, id: string, caregiverId: string): Promise<Patient> {
    const patient = await this.access(actor, id, 'update');
    await this.checkCaregivers(patient.orgId, [caregiverId]);
    return this.changeLink('patient.assign', patient.orgId, id, caregiverId);
  }

  /** P9. */
  async unassign(actor: AuthActor, id: string, caregiverId: string): Promise<Patient> {
    const patient = await this.access(actor, id, 'update');
    return this.changeLink('patient.unassign', patient.orgId, id, caregiverId);
  }

  /** Links or unlinks a caregiver and audits it in the same transaction; answers the patient. */
  private changeLink(action: 'patient.assign' | 'patient.unassign', orgId: string, id: string, caregiverId: string): Promise<Patient> {
    return this.database.transaction(async (tx) => {
      if (action === 'patient.assign') await this.repo.link(orgId, id, caregiverId, tx);
      else await this.repo.unlink(orgId, id, caregiverId, tx);
      await this.audit.record(
        { action, resourceType: 'patient', resourceIds: [id, caregiverId], patientIds: [id], orgId, outcome: 'success' },
        tx,
      );
      return this.get(orgId, id, tx);
    });
  }

  /** P12: assigns unassigned patients of the org to one caregiver (orgAdmins: staff cannot see them). */
  async assignUnassigned(actor: AuthActor, caregiverId: string, patientIds: string[]): Promise<Patient[]> {
    const orgId = orgOf(actor);
    if (actor.role !== 'orgAdmin') throw new ForbiddenError();
    await this.checkCaregivers(orgId, [caregiverId]);
    const ids = [...new Set(patientIds)];
    return this.database.transaction(async (tx) => {
      const rows = await this.repo.allInOrg(orgId, { ids }, tx);
      if (rows.length !== ids.length) throw new NotFoundError(PATIENT_NOT_FOUND, 'PatientNotFound');
      for (const id of ids) await this.repo.link(orgId, id, caregiverId, tx);
      const patients = await this.decryptMany(orgId, rows, tx);
      await this.audit.record(
        {
          action: 'patient.assign',
          resourceType: 'patient',
          resourceIds: [...ids, caregiverId],
          patientIds: ids,
          orgId,
          outcome: 'success',
        },
        tx,
      );
      return patients;
    });
  }

  async setAvatar(actor: AuthActor, id: string, url: string): Promise<Patient> {
    return this.update(actor, id, { avatar: url }, undefined, undefined);
  }

  /** Org deletion (inside its transaction): soft-deletes the org's patients. */
  async deleteOrgPatients(orgId: string, tx: DbOrTx): Promise<void> {
    const ids = await this.repo.softDeleteByOrg(orgId, tx);
    await this.extensions.patientsDeleted(orgId, ids, tx);
  }

  unlinkCaregiver(caregiverId: string, tx: DbOrTx): Promise<void> {
    return this.repo.unlinkCaregiver(caregiverId, tx);
  }

  softDeleteAll(): Promise<void> {
    return this.repo.softDeleteAll();
  }

  /** Decrypted patients of a set of rows (one query for their caregiver links). */
  async decryptMany(orgId: string, rows: PatientRow[], tx?: DbOrTx): Promise<Patient[]> {
    const links = await this.repo.caregiverIdsOf(
      orgId,
      rows.map((r) => r.id),
      tx,
    );
    return rows.map((r) => this.crypto.decrypt(r, links.get(r.id) ?? []));
  }

  private async decrypt(row: PatientRow, tx?: DbOrTx): Promise<Patient> {
    const links = await this.repo.caregiverIdsOf(row.orgId, [row.id], tx);
    return this.crypto.decrypt(row, links.get(row.id) ?? []);
  }

  private async recordList(actor: AuthActor, orgId: string, action: string, patients: Patient[], tx: DbOrTx): Promise<void> {
    const ids = patients.map((p) => p.id);
    await this.audit.record({ action, resourceType: 'patient', resourceIds: ids, patientIds: ids, orgId, outcome: 'success', actor }, tx);
  }

  /** Every id must be a live caregiver of the org (another org's id answers like a missing one). */
  private async checkCaregivers(orgId: string, ids: string[]): Promise<void> {
    for (const id of new Set(ids)) {
      const cg = await this.caregivers.findInScope({ kind: 'org', orgId }, id);
      if (!cg) throw new ValidationError('Invalid caregiver ID', 'InvalidCaregiver');
    }
  }
}

function compareBy(a: Patient, b: Patient, sort: Array<{ field: PatientSortField; direction: 'asc' | 'desc' }>): number {
  for (const s of sort) {
    const av = sortValue(a, s.field);
    const bv = sortValue(b, s.field);
    const c =
      typeof av === 'number' && typeof bv === 'number' ? av - bv : String(av).localeCompare(String(bv), 'en', { sensitivity: 'base' });
    if (c !== 0) return s.direction === 'desc' ? -c : c;
  }
  return a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);
}

function sortValue(p: Patient, field: PatientSortField): string | number {
  switch (field) {
    case 'name':
      return p.name;
    case 'email':
      return p.email ?? '';
    case 'preferredLanguage':
      return p.preferredLanguage;
    case 'createdAt':
      return p.createdAt.getTime();
    case 'updatedAt':
      return p.updatedAt.getTime();
  }
}
