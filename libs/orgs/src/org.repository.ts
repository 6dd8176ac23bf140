import { Injectable } from '@nestjs/common';
import { DatabaseService, type DbOrTx } from '@app/platform';
import { and, eq, isNull } from 'drizzle-orm';
import { orgs, type NewOrgRow, type OrgRow } from './org.table';

@Injectable()
export class OrgRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(values: Pick<NewOrgRow, 'name' | 'timezone' | 'callRetrySettings'>, tx: DbOrTx = this.database.db): Promise<OrgRow> {
    const [row] = await tx.insert(orgs).values(values).returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  /** Live (not soft-deleted) org by id. */
  async findById(id: string, tx: DbOrTx = this.database.db): Promise<OrgRow | undefined> {
    const [row] = await tx
      .select()
      .from(orgs)
      .where(and(eq(orgs.id, id), isNull(orgs.deletedAt)))
      .limit(1);
    return row;
  }
}
