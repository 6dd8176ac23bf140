import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is acting; filled in by the authentication guard (identity) or a job's payload. */
export interface Actor {
  id: string;
  role: string;
  orgId: string | null;
}

/**
 * What travels with a unit of work (HTTP request, socket event, job) so logs and audit entries
 * join across async boundaries. Never holds PHI.
 */
export interface ContextData {
  requestId: string;
  ip?: string;
  userAgent?: string;
  actor?: Actor;
}

const storage = new AsyncLocalStorage<ContextData>();

export const RequestContext = {
  run<T>(data: ContextData, fn: () => T): T {
    return storage.run(data, fn);
  },
  current(): ContextData | undefined {
    return storage.getStore();
  },
  /** The serialisable part that job payloads carry. */
  snapshot(): ContextData | undefined {
    const current = storage.getStore();
    return current ? { ...current, actor: current.actor ? { ...current.actor } : undefined } : undefined;
  },
};
