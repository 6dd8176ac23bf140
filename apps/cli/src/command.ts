import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '@app/platform';

/** What a command gets: validated config, its arguments, an output channel, and the app on demand. */
export interface CommandContext {
  config: AppConfig;
  args: string[];
  out: (line: string) => void;
  err: (line: string) => void;
  /** Boots the application context (database, Redis, domain services); closed by the runner. */
  app(): Promise<INestApplicationContext>;
}

export interface Command {
  name: string;
  summary: string;
  usage?: string;
  /** Returns the process exit code: 0 ok, 1 failure, 2 usage error. */
  run(ctx: CommandContext): Promise<number>;
}

/** Parses `--name value` and `--name=value` flags; positional arguments are returned separately. */
export function parseFlags(args: string[]): { flags: Record<string, string | true>; positional: string[] } {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) flags[name] = inline;
    else if (args[i + 1] !== undefined && !args[i + 1].startsWith('--')) flags[name] = args[++i];
    else flags[name] = true;
  }
  return { flags, positional };
}
