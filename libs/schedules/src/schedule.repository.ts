import { Injectable } from '@nestjs/common';
import { DatabaseService, type DbOrTx } from '@app/platform';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { schedules, type NewScheduleRow, type ScheduleRow } from './schedule.table';

export type ScheduleInsert = Omit<NewScheduleRow, 'createdAt' | 'updatedAt' | 'deletedAt'>;
export type SchedulePatch = Partial<Pick<NewScheduleRow, 'patientId' | 'frequency' | 'intervals' | 'times' | 'timezone' | 'isActive'>>;

const live = isNull(schedules.deletedAt);

@Injectable()
export class ScheduleRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(values: ScheduleInsert, tx: DbOrTx = this.database.db): Promise<ScheduleRow> {
    const [row] = await tx.insert(schedules).values(values).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async findInOrg(orgId: string, id: string, tx: DbOrTx = this.database.db): Promise<ScheduleRow | undefined> {
    const [row] = await tx
      .select()
      .from(schedules)
      .where(and(eq(schedules.id, id), eq(schedules.orgId, orgId), live))
      .limit(1);
    return row;
  }

  async orgOf(id: string, tx: DbOrTx = this.database.db): Promise<string | undefined> {
    const [row] = await tx
      .select({ orgId: schedules.orgId })
      .from(schedules)
      .where(and(eq(schedules.id, id), live))
      .limit(1);
    return row?.orgId;
  }

  async ofPatients(orgId: string, patientIds: string[], tx: DbOrTx = this.database.db): Promise<ScheduleRow[]> {
    if (patientIds.length === 0) return [];
    return tx
      .select()
      .from(schedules)
      .where(and(eq(schedules.orgId, orgId), inArray(schedules.patientId, patientIds), live))
      .orderBy(asc(schedules.createdAt), asc(schedules.id));
  }

  /** Every active schedule of every org (the dispatcher's view; trusted). */
  async allActive(tx: DbOrTx = this.database.db): Promise<ScheduleRow[]> {
    return tx
      .select()
      .from(schedules)
      .where(and(eq(schedules.isActive, true), live))
      .orderBy(asc(schedules.id));
  }

  async update(orgId: string, id: string, patch: SchedulePatch, tx: DbOrTx = this.database.db): Promise<ScheduleRow | undefined> {
    const [row] = await tx
      .update(schedules)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(and(eq(schedules.id, id), eq(schedules.orgId, orgId), live))
      .returning();
    return row;
  }

  async softDelete(orgId: string, id: string, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx
      .update(schedules)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(schedules.id, id), eq(schedules.orgId, orgId), live))
      .returning({ id: schedules.id });
    return rows.length > 0;
  }

  async softDeleteOfPatients(orgId: string, patientIds: string[], tx: DbOrTx = this.database.db): Promise<string[]> {
    if (patientIds.length === 0) return [];
    const rows = await tx
      .update(schedules)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(schedules.orgId, orgId), inArray(schedules.patientId, patientIds), live))
      .returning({ id: schedules.id });
    return rows.map((r) => r.id);
  }
}
