import { createSuperadmin } from '@app/auth';
import { parseFlags, type Command } from '../command';

/**
 * Creates a platform superAdmin (verified; must enrol MFA at first login). `--password-stdin`
 * keeps the password out of shell history and process listings.
 */
export const createSuperadminCommand: Command = {
  name: 'create-superadmin',
  summary: 'Create a platform superAdmin account (MFA enrolment is required at first login)',
  usage: 'create-superadmin --email <address> (--password <password> | --password-stdin) [--name <name>]',
  async run({ args, app, out, err }) {
    const { flags } = parseFlags(args);
    const email = typeof flags.email === 'string' ? flags.email : undefined;
    let password = typeof flags.password === 'string' ? flags.password : undefined;
    if (flags['password-stdin'] === true) password = (await readStdin()).replace(/\r?\n$/, '');
    if (!email || !password) {
      err(`Usage: npm run cli -- ${this.usage ?? this.name}`);
      return 2;
    }
    const created = await createSuperadmin(await app(), { email, password, name: typeof flags.name === 'string' ? flags.name : undefined });
    out(`Created superAdmin ${created.email} (${created.id}). MFA enrolment is required at first login.`);
    return 0;
  },
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
