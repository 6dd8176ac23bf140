import { Injectable } from '@nestjs/common';
import type { DbOrTx } from '@app/platform';
import type { Patient } from './patient.model';

/** Work to run after the surrounding transaction committed. */
export type AfterCommit = () => Promise<void>;

/**
 * How domains above patients plug into patient answers and lifecycle without a dependency cycle
 * (schedules embed into PatientDTO; conversations/alerts follow deletions). They register in
 * `onModuleInit`. Hooks run inside the patient operation's transaction when one is given.
 */
export interface PatientExtension {
  /** ScheduleDTOs per patient id (PatientDTO.schedules). */
  schedulesOf?(orgId: string, patientIds: string[], tx?: DbOrTx): Promise<Map<string, unknown[]>>;
  /**
   * P1 `schedules[]`: create them for the new patient (validate; throw ValidationError). May
   * return work to run once the patient's transaction committed (e.g. notify the dispatcher).
   */
  createSchedules?(patient: Patient, bodies: Record<string, unknown>[], tx: DbOrTx): Promise<AfterCommit | void>;
  /** P5 `schedules[]`: update each by its `id` (must belong to the patient). */
  updateSchedules?(patient: Patient, bodies: Record<string, unknown>[], tx: DbOrTx): Promise<AfterCommit | void>;
  /** Patients were soft-deleted (one, or all of an org's). */
  onPatientsDeleted?(orgId: string, patientIds: string[], tx: DbOrTx): Promise<void>;
}

@Injectable()
export class PatientExtensions {
  private readonly extensions: PatientExtension[] = [];

  register(extension: PatientExtension): void {
    this.extensions.push(extension);
  }

  async schedulesOf(orgId: string, patientIds: string[], tx?: DbOrTx): Promise<Map<string, unknown[]>> {
    const result = new Map<string, unknown[]>(patientIds.map((id) => [id, []]));
    for (const e of this.extensions) {
      const map = await e.schedulesOf?.(orgId, patientIds, tx);
      for (const [id, rows] of map ?? []) result.set(id, [...(result.get(id) ?? []), ...rows]);
    }
    return result;
  }

  async createSchedules(patient: Patient, bodies: Record<string, unknown>[], tx: DbOrTx): Promise<AfterCommit[]> {
    const after: AfterCommit[] = [];
    for (const e of this.extensions) {
      const work = await e.createSchedules?.(patient, bodies, tx);
      if (work) after.push(work);
    }
    return after;
  }

  async updateSchedules(patient: Patient, bodies: Record<string, unknown>[], tx: DbOrTx): Promise<AfterCommit[]> {
    const after: AfterCommit[] = [];
    for (const e of this.extensions) {
      const work = await e.updateSchedules?.(patient, bodies, tx);
      if (work) after.push(work);
    }
    return after;
  }

  async patientsDeleted(orgId: string, patientIds: string[], tx: DbOrTx): Promise<void> {
    if (patientIds.length === 0) return;
    for (const e of this.extensions) await e.onPatientsDeleted?.(orgId, patientIds, tx);
  }
}
