/**
 * Bounds one shutdown step: a connection stuck reconnecting must not hold the process (and a
 * deploy) hostage. Resolves with 'timeout' instead of rejecting so callers can fall back.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
