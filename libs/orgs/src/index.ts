// Public door of @app/orgs: the tenant.
export * from './orgs.module';
export * from './org.service';
export * from './tenant-scope';
export { DEFAULT_CALL_RETRY_SETTINGS, type CallRetrySettings, type OrgRow } from './org.table';
