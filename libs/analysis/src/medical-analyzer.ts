import {
  ANXIETY_MARKERS,
  CRISIS_PHRASES,
  DEPRESSION_MARKERS,
  FILLER_WORDS,
  GENERAL_MARKERS,
  NEGATIVE_WORDS,
  POSITIVE_WORDS,
  PROTECTIVE_FACTORS,
  SELF_REPETITION,
  STOP_WORDS,
  TEMPORAL_CONFUSION,
  VAGUE_REFERENCES,
  WORD_FINDING,
} from './lexicon';
import {
  clamp,
  confidenceOf,
  countPhrases,
  patientMessages,
  round,
  sentences,
  words,
  type AnalyzedConversation,
  type Confidence,
} from './text-tools';

/**
 * Local (non-LLM) medical pattern analysis of the patient's own utterances (inventory §8.2):
 * cognitive markers, psychiatric markers and vocabulary. Screening signals for caregivers, not a
 * diagnosis. Pure: same transcript in, same numbers out.
 */

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type EmotionalTone = 'positive' | 'negative' | 'neutral' | 'mixed';

export interface Indicator {
  type: string;
  severity: Severity;
  message: string;
}

export interface CognitiveMetrics {
  riskScore: number;
  confidence: Confidence;
  fillerWordDensity: number;
  vagueReferenceDensity: number;
  temporalConfusionCount: number;
  wordFindingDifficultyCount: number;
  repetitionScore: number;
  informationDensity: number;
  indicators: Indicator[];
}

export interface PsychiatricMetrics {
  depressionScore: number;
  anxietyScore: number;
  generalScore: number;
  overallRiskScore: number;
  /** The client reads `emotionalTone.dominantTone`; `negativeRatio` = negative / emotion words. */
  emotionalTone: { dominantTone: EmotionalTone; negativeRatio: number };
  /** How many protective-factor expressions (coping, support, hope, self-care) were found. */
  protectiveFactors: number;
  protectiveFactorCategories: string[];
  crisisIndicators: { hasCrisisIndicators: boolean; crisisCount: number; crisisWords: string[]; severity: 'none' | 'critical' };
  indicators: Indicator[];
}

export interface VocabularyMetrics {
  uniqueWords: number;
  totalWords: number;
  typeTokenRatio: number;
  avgWordLength: number;
  avgSentenceLength: number;
  complexityScore: number;
}

export interface AnalysisRecommendation {
  category: 'cognitive' | 'psychiatric' | 'vocabulary' | 'baseline' | 'general';
  severity: Severity;
  title: string;
  description: string;
  priority: 0 | 1 | 2 | 3;
  actionRequired: boolean;
}

export interface MedicalAnalysisResult {
  conversationCount: number;
  messageCount: number;
  totalWords: number;
  confidence: Confidence;
  cognitiveMetrics: CognitiveMetrics;
  psychiatricMetrics: PsychiatricMetrics;
  vocabularyMetrics: VocabularyMetrics;
  warnings: string[];
  recommendations: AnalysisRecommendation[];
  timeSeriesData: { cognitiveScore: number; mentalHealthScore: number; languageScore: number; overallHealthScore: number };
}

/** The previous stored result, for change warnings (TTR drop >20 %, sentence length drop >30 %). */
export interface MedicalBaseline {
  typeTokenRatio: number;
  avgSentenceLength: number;
}

export const COGNITIVE_WEIGHTS = { fillerWords: 0.15, vagueReferences: 0.2, temporalConfusion: 0.25, wordFinding: 0.25, repetition: 0.15 };
/**
 * Densities (0..1) become 0..100 component scores by ×1000, capped: 10 % filler words score 100.
 * (×100 would make fillers irrelevant; ×10000 saturates at 1 %, i.e. for almost any speech.)
 */
export const DENSITY_SCALE = 1000;
export const MIN_TEXT_CHARS = 100;
export const INSUFFICIENT_DATA_WARNING = 'Insufficient conversation data for reliable analysis';

export function analyzeMedical(conversations: readonly AnalyzedConversation[], baseline?: MedicalBaseline): MedicalAnalysisResult {
  const utterances = patientMessages(conversations).map((m) => m.content);
  const text = utterances.join('\n');
  const tokens = words(text);
  const base = { conversationCount: conversations.length, messageCount: utterances.length, totalWords: tokens.length };
  if (text.length < MIN_TEXT_CHARS) {
    return {
      ...base,
      ...emptyMetrics(conversations.length === 0 ? 'none' : 'low'),
      warnings: [conversations.length === 0 ? 'No conversations found for analysis period' : INSUFFICIENT_DATA_WARNING],
      recommendations: [],
    };
  }
  const confidence = confidenceOf(text.length, conversations.length);
  const cognitiveMetrics = cognitive(utterances, text, tokens, confidence);
  const psychiatricMetrics = psychiatric(text, tokens);
  const vocabularyMetrics = vocabulary(text, tokens);
  const timeSeriesData = healthScores(cognitiveMetrics, psychiatricMetrics, vocabularyMetrics);
  return {
    ...base,
    confidence,
    cognitiveMetrics,
    psychiatricMetrics,
    vocabularyMetrics,
    timeSeriesData,
    warnings: warningsOf(cognitiveMetrics, psychiatricMetrics, vocabularyMetrics, baseline),
    recommendations: recommendationsOf(cognitiveMetrics, psychiatricMetrics, vocabularyMetrics),
  };
}

