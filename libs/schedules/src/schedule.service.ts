import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError as ClassValidatorError } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { AuditService } from '@app/audit';
import type { AuthActor } from '@app/auth';
import { OrgService } from '@app/orgs';
import { PatientService, type Patient } from '@app/patients';
import { Clock, DatabaseService, NotFoundError, ValidationError, type DbOrTx } from '@app/platform';
import { CreateScheduleDto, PatchScheduleDto, type IntervalDto, type ScheduleResponse } from './schedule.dto';
import { ScheduleEvents, type ScheduleChange } from './schedule.events';
import { ScheduleRepository, type SchedulePatch } from './schedule.repository';
import type { ScheduleRow } from './schedule.table';
import { nextOccurrence, occurrencesBetween, recurrenceProblems, type Frequency, type Interval, type Recurrence } from './recurrence';

export const SCHEDULE_NOT_FOUND = 'Schedule not found';

export interface ScheduleInput {
  frequency: string;
  intervals: IntervalDto[];
  time: string;
  times?: string[];
  isActive?: boolean;
}

export type SchedulePatchInput = Partial<ScheduleInput> & { patient?: string };

/** A call the dispatcher should place: one (schedule, instant) pair. */
export interface DueSlot {
  scheduleId: string;
  orgId: string;
  patientId: string;
  at: Date;
}

function flatten(errors: ClassValidatorError[]): string[] {
  return errors.flatMap((e) => [...Object.values(e.constraints ?? {}), ...flatten(e.children ?? [])]);
}

function intervalsOf(list: IntervalDto[]): Interval[] {
  return list.map((i) => ({ ...(i.day !== undefined ? { day: i.day } : {}), weeks: i.weeks ?? 1 }));
}

/** The recurrence a row describes. */
export function recurrenceOf(row: Pick<ScheduleRow, 'frequency' | 'intervals' | 'times' | 'timezone' | 'createdAt'>): Recurrence {
  return { frequency: row.frequency, intervals: row.intervals, times: row.times, timezone: row.timezone, anchor: row.createdAt };
}

/**
 * Call schedules: stored and validated here; dispatched by the voice/calls issue through
 * `dueSlots(from, to)` / `nextOccurrence(row, after)` and `ScheduleEvents.onChange`.
 * Access goes through the patient: a staff member must be assigned to it.
 */
