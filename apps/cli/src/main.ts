import 'reflect-metadata';
import { readProcessEnv } from '@app/platform';
import { runCli } from './cli';

runCli(process.argv.slice(2), readProcessEnv(), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err: unknown) => {
    process.stderr.write(`cli crashed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
