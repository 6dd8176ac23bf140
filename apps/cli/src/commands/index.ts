import type { Command } from '../command';
import { auditVerifyCommand } from './audit-verify.command';
import { createSuperadminCommand } from './create-superadmin.command';
import { keysReencryptCommand } from './keys-reencrypt.command';
import { migrateCommand } from './migrate.command';
import { openapiCommand } from './openapi.command';
import { seedDemoCommand } from './seed-demo.command';

/** Every operator command; `npm run cli -- help` lists them. */
export const COMMANDS: readonly Command[] = [
  migrateCommand,
  seedDemoCommand,
  createSuperadminCommand,
  auditVerifyCommand,
  keysReencryptCommand,
  openapiCommand,
];
