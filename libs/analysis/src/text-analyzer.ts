import type { TranscriptMessage } from './text-tools';

/**
 * The text-analysis port: sentiment and a short summary of one call's transcript. Drivers: OpenAI
 * (chat completions with a JSON answer) and a local keyword driver used when no key is configured
 * or the OpenAI call fails (its results carry `fallback: true`).
 */
export const TEXT_ANALYZER = Symbol('TEXT_ANALYZER');

export const SENTIMENTS = ['positive', 'negative', 'neutral', 'mixed'] as const;
export type OverallSentiment = (typeof SENTIMENTS)[number];
export const CONCERN_LEVELS = ['low', 'medium', 'high'] as const;
export type ConcernLevel = (typeof CONCERN_LEVELS)[number];

/** SentimentAnalysis as the client reads it (contract §2.14). */
export interface SentimentAnalysis {
  overallSentiment: OverallSentiment;
  /** −1..1 */
  sentimentScore: number;
  /** 0..1 */
  confidence: number;
  patientMood?: string;
  keyEmotions?: string[];
  concernLevel?: ConcernLevel;
  satisfactionIndicators?: { positive: string[]; negative: string[] };
  summary?: string;
  recommendations?: string;
  fallback: boolean;
}

export interface TextAnalysisInput {
  /** The call in order; `patient` lines are the patient, `assistant` lines Bianca. */
  messages: TranscriptMessage[];
  /** The patient's language (ISO 639-1), a hint for the summary's language. */
  language?: string;
}

export interface TextAnalysisResult {
  sentiment: SentimentAnalysis;
  /** A few sentences about the call, for caregivers (PHI: stored encrypted). */
  summary: string;
  provider: 'openai' | 'local';
  model: string | null;
}

export interface TextAnalyzer {
  analyze(input: TextAnalysisInput): Promise<TextAnalysisResult>;
}
