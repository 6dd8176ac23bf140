import { Injectable } from '@nestjs/common';
import { DatabaseService, type DbOrTx } from '@app/platform';
import { and, asc, count, desc, eq, gt, inArray, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { patientCaregivers, patients, type NewPatientRow, type PatientRow } from './patient.table';

export type PatientInsert = Omit<NewPatientRow, 'createdAt' | 'updatedAt' | 'deletedAt'>;
export type PatientPatch = Partial<Omit<NewPatientRow, 'id' | 'orgId' | 'createdAt' | 'updatedAt' | 'deletedAt'>>;

export interface PatientFilter {
  /** Only patients this caregiver is assigned to (staff scoping). */
  assignedTo?: string;
  /** Only patients with no caregiver. */
  unassigned?: boolean;
  /** Exact-match name: any of these blind indexes (one per configured key). */
  nameIndexes?: string[];
  ids?: string[];
}

/** Bound for in-memory sorting by encrypted fields (an org's patients are a bounded set). */
export const MAX_IN_MEMORY_PATIENTS = 5000;

const live = isNull(patients.deletedAt);

/** Patients and their caregiver links. Every method takes the org (tenant) it works in. */
@Injectable()
export class PatientRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(values: PatientInsert, tx: DbOrTx = this.database.db): Promise<PatientRow> {
    const [row] = await tx.insert(patients).values(values).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async findInOrg(orgId: string, id: string, tx: DbOrTx = this.database.db): Promise<PatientRow | undefined> {
    const [row] = await tx
      .select()
      .from(patients)
      .where(and(eq(patients.id, id), eq(patients.orgId, orgId), live))
      .limit(1);
    return row;
  }

  /** The owning org of a live patient id, whatever the org (cross-tenant audit only). */
  async orgOf(id: string, tx: DbOrTx = this.database.db): Promise<string | undefined> {
    const [row] = await tx
      .select({ orgId: patients.orgId })
      .from(patients)
      .where(and(eq(patients.id, id), live))
      .limit(1);
    return row?.orgId;
  }

  private where(orgId: string, filter: PatientFilter): SQL | undefined {
    return and(
      eq(patients.orgId, orgId),
      live,
      filter.ids ? inArray(patients.id, filter.ids.length ? filter.ids : ['00000000-0000-0000-0000-000000000000']) : undefined,
      filter.nameIndexes ? inArray(patients.nameIndex, filter.nameIndexes) : undefined,
      filter.assignedTo
        ? sql`exists (select 1 from ${patientCaregivers} pc where pc.patient_id = ${patients.id} and pc.caregiver_id = ${filter.assignedTo})`
        : undefined,
      filter.unassigned ? sql`not exists (select 1 from ${patientCaregivers} pc where pc.patient_id = ${patients.id})` : undefined,
    );
  }

  /** One page ordered by plaintext columns (createdAt/updatedAt), counted in SQL. */
  async pageInOrg(
    orgId: string,
    filter: PatientFilter,
    order: Array<{ field: 'createdAt' | 'updatedAt'; direction: 'asc' | 'desc' }>,
    page: { limit: number; offset: number },
    tx: DbOrTx = this.database.db,
  ): Promise<{ rows: PatientRow[]; total: number }> {
    const where = this.where(orgId, filter);
    const columns = { createdAt: patients.createdAt, updatedAt: patients.updatedAt } as const;
    const rows = await tx
      .select()
      .from(patients)
      .where(where)
      .orderBy(...order.map((o) => (o.direction === 'desc' ? desc(columns[o.field]) : asc(columns[o.field]))), asc(patients.id))
      .limit(page.limit)
      .offset(page.offset);
    const [total] = await tx.select({ n: count() }).from(patients).where(where);
    return { rows, total: Number(total?.n ?? 0) };
  }

  /** Every matching patient of the org (bounded), for sorting by encrypted fields after decryption. */
  async allInOrg(orgId: string, filter: PatientFilter, tx: DbOrTx = this.database.db): Promise<PatientRow[]> {
    return tx
      .select()
      .from(patients)
      .where(this.where(orgId, filter))
      .orderBy(asc(patients.createdAt), asc(patients.id))
      .limit(MAX_IN_MEMORY_PATIENTS);
  }

  async emailIndexTaken(orgId: string, indexes: string[], excludeId: string | undefined, tx: DbOrTx = this.database.db): Promise<boolean> {
    const [row] = await tx
      .select({ id: patients.id })
      .from(patients)
      .where(
        and(eq(patients.orgId, orgId), live, inArray(patients.emailIndex, indexes), excludeId ? ne(patients.id, excludeId) : undefined),
      )
      .limit(1);
    return row !== undefined;
  }

  /** Inbound-call lookup: live patients whose (org, phone index) pair is one of these. */
  async findByPhoneIndexes(pairs: Array<{ orgId: string; index: string }>, tx: DbOrTx = this.database.db): Promise<PatientRow[]> {
    if (pairs.length === 0) return [];
    const indexes = [...new Set(pairs.map((p) => p.index))];
    const rows = await tx
      .select()
      .from(patients)
      .where(and(live, inArray(patients.phoneIndex, indexes)));
    return rows.filter((r) => pairs.some((p) => p.orgId === r.orgId && p.index === r.phoneIndex));
  }

  /** Orgs that have live patients (inbound lookup without a known org). */
  async orgIdsWithPatients(tx: DbOrTx = this.database.db): Promise<string[]> {
    const rows = await tx.selectDistinct({ orgId: patients.orgId }).from(patients).where(live);
    return rows.map((r) => r.orgId);
  }

  async update(orgId: string, id: string, patch: PatientPatch, tx: DbOrTx = this.database.db): Promise<PatientRow | undefined> {
    const [row] = await tx
      .update(patients)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(and(eq(patients.id, id), eq(patients.orgId, orgId), live))
      .returning();
    return row;
  }

  async softDelete(orgId: string, id: string, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx
      .update(patients)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(patients.id, id), eq(patients.orgId, orgId), live))
      .returning({ id: patients.id });
    return rows.length > 0;
  }

  async softDeleteByOrg(orgId: string, tx: DbOrTx = this.database.db): Promise<string[]> {
    const rows = await tx
      .update(patients)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(patients.orgId, orgId), live))
      .returning({ id: patients.id });
    return rows.map((r) => r.id);
  }

  /** Test-route helper (never mounted in production). */
  async softDeleteAll(tx: DbOrTx = this.database.db): Promise<void> {
    await tx
      .update(patients)
      .set({ deletedAt: sql`now()` })
      .where(live);
  }

  async idsInOrg(orgId: string, tx: DbOrTx = this.database.db): Promise<string[]> {
    const rows = await tx
      .select({ id: patients.id })
      .from(patients)
      .where(and(eq(patients.orgId, orgId), live))
      .orderBy(asc(patients.createdAt));
    return rows.map((r) => r.id);
  }

  /**
   * Trusted cross-org listing for system jobs (no actor): ids of live patients of every org, a
   * page at a time in primary-key order (keyset: pass the last id of the previous page).
   */
  async liveIdsAfter(afterId: string | null, limit: number, tx: DbOrTx = this.database.db): Promise<Array<{ id: string; orgId: string }>> {
    return tx
      .select({ id: patients.id, orgId: patients.orgId })
      .from(patients)
      .where(afterId === null ? live : and(live, gt(patients.id, afterId)))
      .orderBy(asc(patients.id))
      .limit(limit);
  }

  async touchLastContact(orgId: string, id: string, at: Date, tx: DbOrTx = this.database.db): Promise<void> {
    await tx
      .update(patients)
      .set({ lastContactAt: at })
      .where(and(eq(patients.id, id), eq(patients.orgId, orgId)));
  }

  // Caregiver links.

  async caregiverIdsOf(orgId: string, patientIds: string[], tx: DbOrTx = this.database.db): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>(patientIds.map((id) => [id, []]));
    if (patientIds.length === 0) return result;
    const rows = await tx
      .select({ patientId: patientCaregivers.patientId, caregiverId: patientCaregivers.caregiverId })
      .from(patientCaregivers)
      .where(and(eq(patientCaregivers.orgId, orgId), inArray(patientCaregivers.patientId, patientIds)))
      .orderBy(asc(patientCaregivers.createdAt), asc(patientCaregivers.caregiverId));
    for (const r of rows) result.get(r.patientId)?.push(r.caregiverId);
    return result;
  }

  /** Live patient ids per caregiver; `orgId` null for the platform scope. */
  async patientIdsOfCaregivers(
    orgId: string | null,
    caregiverIds: string[],
    tx: DbOrTx = this.database.db,
  ): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>(caregiverIds.map((id) => [id, []]));
    if (caregiverIds.length === 0) return result;
    const rows = await tx
      .select({ patientId: patientCaregivers.patientId, caregiverId: patientCaregivers.caregiverId })
      .from(patientCaregivers)
      .innerJoin(patients, eq(patients.id, patientCaregivers.patientId))
      .where(and(inArray(patientCaregivers.caregiverId, caregiverIds), live, orgId ? eq(patientCaregivers.orgId, orgId) : undefined))
      .orderBy(asc(patients.createdAt));
    for (const r of rows) result.get(r.caregiverId)?.push(r.patientId);
    return result;
  }

  /** Idempotent; true when a new link was made. */
  async link(orgId: string, patientId: string, caregiverId: string, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx
      .insert(patientCaregivers)
      .values({ orgId, patientId, caregiverId })
      .onConflictDoNothing()
      .returning({ patientId: patientCaregivers.patientId });
    return rows.length > 0;
  }

  async unlink(orgId: string, patientId: string, caregiverId: string, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx
      .delete(patientCaregivers)
      .where(
        and(eq(patientCaregivers.orgId, orgId), eq(patientCaregivers.patientId, patientId), eq(patientCaregivers.caregiverId, caregiverId)),
      )
      .returning({ patientId: patientCaregivers.patientId });
    return rows.length > 0;
  }

  async unlinkCaregiver(caregiverId: string, tx: DbOrTx = this.database.db): Promise<void> {
    await tx.delete(patientCaregivers).where(eq(patientCaregivers.caregiverId, caregiverId));
  }
}
