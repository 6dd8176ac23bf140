import { Injectable, Logger } from '@nestjs/common';
import { serializeError } from '@app/platform';

/** Phrases of an org (or, `orgId` null, the platform-wide ones every org sees) changed. */
export interface PhraseChange {
  orgId: string | null;
}

export type PhraseListener = (change: PhraseChange) => void | Promise<void>;

/**
 * The hook a phrase cache (the live detector's compiled sets) uses to drop stale entries: listeners
 * run after the change committed (never for a rolled-back one). A failing listener is logged and
 * does not fail the request; caches still expire on their own TTL, so a missed event heals.
 */
@Injectable()
export class EmergencyPhraseEvents {
  private readonly logger = new Logger('EmergencyPhraseEvents');
  private readonly listeners: PhraseListener[] = [];

  onChange(listener: PhraseListener): void {
    this.listeners.push(listener);
  }

  async emit(change: PhraseChange): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(change);
      } catch (err) {
        this.logger.error({ err: serializeError(err), platform: change.orgId === null }, 'emergency phrase listener failed');
      }
    }
  }
}