function emptyMetrics(
  confidence: Confidence,
): Pick<MedicalAnalysisResult, 'confidence' | 'cognitiveMetrics' | 'psychiatricMetrics' | 'vocabularyMetrics' | 'timeSeriesData'> {
  return {
    confidence,
    cognitiveMetrics: {
      riskScore: 0,
      confidence,
      fillerWordDensity: 0,
      vagueReferenceDensity: 0,
      temporalConfusionCount: 0,
      wordFindingDifficultyCount: 0,
      repetitionScore: 0,
      informationDensity: 0,
      indicators: [],
    },
    psychiatricMetrics: {
      depressionScore: 0,
      anxietyScore: 0,
      generalScore: 0,
      overallRiskScore: 0,
      emotionalTone: { dominantTone: 'neutral', negativeRatio: 0 },
      protectiveFactors: 0,
      protectiveFactorCategories: [],
      crisisIndicators: { hasCrisisIndicators: false, crisisCount: 0, crisisWords: [], severity: 'none' },
      indicators: [],
    },
    vocabularyMetrics: { uniqueWords: 0, totalWords: 0, typeTokenRatio: 0, avgWordLength: 0, avgSentenceLength: 0, complexityScore: 0 },
    timeSeriesData: { cognitiveScore: 0, mentalHealthScore: 0, languageScore: 0, overallHealthScore: 100 },
  };
}

// ---- cognitive ----

function cognitive(utterances: string[], text: string, tokens: string[], confidence: Confidence): CognitiveMetrics {
  const total = Math.max(tokens.length, 1);
  const filler = countPhrases(text, FILLER_WORDS);
  const vague = countPhrases(text, VAGUE_REFERENCES);
  const temporal = countPhrases(text, TEMPORAL_CONFUSION);
  const wordFinding = countPhrases(text, WORD_FINDING);
  const fillerWordDensity = round(filler.count / total, 4);
  const vagueReferenceDensity = round(vague.count / total, 4);
  const repetitionScore = repetition(utterances, text);
  const informationDensity = infoDensity(utterances);
  const w = COGNITIVE_WEIGHTS;
  const riskScore = round(
    clamp(
      clamp(fillerWordDensity * DENSITY_SCALE) * w.fillerWords +
        clamp(vagueReferenceDensity * DENSITY_SCALE) * w.vagueReferences +
        clamp(temporal.count * 10) * w.temporalConfusion +
        clamp(wordFinding.count * 15) * w.wordFinding +
        repetitionScore * w.repetition,
    ),
  );
  const indicators: Indicator[] = [];
  if (fillerWordDensity >= 0.05)
    indicators.push({
      type: 'filler_words',
      severity: fillerWordDensity >= 0.08 ? 'high' : 'medium',
      message: `High filler word usage (${(fillerWordDensity * 100).toFixed(1)}% of words)`,
    });
  if (vagueReferenceDensity >= 0.03)
    indicators.push({
      type: 'vague_references',
      severity: vagueReferenceDensity >= 0.05 ? 'high' : 'medium',
      message: `Frequent vague references (${(vagueReferenceDensity * 100).toFixed(1)}% of words)`,
    });
  if (temporal.count > 0)
    indicators.push({
      type: 'temporal_confusion',
      severity: temporal.count >= 5 ? 'high' : temporal.count >= 3 ? 'medium' : 'low',
      message: `Temporal confusion expressed ${temporal.count} time(s)`,
    });
  if (wordFinding.count > 0)
    indicators.push({
      type: 'word_finding',
      severity: wordFinding.count >= 4 ? 'high' : wordFinding.count >= 2 ? 'medium' : 'low',
      message: `Word-finding difficulty expressed ${wordFinding.count} time(s)`,
    });
  if (repetitionScore >= 20)
    indicators.push({
      type: 'repetition',
      severity: repetitionScore >= 30 ? 'high' : 'medium',
      message: 'Repeated phrases across utterances',
    });
  if (informationDensity < 40)
    indicators.push({
      type: 'information_density',
      severity: informationDensity < 20 ? 'high' : 'medium',
      message: 'Low information density',
    });
  return {
    riskScore,
    confidence,
    fillerWordDensity,
    vagueReferenceDensity,
    temporalConfusionCount: temporal.count,
    wordFindingDifficultyCount: wordFinding.count,
    repetitionScore,
    informationDensity,
    indicators,
  };
}

