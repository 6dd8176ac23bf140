import type { RiskDetector, RiskSeverity } from '../risk/risk-detector';

/*
 * The ports of a call session: what the voice pipeline needs from the rest of the system, as plain
 * data. Care records (patients, schedules, conversations, emergency) and billing implement them;
 * libs/testing has in-memory versions. No audio ever crosses a port: only context, transcript
 * messages, coarse call events and risk hits.
 */

// ---- context ---------------------------------------------------------------------------------

export type CallDirection = 'outbound' | 'inbound';

/** One earlier call, summarised (oldest first in `recentCalls`). */
export interface RecentCallSummary {
  /** Local date of the call in the org timezone, e.g. "2026-05-12". */
  date: string;
  summary: string;
}

/** Everything the AI needs to know for one call, loaded once before dialling. */
export interface CallContext {
  callId: string;
  patientId: string;
  orgId: string;
  direction: CallDirection;
  /** E.164 number to dial (outbound), or the caller's number (inbound). */
  phoneNumber: string;
  /** Inbound: the provider's handle of the waiting call (see `DialRequest.inboundRef`). */
  inboundRef?: string;
  /** ISO-639-1 ("en", "es", …). */
  preferredLanguage: string;
  firstName: string;
  /** IANA zone of the org (or the patient), e.g. "America/Chicago". */
  timezone: string;
  /** Local date and time at call set-up in `timezone`, human readable, e.g. "Tuesday 12 May 2026, 10:05". */
  localDateTime: string;
  medications: readonly string[];
  conditions: readonly string[];
  caregiverNotes: readonly string[];
  recentCalls: readonly RecentCallSummary[];
  /** Why we call: "daily wellness check", "medication reminder", … */
  purpose: string;
  /** Realtime voice, when the org chose one. */
  voice?: string;
}

/** Loads the context of a call (patient, org, recent summaries) by our call id. */
export interface CallContextSource {
  load(callId: string): Promise<CallContext>;
}

// ---- transcripts -----------------------------------------------------------------------------

export type TranscriptRole = 'patient' | 'assistant' | 'system' | 'tool';

export interface TranscriptMessage {
  callId: string;
  /** Per call, strictly increasing in the order messages were produced. */
  seq: number;
  role: TranscriptRole;
  /** The whole text so far (partials) or the final text. */
  text: string;
  /** When the utterance started, ms from call start (answer); 0 before answer. */
  offsetMs: number;
  /** False for a live partial (superseded by a later message with the same `itemId`). */
  final: boolean;
  /** The Realtime conversation item (utterance) it belongs to: partials and the final share it. */
  itemId?: string;
  /** For `tool` messages: which tool. */
  toolName?: string;
}

/**
 * Appends transcript messages of a call's conversation. The session calls it strictly in `seq`
 * order (one call at a time per session): implementations may simply insert, or upsert partials
 * by `itemId`.
 */
export interface TranscriptSink {
  append(message: TranscriptMessage): Promise<void>;
}

// ---- coarse call events ----------------------------------------------------------------------

export type CallStatus = 'ringing' | 'answered' | 'ended';
export type CallOutcome = 'no_answer' | 'busy' | 'failed' | 'completed' | 'voicemail';

/** Who or what ended the call. */
export type CallEndReason =
  | 'patient_hangup'
  | 'dashboard'
  | 'ai_end_call'
  | 'max_duration'
  | 'silence'
  | 'ai_unavailable'
  | 'no_answer'
  | 'busy'
  | 'telephony_failed'
  | 'media_failed'
  | 'context_failed'
  | 'shutdown'
  /** The carrier's answering-machine detection heard a machine (Twilio AMD). */
  | 'voicemail';

export interface CallUsage {
  /** Caller audio sent to the AI. */
  audioInSeconds: number;
  /** AI audio received for the caller. */
  audioOutSeconds: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Answer → end (0 when never answered). */
  durationSeconds: number;
}

export type CallEvent =
  | { type: 'call.status'; callId: string; status: 'ringing' | 'answered'; at: Date }
  | {
      type: 'call.status';
      callId: string;
      status: 'ended';
      at: Date;
      outcome: CallOutcome;
      reason: CallEndReason;
      /** The call should be retried by a human or the scheduler (e.g. the AI was unreachable). */
      callbackNeeded: boolean;
    }
  | { type: 'call.usage'; callId: string; usage: CallUsage }
  | {
      type: 'call.concern';
      callId: string;
      category: string;
      severity: RiskSeverity;
      /** What the AI reported (report_concern tool): no PHI belongs in logs of it. */
      description: string;
    };

/** Coarse call events (status, usage, concerns). Called in order per session. */
export interface CallEventSink {
  publish(event: CallEvent): Promise<void>;
}

// ---- risk ------------------------------------------------------------------------------------

export interface RiskReport {
  callId: string;
  patientId: string;
  orgId: string;
  /** `detector`: a phrase in the patient's words; `ai`: the AI's report_concern tool. */
  source: 'detector' | 'ai';
  category: string;
  severity: RiskSeverity;
  /** The phrase label ("chest pain") or, for the AI, its short description. */
  phrase: string;
  /** The detector phrase's key (an emergency_phrases id, or a built-in default's key). */
  phraseKey?: string;
  /** The transcript text that matched. */
  matched: string;
  /** The utterance the hit came from (Realtime item id; the transcript messages carry it). */
  messageRef?: string;
  /** Same category within the duplicate window: merge into the open alert, do not notify again. */
  repeat: boolean;
  escalated: boolean;
  occurrences: number;
}

export interface RiskSink {
  report(report: RiskReport): Promise<void>;
}

/**
 * The compiled emergency phrases for an org (built-in defaults plus the `emergency_phrases`
 * table). Cached by the implementation; rebuilt when the phrases change.
 */
export interface RiskDetectorSource {
  detectorFor(orgId: string): RiskDetector | Promise<RiskDetector>;
}

// ---- injection tokens ------------------------------------------------------------------------

export const CALL_CONTEXT_SOURCE = Symbol('CallContextSource');
export const TRANSCRIPT_SINK = Symbol('TranscriptSink');
export const CALL_EVENT_SINK = Symbol('CallEventSink');
export const RISK_SINK = Symbol('RiskSink');
export const RISK_DETECTOR_SOURCE = Symbol('RiskDetectorSource');
