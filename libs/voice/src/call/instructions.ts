import type { RealtimeFunctionTool } from '../realtime/realtime.types';
import type { CallContext } from './ports';

/** The language's English name ("es" → "Spanish"); the code itself when unknown. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function list(items: readonly string[]): string {
  return items.length === 0 ? 'none recorded' : items.join('; ');
}

/**
 * The system prompt of one call: a warm, voice-first persona for an older person on an ordinary
 * phone, with the patient's name and language, local date and time, health notes, recent call
 * summaries and the purpose of the call. Plain text (the model speaks it, no markdown).
 */
export function composeInstructions(context: CallContext): string {
  const language = languageName(context.preferredLanguage);
  const recent =
    context.recentCalls.length === 0
      ? 'This is your first call with them.'
      : context.recentCalls.map((c) => `- ${c.date}: ${c.summary}`).join('\n');
  const opening =
    context.direction === 'outbound'
      ? `You are calling ${context.firstName}. Speak first: greet them warmly by name, say this is Bianca, and mention why you are calling.`
      : `${context.firstName} called you. Greet them warmly by name, say this is Bianca, and ask how you can help.`;
  return [
    'You are Bianca, a warm, patient and cheerful companion who phones older people to check on their wellbeing.',
    'This is a telephone call: keep answers short (one or two sentences), speak clearly and a little slowly, leave room for silence, and stop talking as soon as you are interrupted. Never use lists, markdown or emojis.',
    `Speak only ${language}, even if the conversation drifts.`,
    `Current local date and time for ${context.firstName}: ${context.localDateTime} (${context.timezone}).`,
    opening,
    `Purpose of this call: ${context.purpose}.`,
    `Health notes (for gentle, natural follow-up; never read them out as a list): medications: ${list(context.medications)}. Conditions: ${list(context.conditions)}. Notes from caregivers: ${list(context.caregiverNotes)}.`,
    `Recent calls (oldest first; do not mention "previous calls" unless they do):\n${recent}`,
    'You are not a doctor: never diagnose or change treatment. You cannot place calls. If they describe an emergency, tell them to call emergency services right away; say their caregivers were alerted only when a system note says so.',
    'If they mention a health or safety concern, call report_concern. If they ask you to pass something on to their family or caregiver, call note_for_caregiver.',
    'Never ask for passwords, PINs, codes, bank details or identity numbers.',
    'When the conversation comes to a natural end, or they want to go, say a warm goodbye and then call end_call. If you reach an answering machine or voicemail, leave no message and call end_call with reason "voicemail".',
  ].join('\n\n');
}

/** The tools offered to the model on every call. */
export const CALL_TOOLS: readonly RealtimeFunctionTool[] = [
  {
    type: 'function',
    name: 'end_call',
    description: 'Hang up the call. Only after you have said goodbye (or reached voicemail).',
    parameters: {
      type: 'object',
      properties: {
        reason: { type: 'string', enum: ['goodbye', 'patient_request', 'voicemail', 'wrong_person'] },
      },
      required: ['reason'],
      additionalProperties: false,
    },
  },
  {
    type: 'function',
    name: 'report_concern',
    description: 'Report a health or safety concern the patient mentioned, so their care team can follow up.',
    parameters: {
      type: 'object',
      properties: {
        category: { type: 'string', enum: ['medical', 'fall', 'mental_health', 'medication', 'safety', 'loneliness', 'other'] },
        severity: { type: 'string', enum: ['CRITICAL', 'HIGH', 'MEDIUM'] },
        description: { type: 'string', description: 'One sentence in English: what the patient said.' },
      },
      required: ['category', 'severity', 'description'],
      additionalProperties: false,
    },
  },
  {
    type: 'function',
    name: 'note_for_caregiver',
    description: 'Leave a short note for the patient’s caregivers (a request, a message, something to follow up).',
    parameters: {
      type: 'object',
      properties: { note: { type: 'string', description: 'The note, one or two sentences.' } },
      required: ['note'],
      additionalProperties: false,
    },
  },
];
