import {
  BASIC_NEEDS,
  EMOTIONAL_ABUSE,
  FEAR_OF_PERSON,
  HELP_REQUESTS,
  INJURY_WORDS,
  LARGE_AMOUNT_PATTERNS,
  MONEY_WORDS,
  NEGLECT,
  NEW_RELATIONSHIP,
  PHYSICAL_ABUSE,
  REL_CONTROL,
  REL_DEPENDENCY,
  REL_ISOLATION,
  REL_NEW_PEOPLE,
  REL_SUSPICIOUS,
  SCAM_INDICATORS,
  TRANSFER_METHODS,
  URGENCY_SECRECY,
} from './lexicon';
import {
  clamp,
  confidenceOf,
  countPatterns,
  countPhrases,
  patientMessages,
  round,
  words,
  type AnalyzedConversation,
  type Confidence,
  type PhraseHits,
  type TranscriptMessage,
} from './text-tools';

/**
 * Local keyword heuristics for financial exploitation, abuse/neglect and relationship patterns
 * (inventory §8.4), over the patient's utterances only. Flags for a caregiver to look into; no
 * alert is raised from these scores.
 */

export interface RiskIndicator {
  type: string;
  severity: 'low' | 'medium' | 'high';
  message: string;
}

export type PatternTrend = 'increasing' | 'decreasing' | 'stable' | 'insufficient_data';

export interface FinancialRisk {
  riskScore: number;
  confidence: Confidence;
  indicators: RiskIndicator[];
  temporalPatterns: { hasEscalation: boolean; trend: PatternTrend };
  largeAmountMentions: number;
  transferMethodMentions: number;
  scamIndicatorMentions: number;
  urgencyMentions: number;
  helpRequestMentions: number;
  relationshipMoneyMentions: number;
  hasEscalation: boolean;
  flaggedPhrases: string[];
}

export interface AbuseRisk {
  riskScore: number;
  confidence: Confidence;
  indicators: RiskIndicator[];
  temporalPatterns: { hasEscalation: boolean; trend: PatternTrend };
  physicalAbuseScore: number;
  emotionalAbuseScore: number;
  neglectScore: number;
  injuryMentions: number;
  fearMentions: number;
  isolationMentions: number;
  basicNeedsMentions: number;
  hasEscalation: boolean;
  flaggedPhrases: string[];
}

export interface RelationshipRisk {
  riskScore: number;
  confidence: Confidence;
  indicators: RiskIndicator[];
  newPeopleCount: number;
  isolationCount: number;
  controlCount: number;
  dependencyCount: number;
  suspiciousBehaviorCount: number;
  temporalChanges: { hasChanges: boolean; hasIsolationIncrease: boolean; hasNewPeopleIncrease: boolean; trend: PatternTrend };
  flaggedPhrases: string[];
  /** Kept for the client's shape; people are not extracted from transcripts (no excerpts stored). */
  flaggedPeople: never[];
  relationshipTimeline: never[];
}

export interface FraudRecommendation {
  category: 'financial' | 'abuse' | 'neglect' | 'relationship' | 'overall';
  priority: 'low' | 'medium' | 'high';
  action: string;
  description: string;
}

export interface FraudAbuseResult {
  conversationCount: number;
  messageCount: number;
  totalWords: number;
  financialRisk: FinancialRisk;
  abuseRisk: AbuseRisk;
  relationshipRisk: RelationshipRisk;
  overallRiskScore: number;
  confidence: Confidence;
  warnings: string[];
  recommendations: FraudRecommendation[];
}

export const OVERALL_WEIGHTS = { financial: 0.35, abuse: 0.4, relationship: 0.25 };
export const THRESHOLDS = { financial: 40, abuse: 40, relationship: 30, overall: 50 };
const MIN_TEXT_CHARS = 100;

