import type { Command } from '../command';
import { auditVerifyCommand } from './audit-verify.command';
import { createSuperadminCommand } from './create-superadmin.command';
import { keysReencryptCommand } from './keys-reencrypt.command';
import { migrateCommand } from './migrate.command';
import { openapiCommand } from './openapi.command';
import { seedDemoCommand } from './seed-demo.command';

/**
 * A scripted demo call against local fakes. Loaded only when run: it needs the development
 * dependencies (the fakes in libs/testing), which a production image does not have.
 */
const simulateCallCommand: Command = {
  name: 'simulate-call',
  summary: 'Run one scripted call end to end against local fakes (no phone or API key) and print transcript, alerts, timings',
  usage: 'npm run cli -- simulate-call [--language en|es] [--calm] [--keep-data]',
  async run(ctx) {
    type Simulation = typeof import('./simulate-call.command.js');
    let simulate: Simulation;
    try {
      // Native import() of our CommonJS output: the exports arrive as `default`.
      const loaded = (await import('./simulate-call.command.js')) as Simulation & { default?: Simulation };
      simulate = loaded.default ?? loaded;
    } catch {
      ctx.err('simulate-call needs the development dependencies (run `npm ci` in a checkout).');
      return 1;
    }
    return simulate.runSimulatedCall(ctx);
  },
};

/** Every operator command; `npm run cli -- help` lists them. */
export const COMMANDS: readonly Command[] = [
  migrateCommand,
  seedDemoCommand,
  createSuperadminCommand,
  auditVerifyCommand,
  keysReencryptCommand,
  openapiCommand,
  simulateCallCommand,
];
