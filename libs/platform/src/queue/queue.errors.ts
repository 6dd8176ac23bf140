/** Startup refuses to run with a job nobody handles, or two handlers for one job. */
export class JobWiringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobWiringError';
  }
}