@Injectable()
export class ScheduleService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repo: ScheduleRepository,
    private readonly patients: PatientService,
    private readonly orgs: OrgService,
    private readonly audit: AuditService,
    private readonly events: ScheduleEvents,
    private readonly clock: Clock,
  ) {}

  // ---- Dispatcher API ----

  /** The next call instant of a schedule after `after` (null when inactive or the rule selects nothing). */
  nextOccurrence(
    row: Pick<ScheduleRow, 'frequency' | 'intervals' | 'times' | 'timezone' | 'createdAt' | 'isActive'>,
    after: Date,
  ): Date | null {
    return row.isActive ? nextOccurrence(recurrenceOf(row), after) : null;
  }

  /** Every call of every active schedule in [from, to), ascending by time (trusted; ids only). */
  async dueSlots(from: Date, to: Date, tx?: DbOrTx): Promise<DueSlot[]> {
    const rows = await this.repo.allActive(tx);
    const slots = rows.flatMap((row) =>
      occurrencesBetween(recurrenceOf(row), from, to).map((at) => ({ scheduleId: row.id, orgId: row.orgId, patientId: row.patientId, at })),
    );
    return slots.sort((a, b) => a.at.getTime() - b.at.getTime() || a.scheduleId.localeCompare(b.scheduleId));
  }

  /** A live schedule by id (trusted: the dispatcher re-reads state before acting). */
  find(orgId: string, id: string, tx?: DbOrTx): Promise<ScheduleRow | undefined> {
    return this.repo.findInOrg(orgId, id, tx);
  }

  onChange(listener: Parameters<ScheduleEvents['onChange']>[0]): void {
    this.events.onChange(listener);
  }

  // ---- HTTP operations ----

  async create(actor: AuthActor, patientId: string, input: ScheduleInput): Promise<ScheduleResponse> {
    const patient = await this.patients.access(actor, patientId, 'update');
    const { row, change } = await this.database.transaction(async (tx) => {
      const created = await this.insertFor(patient, input, tx);
      await this.record('schedule.create', created, tx);
      return { row: created, change: this.change('created', created) };
    });
    await this.events.emit([change]);
    return this.present(row);
  }

  async read(actor: AuthActor, id: string): Promise<ScheduleResponse> {
    const row = await this.load(actor, id, 'read');
    await this.record('schedule.read', row);
    return this.present(row);
  }

  /** S3 (full) and S4 (partial). */
  async update(actor: AuthActor, id: string, input: SchedulePatchInput): Promise<ScheduleResponse> {
    const current = await this.load(actor, id, 'update');
    let target: Patient | undefined;
    if (input.patient !== undefined && input.patient !== current.patientId)
      target = await this.patients.access(actor, input.patient, 'update');
    const { row, change } = await this.database.transaction(async (tx) => {
      const updated = await this.applyPatch(current, input, target, tx);
      await this.record('schedule.update', updated, tx);
      return { row: updated, change: this.change('updated', updated) };
    });
    await this.events.emit([change]);
    return this.present(row);
  }

  async remove(actor: AuthActor, id: string): Promise<void> {
    const row = await this.load(actor, id, 'update');
    await this.database.transaction(async (tx) => {
      await this.repo.softDelete(row.orgId, row.id, tx);
      await this.record('schedule.delete', row, tx);
    });
    await this.events.emit([this.change('deleted', row)]);
  }

  // ---- Patient hooks ----

  async schedulesOf(orgId: string, patientIds: string[], tx?: DbOrTx): Promise<Map<string, ScheduleResponse[]>> {
    const map = new Map<string, ScheduleResponse[]>();
    for (const row of await this.repo.ofPatients(orgId, patientIds, tx)) {
      map.set(row.patientId, [...(map.get(row.patientId) ?? []), this.present(row)]);
    }
    return map;
  }

  /** P1 `schedules[]` (validated like S1); the events go out after the patient's commit. */
  async createForPatient(patient: Patient, bodies: Record<string, unknown>[], tx: DbOrTx): Promise<() => Promise<void>> {
    const changes: ScheduleChange[] = [];
    for (const body of bodies) {
      const dto = this.validate(CreateScheduleDto, body);
      const row = await this.insertFor(patient, dto, tx);
      await this.record('schedule.create', row, tx);
      changes.push(this.change('created', row));
    }
    return () => this.events.emit(changes);
  }

  /** P5 `schedules[{id, ...}]`: each must be a schedule of this patient. */
  async updateForPatient(patient: Patient, bodies: Record<string, unknown>[], tx: DbOrTx): Promise<() => Promise<void>> {
    const changes: ScheduleChange[] = [];
    for (const body of bodies) {
      const dto = this.validate(PatchScheduleDto, body);
      if (!dto.id) throw new ValidationError('"schedules.id" is required');
      const current = await this.repo.findInOrg(patient.orgId, dto.id, tx);
      if (!current || current.patientId !== patient.id) throw new NotFoundError(SCHEDULE_NOT_FOUND, 'ScheduleNotFound');
      const row = await this.applyPatch(current, { ...dto, patient: undefined }, undefined, tx);
      await this.record('schedule.update', row, tx);
      changes.push(this.change('updated', row));
    }
    return () => this.events.emit(changes);
  }

  async deleteOfPatients(orgId: string, patientIds: string[], tx: DbOrTx): Promise<void> {
    await this.repo.softDeleteOfPatients(orgId, patientIds, tx);
  }

  present(row: ScheduleRow): ScheduleResponse {
    const next = this.nextOccurrence(row, this.clock.now());
    return {
      id: row.id,
      _id: row.id,
      patient: row.patientId,
      patientId: row.patientId,
      frequency: row.frequency,
      intervals: row.intervals.map((i) => ({ day: i.day ?? null, weeks: i.weeks ?? 1 })),
      time: row.times[0] ?? '',
      times: row.times,
      timezone: row.timezone,
      isActive: row.isActive,
      nextCallDate: next ? next.toISOString() : null,
    };
  }

  // ---- internals ----

  private async load(actor: AuthActor, id: string, action: 'read' | 'update'): Promise<ScheduleRow> {
    const orgId = actor.orgId;
    const row = orgId ? await this.repo.findInOrg(orgId, id) : undefined;
    if (!row) throw new NotFoundError(SCHEDULE_NOT_FOUND, 'ScheduleNotFound');
    await this.patients.access(actor, row.patientId, action);
    return row;
  }

  private validate<T extends object>(type: new () => T, body: Record<string, unknown>): T {
    const dto = plainToInstance(type, body);
    const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) throw new ValidationError(flatten(errors).join(', '));
    return dto;
  }

  private async insertFor(patient: Patient, input: ScheduleInput, tx: DbOrTx): Promise<ScheduleRow> {
    const org = await this.orgs.get(patient.orgId, tx);
    const times = [...new Set(input.times?.length ? input.times : [input.time])].sort();
    const values = {
      frequency: input.frequency as Frequency,
      intervals: intervalsOf(input.intervals),
      times,
      timezone: org.timezone,
    };
    this.check(values);
    return this.repo.insert(
      { id: randomUUID(), orgId: patient.orgId, patientId: patient.id, ...values, isActive: input.isActive ?? true },
      tx,
    );
  }

  private async applyPatch(current: ScheduleRow, input: SchedulePatchInput, target: Patient | undefined, tx: DbOrTx): Promise<ScheduleRow> {
    const org = await this.orgs.get(current.orgId, tx);
    const patch: SchedulePatch = { timezone: org.timezone };
    if (input.frequency !== undefined) patch.frequency = input.frequency as Frequency;
    if (input.intervals !== undefined) patch.intervals = intervalsOf(input.intervals);
    if (input.times?.length) patch.times = [...new Set(input.times)].sort();
    else if (input.time !== undefined) patch.times = [input.time];
    if (input.isActive !== undefined) patch.isActive = input.isActive;
    if (target) patch.patientId = target.id;
    this.check({
      frequency: patch.frequency ?? current.frequency,
      intervals: patch.intervals ?? current.intervals,
      times: patch.times ?? current.times,
      timezone: org.timezone,
    });
    const row = await this.repo.update(current.orgId, current.id, patch, tx);
    if (!row) throw new NotFoundError(SCHEDULE_NOT_FOUND, 'ScheduleNotFound');
    return row;
  }

  private check(r: Pick<Recurrence, 'frequency' | 'intervals' | 'times' | 'timezone'>): void {
    const problems = recurrenceProblems(r);
    if (problems.length) throw new ValidationError(problems.join(', '));
  }

  private change(type: ScheduleChange['type'], row: ScheduleRow): ScheduleChange {
    return { type, scheduleId: row.id, orgId: row.orgId, patientId: row.patientId };
  }

  private async record(action: string, row: ScheduleRow, tx?: DbOrTx): Promise<void> {
    await this.audit.record(
      { action, resourceType: 'schedule', resourceIds: [row.id], patientIds: [row.patientId], orgId: row.orgId, outcome: 'success' },
      tx,
    );
  }
}
