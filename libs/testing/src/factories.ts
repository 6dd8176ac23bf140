import { randomBytes } from 'node:crypto';
import { OrgService, type OrgRow } from '@app/orgs';
import type { TestApp } from './app-harness';

/** Short unique suffix so parallel tests never collide on unique columns. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** A fresh org per test, inserted through the real service and repository. */
export async function createOrg(app: TestApp, overrides: { name?: string; timezone?: string } = {}): Promise<OrgRow> {
  return app.get(OrgService).create({ name: overrides.name ?? `Test Org ${uniqueSuffix()}`, timezone: overrides.timezone });
}
