import { Injectable, Logger } from '@nestjs/common';
import { serializeError } from '@app/platform';

export interface ScheduleChange {
  type: 'created' | 'updated' | 'deleted';
  scheduleId: string;
  orgId: string;
  patientId: string;
}

export type ScheduleListener = (change: ScheduleChange) => void | Promise<void>;

/**
 * The hook the call dispatcher uses to (re)register its BullMQ job schedulers: listeners run after
 * the change committed (never for a rolled-back one), with ids only. A failing listener is logged
 * and does not fail the request; the dispatcher must also reconcile from `ScheduleService.dueSlots`
 * on start, so a missed event is repaired.
 */
@Injectable()
export class ScheduleEvents {
  private readonly logger = new Logger('ScheduleEvents');
  private readonly listeners: ScheduleListener[] = [];

  onChange(listener: ScheduleListener): void {
    this.listeners.push(listener);
  }

  async emit(changes: ScheduleChange[]): Promise<void> {
    for (const change of changes) {
      for (const listener of this.listeners) {
        try {
          await listener(change);
        } catch (err) {
          this.logger.error({ err: serializeError(err), scheduleId: change.scheduleId, type: change.type }, 'schedule listener failed');
        }
      }
    }
  }
}
