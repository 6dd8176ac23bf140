/**
 * Polls `probe` until it returns a value other than `undefined` or `false`, and resolves with it;
 * fails naming `what` after `timeoutMs` (default 15 s). For conditions reached by another
 * process or socket (a call that ends, a job that runs), never for timing assertions.
 */
export async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what = 'the condition',
  options: number | { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 25 } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