/** 0..100: share of distinct 3-word phrases used more than once, plus 10 per "like I said". */
function repetition(utterances: string[], text: string): number {
  const counts = new Map<string, number>();
  for (const u of utterances) {
    for (const s of sentences(u)) {
      const t = words(s);
      for (let i = 0; i + 3 <= t.length; i++) {
        const phrase = t.slice(i, i + 3).join(' ');
        if (phrase.length > 10) counts.set(phrase, (counts.get(phrase) ?? 0) + 1);
      }
    }
  }
  const repeated = [...counts.values()].filter((n) => n > 1).length;
  const ratio = counts.size > 0 ? (repeated / counts.size) * 100 : 0;
  return round(clamp(ratio + countPhrases(text, SELF_REPETITION).count * 10));
}

/** 0..100: meaningful words (longer than 3 letters, not fillers or stop words) per sentence ×10. */
function infoDensity(utterances: string[]): number {
  let concepts = 0;
  let sentenceCount = 0;
  for (const u of utterances) {
    sentenceCount += Math.max(sentences(u).length, 1);
    concepts += words(u).filter((w) => w.length > 3 && !STOP_WORDS.has(w) && !(FILLER_WORDS as readonly string[]).includes(w)).length;
  }
  return round(clamp(sentenceCount > 0 ? (concepts / sentenceCount) * 10 : 0));
}

// ---- psychiatric ----

type Markers = Record<string, readonly [number, readonly string[]]>;

function weighted(text: string, markers: Markers): { score: number; hits: Record<string, number> } {
  let sum = 0;
  const hits: Record<string, number> = {};
  for (const [category, [weight, phrases]] of Object.entries(markers)) {
    const { count } = countPhrases(text, phrases);
    if (count > 0) hits[category] = count;
    sum += weight * count;
  }
  return { score: sum, hits };
}

function psychiatric(text: string, tokens: string[]): PsychiatricMetrics {
  const dep = weighted(text, DEPRESSION_MARKERS);
  const anx = weighted(text, ANXIETY_MARKERS);
  const gen = weighted(text, GENERAL_MARKERS);
  const depressionScore = round(clamp(dep.score * 10));
  const anxietyScore = round(clamp(anx.score * 10));
  const generalScore = round(clamp(gen.score * 15));
  const overallRiskScore = round(clamp(0.3 * depressionScore + 0.3 * anxietyScore + 0.4 * generalScore));
  const crisis = countPhrases(text, CRISIS_PHRASES);
  const protective = Object.entries(PROTECTIVE_FACTORS)
    .map(([category, phrases]) => ({ category, count: countPhrases(text, phrases).count }))
    .filter((p) => p.count > 0);
  const protectiveCount = protective.reduce((s, p) => s + p.count, 0);
  const indicators: Indicator[] = [];
  if (depressionScore >= 40)
    indicators.push({ type: 'depression', severity: depressionScore > 70 ? 'high' : 'medium', message: 'Depressive language markers' });
  if (anxietyScore >= 40)
    indicators.push({ type: 'anxiety', severity: anxietyScore > 70 ? 'high' : 'medium', message: 'Anxiety language markers' });
  if (crisis.count > 0) indicators.push({ type: 'crisis', severity: 'critical', message: 'Crisis language detected' });
  const tone = toneOf(tokens);
  if (tone.dominantTone === 'negative')
    indicators.push({ type: 'negative_tone', severity: 'low', message: 'Predominantly negative emotional tone' });
  return {
    depressionScore,
    anxietyScore,
    generalScore,
    overallRiskScore,
    emotionalTone: tone,
    protectiveFactors: protectiveCount,
    protectiveFactorCategories: protective.map((p) => p.category),
    crisisIndicators: {
      hasCrisisIndicators: crisis.count > 0,
      crisisCount: crisis.count,
      crisisWords: crisis.found,
      severity: crisis.count > 0 ? 'critical' : 'none',
    },
    indicators,
  };
}

function toneOf(tokens: string[]): PsychiatricMetrics['emotionalTone'] {
  const pos = tokens.filter((t) => (POSITIVE_WORDS as readonly string[]).includes(t)).length;
  const neg = tokens.filter((t) => (NEGATIVE_WORDS as readonly string[]).includes(t)).length;
  const negativeRatio = pos + neg > 0 ? round(neg / (pos + neg)) : 0;
  let dominantTone: EmotionalTone = pos > neg ? 'positive' : 'negative';
  if (pos === 0 && neg === 0) dominantTone = 'neutral';
  else if (pos > 0 && neg > 0 && Math.abs(pos - neg) / (pos + neg) <= 0.2) dominantTone = 'mixed';
  return { dominantTone, negativeRatio };
}

