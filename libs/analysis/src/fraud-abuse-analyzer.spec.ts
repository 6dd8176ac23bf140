import { analyzeFraudAbuse, overall, THRESHOLDS } from './fraud-abuse-analyzer';
import type { AnalyzedConversation } from './text-tools';

function call(id: string, patientLines: string[]): AnalyzedConversation {
  return {
    id,
    startTime: new Date('2025-03-01T10:00:00Z'),
    messages: patientLines.flatMap((content) => [
      { role: 'assistant', content: 'Tell me more. Did anyone ask you to wire money or buy gift cards?' },
      { role: 'patient', content },
    ]),
  };
}

const SCAM =
  'A nice young man called from the IRS and said I owe $5,000. He wants me to buy gift cards right away and told me not to tell anyone. ' +
  'My new friend needs money too, I sent him money by Western Union.';

describe('analyzeFraudAbuse (local keyword heuristics, patient utterances only)', () => {
  it('scores financial exploitation with the inventory weights', () => {
    const result = analyzeFraudAbuse([call('f1', [SCAM])]);
    const f = result.financialRisk;
    expect(f).toMatchObject({
      largeAmountMentions: 1,
      transferMethodMentions: 2,
      scamIndicatorMentions: 1,
      urgencyMentions: 2,
      helpRequestMentions: 1,
      relationshipMoneyMentions: 1,
      hasEscalation: false,
    });
    // 10×0.25 + 30×0.20 + 12×0.30 + 40×0.15 + 8×0.10 + 20×0.15
    expect(f.riskScore).toBeCloseTo(2.5 + 6 + 3.6 + 6 + 0.8 + 3, 5);
    expect(f.flaggedPhrases).toEqual(expect.arrayContaining(['$5,000', 'western union', 'gift cards', 'irs']));
    // "new friend" and "nice young man": 2 × 8.
    expect(result.relationshipRisk).toMatchObject({ newPeopleCount: 2, riskScore: 16 });
    expect(result.abuseRisk.riskScore).toBe(0);
    // Weighted mean of the non-zero parts: (21.9×0.35 + 16×0.25) / 0.60.
    expect(result.overallRiskScore).toBeCloseTo((21.9 * 0.35 + 16 * 0.25) / 0.6, 1);
    expect(result.warnings).toEqual([]);
  });

  it('does not count the assistant’s questions (the same keywords from Bianca score nothing)', () => {
    const result = analyzeFraudAbuse([
      call('f2', ['I spent the afternoon with my sister and we watched a film about birds. It was a calm and pleasant day.']),
    ]);
    expect(result.financialRisk.transferMethodMentions).toBe(0);
    expect(result.overallRiskScore).toBe(0);
  });

  it('flags abuse and neglect, with warnings and recommendations above the thresholds', () => {
    const lines = [
      'He yelled at me again and pushed me. I have bruises on my arm and I am scared of him.',
      'There is no food in the house and I ran out of pills. He hit me when I asked. He calls me stupid.',
      'I was left alone all weekend. He took my phone so I cannot call anyone. He threatened me.',
    ];
    const result = analyzeFraudAbuse([call('a1', lines)]);
    const a = result.abuseRisk;
    expect(a.physicalAbuseScore).toBeGreaterThanOrEqual(60);
    expect(a.emotionalAbuseScore).toBeGreaterThanOrEqual(36);
    expect(a.neglectScore).toBeGreaterThanOrEqual(36);
    expect(a.riskScore).toBeGreaterThanOrEqual(THRESHOLDS.abuse);
    expect(a.fearMentions).toBe(1);
    expect(result.warnings).toContain('Possible abuse or neglect indicators were mentioned');
    expect(result.recommendations.map((r) => r.category)).toContain('abuse');
  });

  it('relationship risk adds control, isolation and suspicious behaviour, plus 15 for several patterns', () => {
    const result = analyzeFraudAbuse([
      call('r1', [
        'My new friend handles all my money now and he has my bank card. He keeps me from my family.',
        'He wants me to sign papers to change my will. He asked me not to tell my son about it.',
      ]),
    ]);
    const r = result.relationshipRisk;
    expect(r).toMatchObject({ newPeopleCount: 1, controlCount: 2, isolationCount: 1, suspiciousBehaviorCount: 4 });
    // "wants me to sign", "sign papers", "change my will", "asked me not to tell": 4 suspicious.
    // 8 + 12 + min(30, 45) + min(80, 50) + 15 (≥3 patterns) = 115 → capped 100.
    expect(r.riskScore).toBe(100);
    expect(result.warnings).toContain('Concerning relationship patterns (new people, isolation or control) were mentioned');
  });

  it('adds 20 for escalation: later messages mention money transfers much more than earlier ones', () => {
    const lines = [
      'We had soup for lunch and talked about the weather, it was a quiet day at home.',
      'I watched the birds in the garden this morning and then had a short nap.',
      'He wants gift cards again and I sent money by Western Union and then by wire transfer.',
      'Now he says the IRS needs bitcoin and more gift cards, and I must use Zelle and PayPal too.',
    ];
    const f = analyzeFraudAbuse([call('e1', lines)]).financialRisk;
    expect(f.temporalPatterns).toEqual({ hasEscalation: true, trend: 'increasing' });
    expect(f.indicators.map((i) => i.type)).toContain('escalation');
    const without = analyzeFraudAbuse([call('e2', [lines[2], lines[3], lines[0], lines[1]])]).financialRisk;
    expect(without.temporalPatterns.hasEscalation).toBe(false);
    expect(f.riskScore - without.riskScore).toBeCloseTo(20, 5);
  });

  it('overall ignores zero components and is 0 when all are 0', () => {
    expect(overall(0, 0, 0)).toBe(0);
    expect(overall(40, 0, 0)).toBe(40);
    expect(overall(40, 80, 0)).toBeCloseTo((40 * 0.35 + 80 * 0.4) / 0.75, 2);
  });

  it('answers zeros with confidence none without conversations', () => {
    const result = analyzeFraudAbuse([]);
    expect(result).toMatchObject({ conversationCount: 0, overallRiskScore: 0, confidence: 'none' });
    expect(result.financialRisk.riskScore).toBe(0);
  });
});
