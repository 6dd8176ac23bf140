import { analyzeMedical, COGNITIVE_WEIGHTS, INSUFFICIENT_DATA_WARNING } from './medical-analyzer';
import type { AnalyzedConversation } from './text-tools';

/** A call alternating Bianca (even lines) and the patient (odd lines). */
function call(id: string, lines: string[]): AnalyzedConversation {
  return {
    id,
    startTime: new Date('2025-03-01T10:00:00Z'),
    messages: lines.map((content, i) => ({ role: i % 2 ? 'patient' : 'assistant', content })),
  };
}

const CONFUSED = call('c1', [
  'Hello, how are you today?',
  'Um, I went to the, uh, the thing. What day is it? I forget the word for it, you know. What is it called again?',
  'Did you have lunch?',
  'Um, uh, I think so. Like I said, the stuff was there. What day is it today?',
]);

describe('analyzeMedical (local, patient utterances only)', () => {
  it('scores cognitive markers with the inventory weights', () => {
    const result = analyzeMedical([CONFUSED]);
    const c = result.cognitiveMetrics;
    expect(result).toMatchObject({ conversationCount: 1, messageCount: 2, totalWords: 42, confidence: 'low' });
    // 6 fillers (um ×2, uh ×2, you know, like) and 2 vague words (thing, stuff) in 42 words.
    expect(c.fillerWordDensity).toBe(0.1429);
    expect(c.vagueReferenceDensity).toBe(0.0476);
    // "what day is it" ×2 and "is it today"; "the word for" and "what is it called".
    expect(c.temporalConfusionCount).toBe(3);
    expect(c.wordFindingDifficultyCount).toBe(2);
    expect(c.repetitionScore).toBe(16.67);
    // 100×0.15 + 47.6×0.20 + 30×0.25 + 30×0.25 + 16.67×0.15
    const expected = 100 * COGNITIVE_WEIGHTS.fillerWords + 47.6 * 0.2 + 30 * 0.25 + 30 * 0.25 + 16.67 * 0.15;
    expect(c.riskScore).toBeCloseTo(expected, 1);
    expect(c.indicators.map((i) => i.type)).toEqual([
      'filler_words',
      'vague_references',
      'temporal_confusion',
      'word_finding',
      'information_density',
    ]);
    expect(result.recommendations.map((r) => r.title)).toEqual(['Monitor Speech Fluency']);
  });

  it('ignores what Bianca says: the same words in assistant lines score nothing', () => {
    const assistantOnly: AnalyzedConversation = {
      id: 'c2',
      startTime: new Date(),
      messages: CONFUSED.messages.map((m) => ({ ...m, role: 'assistant' })),
    };
    const result = analyzeMedical([assistantOnly]);
    expect(result.messageCount).toBe(0);
    expect(result.cognitiveMetrics.riskScore).toBe(0);
    expect(result.warnings).toEqual([INSUFFICIENT_DATA_WARNING]);
  });

  it('flags crisis language, depression and anxiety markers', () => {
    const result = analyzeMedical([
      call('c3', [
        'How are you?',
        'I feel so sad and lonely. There is no point anymore. I want to die. I am worried and anxious all the time and I cannot sleep well at night at all.',
      ]),
    ]);
    const p = result.psychiatricMetrics;
    // depression: sad, lonely (1.0 each) + "no point" (1.5) = 3.5 → ×10; anxiety: worried, anxious = 2 → ×10.
    expect(p.depressionScore).toBe(35);
    expect(p.anxietyScore).toBe(20);
    expect(p.overallRiskScore).toBe(16.5);
    expect(p.emotionalTone).toEqual({ dominantTone: 'negative', negativeRatio: 1 });
    expect(p.crisisIndicators).toEqual({ hasCrisisIndicators: true, crisisCount: 1, crisisWords: ['want to die'], severity: 'critical' });
    expect(result.warnings).toContain('Crisis language detected: immediate follow-up recommended');
    expect(result.recommendations[0]).toMatchObject({ title: 'Immediate Mental Health Support Needed', severity: 'critical', priority: 0 });
    // 100 − min(cog×0.3, 30) − 35×0.2 − 20×0.15 − 25 (crisis)
    expect(result.timeSeriesData.overallHealthScore).toBeCloseTo(100 - result.cognitiveMetrics.riskScore * 0.3 - 7 - 3 - 25, 1);
  });

  it('counts protective factors and a positive tone', () => {
    const result = analyzeMedical([
      call('c4', [
        'What did you do this week?',
        'My daughter visited me on Sunday and we did some gardening together. I am looking forward to church next week, it was a wonderful and happy time.',
      ]),
    ]);
    expect(result.psychiatricMetrics.emotionalTone).toEqual({ dominantTone: 'positive', negativeRatio: 0 });
    // daughter, visited me, gardening, looking forward, church, next week
    expect(result.psychiatricMetrics.protectiveFactors).toBe(6);
    expect(result.psychiatricMetrics.protectiveFactorCategories).toEqual(['coping', 'support', 'hope']);
    expect(result.psychiatricMetrics.depressionScore).toBe(0);
    expect(result.psychiatricMetrics.crisisIndicators.hasCrisisIndicators).toBe(false);
  });

  it('computes vocabulary metrics (type-token ratio, word and sentence length, complexity)', () => {
    const line = 'Yesterday I baked bread for the neighbours. The bread was warm and everybody enjoyed it very much indeed.';
    const result = analyzeMedical([call('c5', ['Tell me about your day.', line])]);
    const v = result.vocabularyMetrics;
    // 18 tokens, 16 distinct ("bread" and "the" repeat), 2 sentences.
    expect(v.totalWords).toBe(18);
    expect(v.typeTokenRatio).toBe(0.8889);
    expect(v.avgSentenceLength).toBe(9);
    expect(v.avgWordLength).toBeCloseTo(line.replace(/[^A-Za-z]/g, '').length / 18, 2);
    expect(v.complexityScore).toBeCloseTo(0.4 * 100 + 0.3 * Math.min(v.avgWordLength * 10, 100) + 0.3 * 18, 1);
  });

  it('warns when vocabulary diversity dropped by more than 20% against the previous result', () => {
    const result = analyzeMedical([CONFUSED], { typeTokenRatio: 0.9, avgSentenceLength: 6 });
    expect(result.warnings).toContain('Vocabulary diversity dropped by more than 20% since the previous analysis');
    expect(result.warnings).not.toContain('Average sentence length dropped by more than 30% since the previous analysis');
  });

  it('answers default metrics with confidence none when there are no conversations', () => {
    const result = analyzeMedical([]);
    expect(result).toMatchObject({ conversationCount: 0, confidence: 'none', warnings: ['No conversations found for analysis period'] });
    expect(result.cognitiveMetrics.riskScore).toBe(0);
    expect(result.timeSeriesData.overallHealthScore).toBe(100);
  });
});
