import type { OverallSentiment } from './text-analyzer';
import { round } from './text-tools';

/** Aggregation of stored sentiments for SN1/SN2 and reports (inventory §8.1; local, no LLM). */

export type TrendDirection = 'improving' | 'declining' | 'stable';

export interface SentimentPoint {
  score: number;
  overall: OverallSentiment;
  confidence: number;
}

export interface SentimentSummary {
  averageSentiment: number;
  sentimentDistribution: Record<OverallSentiment, number>;
  trendDirection: TrendDirection;
  confidence: number;
  keyInsights: string[];
}

/** Least-squares slope of values over their index (oldest first). */
export function slope(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

/** ≥3 points: slope (|slope| < 0.02 stable); 2 points: delta ±0.05; fewer: stable. */
export function sentimentDirection(scores: readonly number[]): TrendDirection {
  if (scores.length >= 3) {
    const s = slope(scores);
    return Math.abs(s) < 0.02 ? 'stable' : s > 0 ? 'improving' : 'declining';
  }
  if (scores.length === 2) {
    const delta = scores[1] - scores[0];
    return delta > 0.05 ? 'improving' : delta < -0.05 ? 'declining' : 'stable';
  }
  return 'stable';
}

/** Points oldest first. */
export function summarizeSentiment(points: readonly SentimentPoint[]): SentimentSummary {
  const distribution: Record<OverallSentiment, number> = { positive: 0, negative: 0, neutral: 0, mixed: 0 };
  for (const p of points) distribution[p.overall] += 1;
  const n = points.length;
  const average = n > 0 ? round(points.reduce((s, p) => s + p.score, 0) / n) : 0;
  const direction = sentimentDirection(points.map((p) => p.score));
  const confidence = n > 0 ? round((points.reduce((s, p) => s + p.confidence, 0) / n) * Math.min(1, n / 3)) : 0;
  const insights: string[] = [];
  if (n === 0) insights.push('No analysed conversations in this period');
  else {
    if (average > 0.3) insights.push('Patient shows generally positive sentiment');
    else if (average < -0.3) insights.push('Patient shows generally negative sentiment');
    else insights.push('Patient sentiment is generally neutral or mixed');
    if (direction === 'improving') insights.push('Sentiment has been improving over recent conversations');
    if (direction === 'declining') insights.push('Sentiment has been declining over recent conversations');
    if (n >= 2 && distribution.negative * 2 >= n) insights.push('Negative sentiment in at least half of the analysed conversations');
  }
  return { averageSentiment: average, sentimentDistribution: distribution, trendDirection: direction, confidence, keyInsights: insights };
}

/** Risk-score direction for MD2: rising risk is "declining" health; rising vocabulary "improving". */
export function scoreDirection(values: readonly number[], higherIsBetter: boolean, threshold = 0.5): TrendDirection {
  if (values.length < 2) return 'stable';
  const s = slope(values);
  if (Math.abs(s) < threshold) return 'stable';
  return s > 0 === higherIsBetter ? 'improving' : 'declining';
}