export function analyzeFraudAbuse(conversations: readonly AnalyzedConversation[]): FraudAbuseResult {
  const messages = patientMessages(conversations);
  const text = messages.map((m) => m.content).join('\n');
  const base = { conversationCount: conversations.length, messageCount: messages.length, totalWords: words(text).length };
  const enough = text.length >= MIN_TEXT_CHARS;
  const confidence: Confidence = !enough ? (conversations.length === 0 ? 'none' : 'low') : confidenceOf(text.length, conversations.length);
  const input = enough ? { messages, text, confidence } : { messages: [], text: '', confidence };
  const financialRisk = financial(input);
  const abuseRisk = abuse(input);
  const relationshipRisk = relationship(input);
  const overallRiskScore = overall(financialRisk.riskScore, abuseRisk.riskScore, relationshipRisk.riskScore);
  return {
    ...base,
    financialRisk,
    abuseRisk,
    relationshipRisk,
    overallRiskScore,
    confidence,
    ...(enough ? advice(financialRisk, abuseRisk, relationshipRisk, overallRiskScore) : { warnings: [], recommendations: [] }),
  };
}

/** Weighted mean of the non-zero components (a clean area does not dilute a risky one). */
export function overall(financialScore: number, abuseScore: number, relationshipScore: number): number {
  const parts = [
    [financialScore, OVERALL_WEIGHTS.financial],
    [abuseScore, OVERALL_WEIGHTS.abuse],
    [relationshipScore, OVERALL_WEIGHTS.relationship],
  ].filter(([score]) => score > 0);
  const weight = parts.reduce((s, [, w]) => s + w, 0);
  return weight > 0 ? round(clamp(parts.reduce((s, [score, w]) => s + score * w, 0) / weight)) : 0;
}

interface Input {
  messages: TranscriptMessage[];
  text: string;
  confidence: Confidence;
}

/**
 * Escalation: hits in the later half of the messages against the earlier half. Escalating = at
 * least 2 later hits and more than 1.5× the earlier ones (fewer than 4 messages: no trend).
 */
export function temporalPattern(
  messages: TranscriptMessage[],
  count: (text: string) => number,
): { hasEscalation: boolean; trend: PatternTrend } {
  if (messages.length < 4) return { hasEscalation: false, trend: 'insufficient_data' };
  const half = Math.floor(messages.length / 2);
  const early = count(
    messages
      .slice(0, half)
      .map((m) => m.content)
      .join('\n'),
  );
  const late = count(
    messages
      .slice(half)
      .map((m) => m.content)
      .join('\n'),
  );
  const hasEscalation = late >= 2 && late > early * 1.5;
  return { hasEscalation, trend: late > early ? 'increasing' : late < early ? 'decreasing' : 'stable' };
}

function flagged(...hits: PhraseHits[]): string[] {
  return [...new Set(hits.flatMap((h) => h.found))].slice(0, 20);
}

function indicator(type: string, count: number, high: number, message: string): RiskIndicator[] {
  return count > 0 ? [{ type, severity: count >= high ? 'high' : count > 1 ? 'medium' : 'low', message: `${message} (${count})` }] : [];
}

function financial({ messages, text, confidence }: Input): FinancialRisk {
  const large = countPatterns(text, LARGE_AMOUNT_PATTERNS);
  const transfer = countPhrases(text, TRANSFER_METHODS);
  const scam = countPhrases(text, SCAM_INDICATORS);
  const urgency = countPhrases(text, URGENCY_SECRECY);
  const help = countPhrases(text, HELP_REQUESTS);
  const relationshipMoney = messages.filter(
    (m) => countPhrases(m.content, NEW_RELATIONSHIP).count > 0 && countPhrases(m.content, MONEY_WORDS).count > 0,
  ).length;
  const temporalPatterns = temporalPattern(
    messages,
    (t) => countPatterns(t, LARGE_AMOUNT_PATTERNS).count + countPhrases(t, TRANSFER_METHODS).count + countPhrases(t, SCAM_INDICATORS).count,
  );
  const score =
    clamp(large.count * 10) * 0.25 +
    clamp(transfer.count * 15) * 0.2 +
    clamp(scam.count * 12) * 0.3 +
    clamp(urgency.count * 20) * 0.15 +
    clamp(help.count * 8) * 0.1 +
    clamp(relationshipMoney * 20) * 0.15 +
    (temporalPatterns.hasEscalation ? 20 : 0);
  return {
    riskScore: round(clamp(score)),
    confidence,
    indicators: [
      ...indicator('large_amounts', large.count, 3, 'Large amounts of money mentioned'),
      ...indicator('transfer_methods', transfer.count, 3, 'Money transfer methods mentioned'),
      ...indicator('scam_indicators', scam.count, 2, 'Common scam topics mentioned'),
      ...indicator('urgency_language', urgency.count, 2, 'Urgency or secrecy language'),
      ...indicator('help_requests', help.count, 3, 'Requests for money'),
      ...indicator('relationship_money', relationshipMoney, 2, 'Money in connection with a new relationship'),
      ...(temporalPatterns.hasEscalation
        ? [{ type: 'escalation', severity: 'high' as const, message: 'Financial mentions are increasing' }]
        : []),
    ],
    temporalPatterns,
    largeAmountMentions: large.count,
    transferMethodMentions: transfer.count,
    scamIndicatorMentions: scam.count,
    urgencyMentions: urgency.count,
    helpRequestMentions: help.count,
    relationshipMoneyMentions: relationshipMoney,
    hasEscalation: temporalPatterns.hasEscalation,
    flaggedPhrases: flagged(large, transfer, scam, urgency, help),
  };
}

