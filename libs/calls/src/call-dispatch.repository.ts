import { Injectable } from '@nestjs/common';
import { DatabaseService, type DbOrTx } from '@app/platform';
import { and, count, eq, inArray, lt, sql } from 'drizzle-orm';
import { callDispatches, type CallDispatchRow, type DispatchState, type NewCallDispatchRow } from './calls.table';

@Injectable()
export class CallDispatchRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Inserts the attempt; undefined when its (schedule, slot, attempt) exists already. */
  async insert(
    values: Omit<NewCallDispatchRow, 'createdAt' | 'updatedAt'>,
    tx: DbOrTx = this.database.db,
  ): Promise<CallDispatchRow | undefined> {
    const [row] = await tx.insert(callDispatches).values(values).onConflictDoNothing().returning();
    return row;
  }

  /** Data-subject export: the patient's call attempts (ids, times and states only; no PHI), oldest first. */
  async ofPatient(orgId: string, patientId: string, tx: DbOrTx): Promise<CallDispatchRow[]> {
    return tx
      .select()
      .from(callDispatches)
      .where(and(eq(callDispatches.orgId, orgId), eq(callDispatches.patientId, patientId)))
      .orderBy(callDispatches.createdAt);
  }

  /** Data-subject erasure: deletes the patient's call attempts in `tx`; returns how many. */
  async deleteOfPatient(orgId: string, patientId: string, tx: DbOrTx): Promise<number> {
    const rows = await tx
      .delete(callDispatches)
      .where(and(eq(callDispatches.orgId, orgId), eq(callDispatches.patientId, patientId)))
      .returning({ id: callDispatches.id });
    return rows.length;
  }

  async find(id: string, tx: DbOrTx = this.database.db): Promise<CallDispatchRow | undefined> {
    const [row] = await tx.select().from(callDispatches).where(eq(callDispatches.id, id)).limit(1);
    return row;
  }

  async findInOrg(orgId: string, id: string, tx: DbOrTx = this.database.db): Promise<CallDispatchRow | undefined> {
    const [row] = await tx
      .select()
      .from(callDispatches)
      .where(and(eq(callDispatches.id, id), eq(callDispatches.orgId, orgId)))
      .limit(1);
    return row;
  }

  /** Moves an attempt from one of `from` to `to`; false when it was not in one of them (someone else moved it). */
  async transition(
    id: string,
    from: readonly DispatchState[],
    to: DispatchState,
    patch: Partial<CallDispatchRow> = {},
    tx: DbOrTx = this.database.db,
  ): Promise<boolean> {
    const rows = await tx
      .update(callDispatches)
      .set({ ...patch, state: to, updatedAt: sql`now()` })
      .where(and(eq(callDispatches.id, id), inArray(callDispatches.state, [...from])))
      .returning({ id: callDispatches.id });
    return rows.length > 0;
  }

  /** Claims the follow-up decision of an ended attempt (exactly one caller gets true). */
  async claimFollowUp(id: string, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx
      .update(callDispatches)
      .set({ followedUp: true, updatedAt: sql`now()` })
      .where(and(eq(callDispatches.id, id), eq(callDispatches.followedUp, false)))
      .returning({ id: callDispatches.id });
    return rows.length > 0;
  }

  /** Attempts of an org not yet ended (queued or dialing). */
  async liveCountInOrg(orgId: string, tx: DbOrTx = this.database.db): Promise<number> {
    const [row] = await tx
      .select({ n: count() })
      .from(callDispatches)
      .where(and(eq(callDispatches.orgId, orgId), inArray(callDispatches.state, ['queued', 'dialing'])));
    return Number(row?.n ?? 0);
  }

  /** Attempts of one schedule slot, by attempt number. */
  async ofSlot(scheduleId: string, slotAt: Date, tx: DbOrTx = this.database.db): Promise<CallDispatchRow[]> {
    return tx
      .select()
      .from(callDispatches)
      .where(and(eq(callDispatches.scheduleId, scheduleId), eq(callDispatches.slotAt, slotAt)))
      .orderBy(callDispatches.attempt);
  }

  /** Attempts still queued/dialing whose last change is older than `cutoff`. */
  async staleLive(cutoff: Date, limit: number, tx: DbOrTx = this.database.db): Promise<CallDispatchRow[]> {
    return tx
      .select()
      .from(callDispatches)
      .where(and(inArray(callDispatches.state, ['queued', 'dialing']), lt(callDispatches.updatedAt, cutoff)))
      .limit(limit);
  }
}
