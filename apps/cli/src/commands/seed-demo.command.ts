import { OrgService } from '@app/orgs';
import type { Command } from '../command';

export const DEMO_ORG_NAME = 'Sunrise Care (demo)';

/**
 * Demo data for a fresh install: safe to run twice (finds what exists before creating). Later
 * domains extend it with demo caregivers, patients and schedules.
 */
export const seedDemoCommand: Command = {
  name: 'seed:demo',
  summary: 'Create a demo organisation (idempotent) so the API can be explored',
  async run({ app, out }) {
    const context = await app();
    const orgs = context.get(OrgService);
    const existing = await orgs.findByName(DEMO_ORG_NAME);
    const org = existing ?? (await orgs.create({ name: DEMO_ORG_NAME, timezone: 'America/New_York' }));
    out(existing ? `Demo org already present: ${org.id}` : `Created demo org ${org.id} (${org.timezone})`);
    return 0;
  },
};