function abuse({ messages, text, confidence }: Input): AbuseRisk {
  const physical = countPhrases(text, PHYSICAL_ABUSE);
  const emotional = countPhrases(text, EMOTIONAL_ABUSE);
  const neglect = countPhrases(text, NEGLECT);
  const physicalAbuseScore = round(clamp(physical.count * 15));
  const emotionalAbuseScore = round(clamp(emotional.count * 12));
  const neglectScore = round(clamp(neglect.count * 12));
  const temporalPatterns = temporalPattern(
    messages,
    (t) => countPhrases(t, PHYSICAL_ABUSE).count + countPhrases(t, EMOTIONAL_ABUSE).count + countPhrases(t, NEGLECT).count,
  );
  const score = physicalAbuseScore * 0.4 + emotionalAbuseScore * 0.35 + neglectScore * 0.25 + (temporalPatterns.hasEscalation ? 15 : 0);
  return {
    riskScore: round(clamp(score)),
    confidence,
    indicators: [
      ...indicator('physical_abuse', physical.count, 2, 'Possible physical abuse mentioned'),
      ...indicator('emotional_abuse', emotional.count, 3, 'Possible emotional abuse mentioned'),
      ...indicator('neglect', neglect.count, 3, 'Possible neglect mentioned'),
      ...(temporalPatterns.hasEscalation
        ? [{ type: 'escalation', severity: 'high' as const, message: 'Abuse mentions are increasing' }]
        : []),
    ],
    temporalPatterns,
    physicalAbuseScore,
    emotionalAbuseScore,
    neglectScore,
    injuryMentions: countPhrases(text, INJURY_WORDS).count,
    fearMentions: countPhrases(text, FEAR_OF_PERSON).count,
    isolationMentions: countPhrases(text, REL_ISOLATION).count,
    basicNeedsMentions: countPhrases(text, BASIC_NEEDS).count,
    hasEscalation: temporalPatterns.hasEscalation,
    flaggedPhrases: flagged(physical, emotional, neglect),
  };
}

