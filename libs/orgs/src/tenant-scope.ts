/**
 * Whose data a caller may touch. Every repository method on org-owned data takes one and filters
 * by it, so forgetting the tenant filter is a type error rather than a data leak. `platform` is
 * the superAdmin's scope for platform administration (orgs, accounts) — never an implicit grant
 * to PHI, which domains decide for themselves.
 */
export type TenantScope = { readonly kind: 'org'; readonly orgId: string } | { readonly kind: 'platform' };

export const orgScope = (orgId: string): TenantScope => ({ kind: 'org', orgId });
export const PLATFORM_SCOPE: TenantScope = Object.freeze({ kind: 'platform' });

/** Whether a row of `orgId` is visible in `scope`. */
export function inScope(scope: TenantScope, orgId: string | null | undefined): boolean {
  return scope.kind === 'platform' || (orgId !== null && orgId !== undefined && orgId === scope.orgId);
}
