import { Injectable } from '@nestjs/common';
import { CRISIS_PHRASES, NEGATIONS, NEGATIVE_WORDS, POSITIVE_WORDS, STOP_WORDS } from './lexicon';
import type {
  ConcernLevel,
  OverallSentiment,
  SentimentAnalysis,
  TextAnalysisInput,
  TextAnalysisResult,
  TextAnalyzer,
} from './text-analyzer';
import { clamp, countPhrases, round, sentences, words } from './text-tools';

const POSITIVE = new Set<string>(POSITIVE_WORDS);
const NEGATIVE = new Set<string>(NEGATIVE_WORDS);
const NEGATING = new Set<string>(NEGATIONS);
export const SUMMARY_MAX_CHARS = 500;
export const NO_PATIENT_SPEECH = 'No patient speech was recorded in this call.';

/** Keyword sentiment of patient utterances (a negation within two words flips a word's polarity). */
export function keywordSentiment(patientText: string): SentimentAnalysis {
  const tokens = words(patientText);
  const positive: string[] = [];
  const negative: string[] = [];
  tokens.forEach((token, i) => {
    const polarity = POSITIVE.has(token) ? 1 : NEGATIVE.has(token) ? -1 : 0;
    if (polarity === 0) return;
    const negated = NEGATING.has(tokens[i - 1] ?? '') || NEGATING.has(tokens[i - 2] ?? '');
    const effective = negated ? -polarity : polarity;
    (effective > 0 ? positive : negative).push(negated ? `not ${token}` : token);
  });
  const pos = positive.length;
  const neg = negative.length;
  const score = pos + neg > 0 ? round((pos - neg) / (pos + neg)) : 0;
  const crisis = countPhrases(patientText, CRISIS_PHRASES).count > 0;
  let overall: OverallSentiment = 'neutral';
  if (score > 0.2) overall = 'positive';
  else if (score < -0.2) overall = 'negative';
  else if (pos > 0 && neg > 0) overall = 'mixed';
  const concernLevel: ConcernLevel = crisis || (overall === 'negative' && neg >= 4) ? 'high' : overall === 'negative' ? 'medium' : 'low';
  const top = (list: string[]): string[] => [...new Set(list)].slice(0, 5);
  return {
    overallSentiment: overall,
    sentimentScore: clamp(score, -1, 1),
    // A keyword count never claims high confidence.
    confidence: round(Math.min(0.7, 0.3 + 0.05 * (pos + neg))),
    patientMood: overall === 'neutral' ? 'neutral' : `generally ${overall}`,
    keyEmotions: top([...positive, ...negative].filter((w) => !w.startsWith('not '))),
    concernLevel,
    satisfactionIndicators: { positive: top(positive), negative: top(negative) },
    summary: `Keyword estimate: ${pos} positive and ${neg} negative expressions from the patient.`,
    recommendations:
      concernLevel === 'high'
        ? 'Contact the patient soon and review this call with the care team.'
        : concernLevel === 'medium'
          ? 'Check in with the patient about how they are feeling.'
          : 'No follow-up needed beyond the usual calls.',
    fallback: true,
  };
}

/**
 * Extractive summary: the patient's most informative sentences (content words, with emotion and
 * crisis words weighted up), in call order, up to SUMMARY_MAX_CHARS.
 */
export function extractiveSummary(patientUtterances: string[], maxSentences = 3): string {
  const all = patientUtterances.flatMap((u) => sentences(u));
  if (all.length === 0) return NO_PATIENT_SPEECH;
  const scored = all.map((s, index) => {
    const t = words(s);
    const content = t.filter((w) => w.length > 3 && !STOP_WORDS.has(w)).length;
    const emotional = t.filter((w) => POSITIVE.has(w) || NEGATIVE.has(w)).length;
    const crisis = countPhrases(s, CRISIS_PHRASES).count;
    return { s, index, score: content + 2 * emotional + 5 * crisis };
  });
  // Greetings and one-word answers carry nothing; keep them only when nothing else was said.
  const informative = scored.filter((x) => x.score > 0);
  const chosen = [...(informative.length > 0 ? informative : scored)]
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, maxSentences)
    .sort((a, b) => a.index - b.index);
  let out = '';
  for (const { s } of chosen) {
    const next = out ? `${out} ${s}` : s;
    if (next.length > SUMMARY_MAX_CHARS) break;
    out = next;
  }
  return `Patient said: ${out || chosen[0].s.slice(0, SUMMARY_MAX_CHARS)}`;
}

/** The local driver: no network, deterministic, always `fallback: true`. */
@Injectable()
export class LocalTextAnalyzer implements TextAnalyzer {
  async analyze(input: TextAnalysisInput): Promise<TextAnalysisResult> {
    const utterances = input.messages.filter((m) => m.role === 'patient').map((m) => m.content);
    return {
      sentiment: keywordSentiment(utterances.join('\n')),
      summary: extractiveSummary(utterances),
      provider: 'local',
      model: null,
    };
  }
}