function relationship({ messages, text, confidence }: Input): RelationshipRisk {
  const newPeople = countPhrases(text, REL_NEW_PEOPLE);
  const isolation = countPhrases(text, REL_ISOLATION);
  const control = countPhrases(text, REL_CONTROL);
  const dependency = countPhrases(text, REL_DEPENDENCY);
  const suspicious = countPhrases(text, REL_SUSPICIOUS);
  // Early vs late third of the messages (in call order).
  const third = Math.floor(messages.length / 3);
  const early = messages
    .slice(0, third)
    .map((m) => m.content)
    .join('\n');
  const late = messages
    .slice(messages.length - third)
    .map((m) => m.content)
    .join('\n');
  const count = (t: string): number => countPhrases(t, REL_ISOLATION).count + countPhrases(t, REL_NEW_PEOPLE).count;
  const hasIsolationIncrease = third > 0 && countPhrases(late, REL_ISOLATION).count > countPhrases(early, REL_ISOLATION).count + 1;
  const hasNewPeopleIncrease = third > 0 && countPhrases(late, REL_NEW_PEOPLE).count > countPhrases(early, REL_NEW_PEOPLE).count + 1;
  const hasChanges = hasIsolationIncrease || hasNewPeopleIncrease;
  const trend: PatternTrend =
    third === 0 ? 'insufficient_data' : count(late) > count(early) ? 'increasing' : count(late) < count(early) ? 'decreasing' : 'stable';
  const patterns = [newPeople, isolation, control, dependency, suspicious].filter((h) => h.count > 0).length;
  const score =
    Math.min(newPeople.count * 8, 30) +
    Math.min(isolation.count * 12, 40) +
    Math.min(control.count * 15, 45) +
    Math.min(dependency.count * 10, 35) +
    Math.min(suspicious.count * 20, 50) +
    (hasChanges ? 20 : 0) +
    (patterns >= 3 ? 15 : 0);
  return {
    riskScore: round(clamp(score)),
    confidence,
    indicators: [
      ...indicator('new_people', newPeople.count, 3, 'New people mentioned'),
      ...indicator('isolation', isolation.count, 2, 'Isolation mentioned'),
      ...indicator('control', control.count, 2, 'Someone controlling money or decisions'),
      ...indicator('dependency', dependency.count, 3, 'Dependency on one person'),
      ...indicator('suspicious_behavior', suspicious.count, 2, 'Suspicious requests (passwords, papers, wills)'),
      ...(hasChanges
        ? [{ type: 'temporal_changes', severity: 'medium' as const, message: 'Relationship mentions changed over time' }]
        : []),
    ],
    newPeopleCount: newPeople.count,
    isolationCount: isolation.count,
    controlCount: control.count,
    dependencyCount: dependency.count,
    suspiciousBehaviorCount: suspicious.count,
    temporalChanges: { hasChanges, hasIsolationIncrease, hasNewPeopleIncrease, trend },
    flaggedPhrases: flagged(newPeople, isolation, control, dependency, suspicious),
    flaggedPeople: [],
    relationshipTimeline: [],
  };
}

function advice(
  f: FinancialRisk,
  a: AbuseRisk,
  r: RelationshipRisk,
  overallScore: number,
): { warnings: string[]; recommendations: FraudRecommendation[] } {
  const warnings: string[] = [];
  const recommendations: FraudRecommendation[] = [];
  if (f.riskScore >= THRESHOLDS.financial) {
    warnings.push('Possible financial exploitation: money transfers, large amounts or scam language were mentioned');
    recommendations.push({
      category: 'financial',
      priority: f.riskScore >= 70 ? 'high' : 'medium',
      action: 'Review recent financial activity',
      description: 'Talk with the patient about recent payments and requests for money; involve a trusted family member or the bank.',
    });
  }
  if (a.riskScore >= THRESHOLDS.abuse) {
    warnings.push('Possible abuse or neglect indicators were mentioned');
    recommendations.push({
      category: a.neglectScore > a.physicalAbuseScore && a.neglectScore > a.emotionalAbuseScore ? 'neglect' : 'abuse',
      priority: a.riskScore >= 70 ? 'high' : 'medium',
      action: 'Check on the patient’s safety',
      description: 'Arrange a welfare check and follow your organisation’s adult-protection procedure.',
    });
  }
  if (r.riskScore >= THRESHOLDS.relationship) {
    warnings.push('Concerning relationship patterns (new people, isolation or control) were mentioned');
    recommendations.push({
      category: 'relationship',
      priority: r.riskScore >= 60 ? 'high' : 'medium',
      action: 'Learn more about new people in the patient’s life',
      description: 'Ask who the patient has been in contact with and whether anyone controls their money or contacts.',
    });
  }
  if (overallScore >= THRESHOLDS.overall) {
    warnings.push('High overall risk of exploitation or abuse');
    recommendations.push({
      category: 'overall',
      priority: 'high',
      action: 'Escalate to the care team',
      description: 'Several risk areas are elevated; review the recent calls with the care team.',
    });
  }
  return { warnings, recommendations };
}
