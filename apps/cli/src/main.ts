import 'reflect-metadata';
import { readProcessEnv } from '@app/platform';
import { runCli } from './cli';

runCli(process.argv.slice(2), readProcessEnv(), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
})
  // Exit explicitly: a command whose boot failed half-way may leave connections open, and an
  // operator's shell must get its prompt (and the exit code) back.
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    process.stderr.write(`cli crashed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