// ---- vocabulary ----

function vocabulary(text: string, tokens: string[]): VocabularyMetrics {
  const total = tokens.length;
  const distinct = new Set(tokens).size;
  const content = new Set(tokens.filter((t) => t.length > 2 && /^\p{L}+$/u.test(t) && !STOP_WORDS.has(t)));
  const sentenceCount = Math.max(sentences(text).length, 1);
  const typeTokenRatio = round(total > 0 ? distinct / total : 0, 4);
  const avgWordLength = round(total > 0 ? tokens.reduce((s, t) => s + t.length, 0) / total : 0);
  const avgSentenceLength = round(total / sentenceCount);
  const complexityScore = round(0.4 * clamp(typeTokenRatio * 200) + 0.3 * clamp(avgWordLength * 10) + 0.3 * clamp(avgSentenceLength * 2));
  return { uniqueWords: content.size, totalWords: total, typeTokenRatio, avgWordLength, avgSentenceLength, complexityScore };
}

// ---- summary numbers, warnings, recommendations ----

/** The stored time-series numbers; overall = 100 − cognitive/depression/anxiety/crisis penalties. */
export function healthScores(c: CognitiveMetrics, p: PsychiatricMetrics, v: VocabularyMetrics): MedicalAnalysisResult['timeSeriesData'] {
  const overall =
    100 -
    Math.min(c.riskScore * 0.3, 30) -
    Math.min(p.depressionScore * 0.2, 25) -
    Math.min(p.anxietyScore * 0.15, 20) -
    (p.crisisIndicators.hasCrisisIndicators ? 25 : 0);
  return {
    cognitiveScore: c.riskScore,
    mentalHealthScore: p.overallRiskScore,
    languageScore: v.complexityScore,
    overallHealthScore: round(Math.max(overall, 0)),
  };
}

function warningsOf(c: CognitiveMetrics, p: PsychiatricMetrics, v: VocabularyMetrics, baseline?: MedicalBaseline): string[] {
  const warnings: string[] = [];
  if (c.riskScore > 70) warnings.push('High cognitive risk score detected');
  if (p.overallRiskScore > 75) warnings.push('High overall psychiatric risk score detected');
  if (p.depressionScore > 70) warnings.push('Significant depression markers detected');
  if (p.anxietyScore > 70) warnings.push('Significant anxiety markers detected');
  if (p.crisisIndicators.hasCrisisIndicators) warnings.push('Crisis language detected: immediate follow-up recommended');
  if (baseline && baseline.typeTokenRatio > 0 && (baseline.typeTokenRatio - v.typeTokenRatio) / baseline.typeTokenRatio > 0.2)
    warnings.push('Vocabulary diversity dropped by more than 20% since the previous analysis');
  if (baseline && baseline.avgSentenceLength > 0 && (baseline.avgSentenceLength - v.avgSentenceLength) / baseline.avgSentenceLength > 0.3)
    warnings.push('Average sentence length dropped by more than 30% since the previous analysis');
  return warnings;
}

function recommendationsOf(c: CognitiveMetrics, p: PsychiatricMetrics, v: VocabularyMetrics): AnalysisRecommendation[] {
  const out: AnalysisRecommendation[] = [];
  if (p.crisisIndicators.hasCrisisIndicators)
    out.push({
      category: 'psychiatric',
      severity: 'critical',
      title: 'Immediate Mental Health Support Needed',
      description: 'Crisis language was detected. Contact the patient and their care team now.',
      priority: 0,
      actionRequired: true,
    });
  if (c.riskScore > 70)
    out.push({
      category: 'cognitive',
      severity: 'high',
      title: 'Cognitive Assessment Recommended',
      description: 'Speech markers suggest possible cognitive changes; consider a formal assessment.',
      priority: 1,
      actionRequired: true,
    });
  if (p.depressionScore > 70)
    out.push({
      category: 'psychiatric',
      severity: 'high',
      title: 'Depression Screening Recommended',
      description: 'Language markers of low mood were frequent; consider a depression screening.',
      priority: 1,
      actionRequired: true,
    });
  if (c.fillerWordDensity > 0.05)
    out.push({
      category: 'cognitive',
      severity: 'medium',
      title: 'Monitor Speech Fluency',
      description: 'Filler words were frequent; keep monitoring in the next calls.',
      priority: 2,
      actionRequired: false,
    });
  if (v.typeTokenRatio > 0 && v.typeTokenRatio < 0.3)
    out.push({
      category: 'vocabulary',
      severity: 'medium',
      title: 'Monitor Language Use',
      description: 'Vocabulary diversity is low; keep monitoring in the next calls.',
      priority: 2,
      actionRequired: false,
    });
  return out;
}
