/**
 * Small text helpers shared by the local analyzers: tokenising, sentence splitting and phrase
 * counting with word boundaries. Pure and synchronous; inputs are patient utterances (PHI), so
 * nothing here logs.
 */

/** One message of a transcript as the analyzers see it. */
export interface TranscriptMessage {
  role: string;
  content: string;
  createdAt?: Date;
  conversationId?: string;
}

/** A conversation handed to the pattern analyzers (patient utterances are picked out inside). */
export interface AnalyzedConversation {
  id: string;
  startTime: Date;
  messages: TranscriptMessage[];
}

const WORD = /[\p{L}][\p{L}'’-]*/gu;

/** Lower-case word tokens (letters, inner apostrophes and hyphens). */
export function words(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map((w) => w.replace(/’/g, "'"));
}

/** Sentences split on terminal punctuation (a text without any is one sentence). */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => words(s).length > 0);
}

function escape(phrase: string): string {
  return phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A case-insensitive matcher for a phrase on word boundaries (`i'm` also matches `i’m`). */
export function phraseRegex(phrase: string): RegExp {
  const body = escape(phrase.toLowerCase()).replace(/'/g, "['’]").replace(/\s+/g, '\\s+');
  return new RegExp(`(?<![\\p{L}])${body}(?![\\p{L}])`, 'giu');
}

export interface PhraseHits {
  count: number;
  /** Distinct phrases found, in list order. */
  found: string[];
}

/** Occurrences of each phrase in `text` (word-bounded, case-insensitive). */
export function countPhrases(text: string, phrases: readonly string[]): PhraseHits {
  let count = 0;
  const found: string[] = [];
  for (const phrase of phrases) {
    const n = (text.match(phraseRegex(phrase)) ?? []).length;
    if (n > 0) {
      count += n;
      found.push(phrase);
    }
  }
  return { count, found };
}

/** Occurrences of regular expressions (each must carry the `g` flag). */
export function countPatterns(text: string, patterns: readonly RegExp[]): PhraseHits {
  let count = 0;
  const found: string[] = [];
  for (const pattern of patterns) {
    const matches = text.match(pattern) ?? [];
    if (matches.length > 0) {
      count += matches.length;
      found.push(...matches.map((m) => m.toLowerCase().trim()));
    }
  }
  return { count, found: [...new Set(found)] };
}

/** The patient's own utterances, in order (assistant/system lines never count toward scores). */
export function patientMessages(conversations: readonly AnalyzedConversation[]): TranscriptMessage[] {
  return conversations.flatMap((c) =>
    c.messages.filter((m) => m.role === 'patient' && m.content.trim().length > 0).map((m) => ({ ...m, conversationId: c.id })),
  );
}

export const clamp = (value: number, min = 0, max = 100): number => Math.min(Math.max(value, min), max);
export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export type Confidence = 'none' | 'low' | 'medium' | 'high';

/** Inventory §8.2: low if <500 chars or <3 conversations; medium if <2000 chars or <10; else high. */
export function confidenceOf(chars: number, conversationCount: number): Confidence {
  if (conversationCount === 0 || chars === 0) return 'none';
  if (chars < 500 || conversationCount < 3) return 'low';
  if (chars < 2000 || conversationCount < 10) return 'medium';
  return 'high';
}
