import { Injectable } from '@nestjs/common';
import { DatabaseService, type DbOrTx, type PageRequest, type SortTerm } from '@app/platform';
import { and, asc, count, desc, eq, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { orgs, type NewOrgRow, type OrgRow } from './org.table';
import type { TenantScope } from './tenant-scope';

export type OrgInsert = Pick<NewOrgRow, 'name' | 'timezone' | 'callRetrySettings'> &
  Partial<Pick<NewOrgRow, 'email' | 'phone' | 'isEmailVerified' | 'logo' | 'avatar'>>;
export type OrgPatch = Partial<
  Pick<
    NewOrgRow,
    | 'name'
    | 'email'
    | 'phone'
    | 'logo'
    | 'avatar'
    | 'timezone'
    | 'callRetrySettings'
    | 'isEmailVerified'
    | 'requireMfa'
    | 'stripeCustomerId'
  >
>;
export type OrgSortField = 'name' | 'email' | 'createdAt';

function scoped(scope: TenantScope, id: string): SQL | undefined {
  return scope.kind === 'platform'
    ? and(eq(orgs.id, id), isNull(orgs.deletedAt))
    : and(eq(orgs.id, id), eq(orgs.id, scope.orgId), isNull(orgs.deletedAt));
}

@Injectable()
export class OrgRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(values: OrgInsert, tx: DbOrTx = this.database.db): Promise<OrgRow> {
    const [row] = await tx.insert(orgs).values(values).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  /** Live org by exact name (operator tooling, e.g. the idempotent demo seed). */
  async findByName(name: string, tx: DbOrTx = this.database.db): Promise<OrgRow | undefined> {
    const [row] = await tx
      .select()
      .from(orgs)
      .where(and(eq(orgs.name, name), isNull(orgs.deletedAt)))
      .orderBy(orgs.createdAt)
      .limit(1);
    return row;
  }

  /** Live (not soft-deleted) org by id — for trusted internal callers (the actor's own org). */
  async findById(id: string, tx: DbOrTx = this.database.db): Promise<OrgRow | undefined> {
    const [row] = await tx
      .select()
      .from(orgs)
      .where(and(eq(orgs.id, id), isNull(orgs.deletedAt)))
      .limit(1);
    return row;
  }

  /** Live org by id, visible in the caller's scope; another org's id is simply not found. */
  async findInScope(scope: TenantScope, id: string, tx: DbOrTx = this.database.db): Promise<OrgRow | undefined> {
    const [row] = await tx.select().from(orgs).where(scoped(scope, id)).limit(1);
    return row;
  }

  async emailTaken(email: string, excludeId: string | undefined, tx: DbOrTx = this.database.db): Promise<boolean> {
    const [row] = await tx
      .select({ id: orgs.id })
      .from(orgs)
      .where(and(eq(orgs.email, email), isNull(orgs.deletedAt), excludeId ? ne(orgs.id, excludeId) : undefined))
      .limit(1);
    return row !== undefined;
  }

  async update(scope: TenantScope, id: string, patch: OrgPatch, tx: DbOrTx = this.database.db): Promise<OrgRow | undefined> {
    const [row] = await tx
      .update(orgs)
      .set({ ...patch, updatedAt: sql`now()` })
      .where(scoped(scope, id))
      .returning();
    return row;
  }

  async softDelete(scope: TenantScope, id: string, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx
      .update(orgs)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
      .where(scoped(scope, id))
      .returning({ id: orgs.id });
    return rows.length > 0;
  }

  /** Platform listing (superAdmin): exact-match name filter, sorted, paged. */
  async list(
    filter: { name?: string },
    sort: SortTerm<OrgSortField>[],
    page: PageRequest,
    tx: DbOrTx = this.database.db,
  ): Promise<{ rows: OrgRow[]; total: number }> {
    const where = and(isNull(orgs.deletedAt), filter.name !== undefined ? eq(orgs.name, filter.name) : undefined);
    const columns = { name: orgs.name, email: orgs.email, createdAt: orgs.createdAt } as const;
    const order = sort.map((s) => (s.direction === 'desc' ? desc(columns[s.field]) : asc(columns[s.field])));
    const rows = await tx
      .select()
      .from(orgs)
      .where(where)
      .orderBy(...order, asc(orgs.id))
      .limit(page.limit)
      .offset(page.offset);
    const [total] = await tx.select({ n: count() }).from(orgs).where(where);
    return { rows, total: Number(total?.n ?? 0) };
  }

  /** Test-route helper: soft-deletes every live org. Never mounted in production. */
  async softDeleteAll(tx: DbOrTx = this.database.db): Promise<number> {
    const rows = await tx
      .update(orgs)
      .set({ deletedAt: sql`now()` })
      .where(isNull(orgs.deletedAt))
      .returning({ id: orgs.id });
    return rows.length;
  }
}
