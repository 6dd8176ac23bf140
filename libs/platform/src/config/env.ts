/**
 * The only place in the code base that reads `process.env` (enforced by ESLint). Everything else
 * receives a validated `AppConfig`.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export function readProcessEnv(): Env {
  return { ...process.env };
}
