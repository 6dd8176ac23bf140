import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '@apps/server';
import { AppConfig, ConfigError, DomainError, loadConfig, type Env } from '@app/platform';
import type { Command, CommandContext } from './command';
import { COMMANDS } from './commands';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

function usage(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: npm run cli -- <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  Show this list`,
  ].join('\n');
}

/**
 * Runs one operator command and returns its exit code: 0 success, 1 failure, 2 usage error,
 * 78 invalid configuration. The application context is booted only for commands that ask for it
 * (no workers, no socket gateway) and always closed.
 */
export async function runCli(argv: string[], env: Env, io: CliIo, commands: readonly Command[] = COMMANDS): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage(commands));
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`Unknown command "${name}".\n\n${usage(commands)}`);
    return 2;
  }
  let config: AppConfig;
  try {
    // Operator commands never run workers or the socket gateway of the server process.
    const loaded = loadConfig(env);
    config = new AppConfig({ ...loaded, roles: new Set() });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 78;
    }
    throw err;
  }

  let context: INestApplicationContext | undefined;
  const ctx: CommandContext = {
    config,
    args,
    out: io.out,
    err: io.err,
    app: async () => {
      context ??= await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false, abortOnError: false });
      return context;
    },
  };
  try {
    return await command.run(ctx);
  } catch (err) {
    const message = err instanceof DomainError || err instanceof Error ? err.message : String(err);
    io.err(`${command.name} failed: ${message}`);
    return 1;
  } finally {
    await context?.close();
  }
}
