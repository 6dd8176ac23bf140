import type { CallEndReason, CallOutcome as SessionOutcome } from '@app/voice';

/** Socket.io events of calls (ids, statuses and — to allowed caregivers only — transcript text). */
declare module '@app/platform' {
  interface RealtimeEvents {
    /** To the org room: no PHI. */
    'call.status': {
      conversationId: string;
      patientId: string;
      status: 'initiated' | 'ringing' | 'answered' | 'ended';
      callStatus: string;
      outcome?: SessionOutcome;
      reason?: CallEndReason;
      at: string;
    };
    /** To the patient's caregivers and the org's admins (user rooms): transcript text is PHI. */
    'call.transcript': {
      conversationId: string;
      patientId: string;
      seq: number;
      role: 'patient' | 'assistant' | 'system';
      text: string;
      final: boolean;
      itemId?: string;
      offsetMs: number;
    };
    /** To the patient's caregivers and the org's admins: a new (or escalated) alert. */
    'alert.created': {
      alertId: string;
      patientId: string;
      conversationId: string | null;
      category: string;
      severity: string;
      escalated: boolean;
      at: string;
    };
  }
}

export {};
