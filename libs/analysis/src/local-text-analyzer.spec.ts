import { extractiveSummary, keywordSentiment, LocalTextAnalyzer, NO_PATIENT_SPEECH } from './local-text-analyzer';
import { parseAnalysisAnswer, TextAnalysisResponseError, transcriptOf } from './openai-text-analyzer';
import { sentimentDirection, summarizeSentiment } from './sentiment-trend';

describe('local text analyzer', () => {
  it('scores positive speech, with a negation flipping polarity', () => {
    const s = keywordSentiment('I had a wonderful day, the garden is lovely. I am not sad at all.');
    expect(s).toMatchObject({ overallSentiment: 'positive', sentimentScore: 1, confidence: 0.45, concernLevel: 'low', fallback: true });
    expect(s.satisfactionIndicators).toEqual({ positive: ['wonderful', 'lovely', 'not sad'], negative: [] });
  });

  it('scores negative speech and raises the concern level on crisis language', () => {
    const s = keywordSentiment('I feel lonely and tired. Everything is awful and I want to die.');
    expect(s.overallSentiment).toBe('negative');
    expect(s.sentimentScore).toBe(-1);
    expect(s.concernLevel).toBe('high');
  });

  it('calls balanced speech mixed and speech without emotion words neutral', () => {
    expect(keywordSentiment('The food was good but my back is bad.').overallSentiment).toBe('mixed');
    expect(keywordSentiment('I went to the shop on Tuesday.')).toMatchObject({ overallSentiment: 'neutral', sentimentScore: 0 });
  });

  it('summarises the patient’s most informative sentences, skipping greetings', () => {
    expect(extractiveSummary(['Hi.', 'I planted tomatoes in the garden with my daughter yesterday and it was lovely.', 'Yes.'])).toBe(
      'Patient said: I planted tomatoes in the garden with my daughter yesterday and it was lovely.',
    );
    expect(extractiveSummary([])).toBe(NO_PATIENT_SPEECH);
  });

  it('analyses only patient lines', async () => {
    const result = await new LocalTextAnalyzer().analyze({
      messages: [
        { role: 'assistant', content: 'I am so sad and lonely today.' },
        { role: 'patient', content: 'I am happy, the weather is lovely.' },
      ],
    });
    expect(result).toMatchObject({ provider: 'local', model: null });
    expect(result.sentiment.overallSentiment).toBe('positive');
    expect(result.summary).toBe('Patient said: I am happy, the weather is lovely.');
  });
});

describe('OpenAI answer parsing (untrusted input)', () => {
  it('clamps scores and keeps only known enum values', () => {
    const { sentiment, summary } = parseAnalysisAnswer(
      'Here you go: {"overallSentiment":"negative","sentimentScore":-3,"confidence":7,"concernLevel":"extreme","keyEmotions":["sad",4],"callSummary":"Talked about pain."}',
    );
    expect(sentiment).toMatchObject({
      overallSentiment: 'negative',
      sentimentScore: -1,
      confidence: 1,
      concernLevel: 'low',
      keyEmotions: ['sad'],
      fallback: false,
    });
    expect(summary).toBe('Talked about pain.');
  });

  it('rejects answers without the required fields', () => {
    expect(() => parseAnalysisAnswer('not json')).toThrow(TextAnalysisResponseError);
    expect(() => parseAnalysisAnswer('{"overallSentiment":"great","sentimentScore":1}')).toThrow(TextAnalysisResponseError);
    expect(() => parseAnalysisAnswer('{"overallSentiment":"positive"}')).toThrow(TextAnalysisResponseError);
  });

  it('labels transcript lines as Bianca and Patient', () => {
    expect(
      transcriptOf({
        messages: [
          { role: 'assistant', content: 'Hello!' },
          { role: 'system', content: 'internal' },
          { role: 'patient', content: 'Hi  there' },
        ],
      }),
    ).toBe('Bianca: Hello!\nPatient: Hi there');
  });
});

describe('sentiment trend aggregation', () => {
  it('uses the least-squares slope for three or more points and a delta for two', () => {
    expect(sentimentDirection([-0.5, 0, 0.5])).toBe('improving');
    expect(sentimentDirection([0.5, 0.49, 0.5])).toBe('stable');
    expect(sentimentDirection([0.5, 0.3])).toBe('declining');
    expect(sentimentDirection([0.2])).toBe('stable');
  });

  it('summarises averages, distribution, confidence and insights', () => {
    const summary = summarizeSentiment([
      { score: 0.6, overall: 'positive', confidence: 0.9 },
      { score: 0.4, overall: 'positive', confidence: 0.9 },
      { score: -0.2, overall: 'neutral', confidence: 0.6 },
    ]);
    expect(summary).toMatchObject({
      averageSentiment: 0.27,
      sentimentDistribution: { positive: 2, negative: 0, neutral: 1, mixed: 0 },
      trendDirection: 'declining',
      confidence: 0.8,
    });
    expect(summary.keyInsights).toEqual([
      'Patient sentiment is generally neutral or mixed',
      'Sentiment has been declining over recent conversations',
    ]);
  });
});
