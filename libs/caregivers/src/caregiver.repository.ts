import { Injectable } from '@nestjs/common';
import { DatabaseService, type DbOrTx, type PageRequest, type SortTerm } from '@app/platform';
import type { TenantScope } from '@app/orgs';
import { and, asc, count, desc, eq, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { caregivers, type CaregiverRow, type NewCaregiverRow, type Role } from './caregiver.table';

export type CaregiverInsert = Omit<NewCaregiverRow, 'id' | 'createdAt' | 'updatedAt' | 'deletedAt'>;
export type CaregiverPatch = Partial<Omit<NewCaregiverRow, 'id' | 'createdAt' | 'updatedAt' | 'deletedAt'>>;
export type CaregiverSortField = 'name' | 'email' | 'role' | 'createdAt';

const live = isNull(caregivers.deletedAt);

function scopeFilter(scope: TenantScope): SQL | undefined {
  return scope.kind === 'platform' ? undefined : eq(caregivers.orgId, scope.orgId);
}

@Injectable()
export class CaregiverRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(values: CaregiverInsert, tx: DbOrTx = this.database.db): Promise<CaregiverRow> {
    const [row] = await tx.insert(caregivers).values(values).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  /** Trusted lookup by id (the authenticated actor itself, token holders). */
  async findById(id: string, tx: DbOrTx = this.database.db): Promise<CaregiverRow | undefined> {
    const [row] = await tx
      .select()
      .from(caregivers)
      .where(and(eq(caregivers.id, id), live))
      .limit(1);
    return row;
  }

  async findByEmail(email: string, tx: DbOrTx = this.database.db): Promise<CaregiverRow | undefined> {
    const [row] = await tx
      .select()
      .from(caregivers)
      .where(and(eq(caregivers.email, email), live))
      .limit(1);
    return row;
  }

  async findInScope(scope: TenantScope, id: string, tx: DbOrTx = this.database.db): Promise<CaregiverRow | undefined> {
    const [row] = await tx
      .select()
      .from(caregivers)
      .where(and(eq(caregivers.id, id), live, scopeFilter(scope)))
      .limit(1);
    return row;
  }

  async emailTaken(email: string, excludeId: string | undefined, tx: DbOrTx = this.database.db): Promise<boolean> {
    const [row] = await tx
      .select({ id: caregivers.id })
      .from(caregivers)
      .where(and(eq(caregivers.email, email), live, excludeId ? ne(caregivers.id, excludeId) : undefined))
      .limit(1);
    return row !== undefined;
  }

  async listInScope(
    scope: TenantScope,
    filter: { name?: string; role?: Role },
    sort: SortTerm<CaregiverSortField>[],
    page: PageRequest,
    tx: DbOrTx = this.database.db,
  ): Promise<{ rows: CaregiverRow[]; total: number }> {
    const where = and(
      live,
      scopeFilter(scope),
      filter.name !== undefined ? eq(caregivers.name, filter.name) : undefined,
      filter.role !== undefined ? eq(caregivers.role, filter.role) : undefined,
    );
    const columns = { name: caregivers.name, email: caregivers.email, role: caregivers.role, createdAt: caregivers.createdAt } as const;
    const order = sort.map((s) => (s.direction === 'desc' ? desc(columns[s.field]) : asc(columns[s.field])));
    const rows = await tx
      .select()
      .from(caregivers)
      .where(where)
      .orderBy(...order, asc(caregivers.id))
      .limit(page.limit)
      .offset(page.offset);
    const [total] = await tx.select({ n: count() }).from(caregivers).where(where);
    return { rows, total: Number(total?.n ?? 0) };
  }

  async idsInOrg(scope: TenantScope, orgId: string, tx: DbOrTx = this.database.db): Promise<string[]> {
    const rows = await tx
      .select({ id: caregivers.id })
      .from(caregivers)
      .where(and(eq(caregivers.orgId, orgId), live, scopeFilter(scope)))
      .orderBy(asc(caregivers.createdAt));
    return rows.map((r) => r.id);
  }

  /** Trusted update by id (the account's own flows: login counters, password, verification). */
  async update(id: string, patch: CaregiverPatch, tx: DbOrTx = this.database.db): Promise<CaregiverRow | undefined> {
    const [row] = await tx
      .update(caregivers)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(and(eq(caregivers.id, id), live))
      .returning();
    return row;
  }

  async updateInScope(
    scope: TenantScope,
    id: string,
    patch: CaregiverPatch,
    tx: DbOrTx = this.database.db,
  ): Promise<CaregiverRow | undefined> {
    const [row] = await tx
      .update(caregivers)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(and(eq(caregivers.id, id), live, scopeFilter(scope)))
      .returning();
    return row;
  }

  async softDeleteInScope(scope: TenantScope, id: string, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx
      .update(caregivers)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(caregivers.id, id), live, scopeFilter(scope)))
      .returning({ id: caregivers.id });
    return rows.length > 0;
  }

  /** Soft-deletes every live caregiver of an org (org deletion); returns their ids. */
  async softDeleteByOrg(scope: TenantScope, orgId: string, tx: DbOrTx = this.database.db): Promise<string[]> {
    const rows = await tx
      .update(caregivers)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(caregivers.orgId, orgId), live, scopeFilter(scope)))
      .returning({ id: caregivers.id });
    return rows.map((r) => r.id);
  }

  async countByRole(role: Role, tx: DbOrTx = this.database.db): Promise<number> {
    const [row] = await tx
      .select({ n: count() })
      .from(caregivers)
      .where(and(eq(caregivers.role, role), live));
    return Number(row?.n ?? 0);
  }

  /** Test-route helper: soft-deletes every live caregiver; returns their ids. Never mounted in production. */
  async softDeleteAll(tx: DbOrTx = this.database.db): Promise<string[]> {
    const rows = await tx
      .update(caregivers)
      .set({ deletedAt: sql`now()` })
      .where(live)
      .returning({ id: caregivers.id });
    return rows.map((r) => r.id);
  }
}
