import { Injectable } from '@nestjs/common';
import { NotFoundError, type DbOrTx } from '@app/platform';
import { CallDispatchRepository } from './call-dispatch.repository';
import type { CallDispatchRow } from './calls.table';

/** What the call ports need to know about a call id: whose call it is. Ids only. */
export interface CallOwner {
  callId: string;
  orgId: string;
  patientId: string;
  trigger: CallDispatchRow['trigger'];
  scheduleId: string | null;
  slotAt: Date | null;
  attempt: number;
  requestedBy: string | null;
}

/**
 * The owners of live calls, cached for the hot paths (every transcript line and event names its
 * call id) and read from `call_dispatches` on a miss. Forgotten when the call has ended.
 */
@Injectable()
export class CallDirectory {
  private readonly owners = new Map<string, CallOwner>();

  constructor(private readonly dispatches: CallDispatchRepository) {}

  async owner(callId: string, tx?: DbOrTx): Promise<CallOwner> {
    const cached = this.owners.get(callId);
    if (cached) return cached;
    const row = await this.dispatches.find(callId, tx);
    if (!row) throw new NotFoundError('Call not found', 'CallNotFound');
    const owner = ownerOf(row);
    this.owners.set(callId, owner);
    return owner;
  }

  forget(callId: string): void {
    this.owners.delete(callId);
  }
}

export function ownerOf(row: CallDispatchRow): CallOwner {
  return {
    callId: row.id,
    orgId: row.orgId,
    patientId: row.patientId,
    trigger: row.trigger,
    scheduleId: row.scheduleId,
    slotAt: row.slotAt,
    attempt: row.attempt,
    requestedBy: row.requestedBy,
  };
}
