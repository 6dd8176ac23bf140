import { Injectable } from '@nestjs/common';
import type { DbOrTx } from '@app/platform';

/** SentimentAnalysis as the client reads it (contract §2.14), already decrypted. */
export interface ConversationSentiment {
  overallSentiment: string;
  sentimentScore: number;
  confidence: number;
  patientMood?: string;
  keyEmotions?: string[];
  concernLevel?: string;
  satisfactionIndicators?: { positive: string[]; negative: string[] };
  summary?: string;
  recommendations?: string;
  fallback: boolean;
}

export interface StoredSentiment {
  sentiment: ConversationSentiment;
  analyzedAt: Date;
}

/**
 * Stored sentiments of conversations of one org, by conversation id (one query for all of them).
 * Called only for conversations the caller may read; the conversation read is already audited.
 */
export type SentimentLookup = (orgId: string, conversationIds: string[], tx?: DbOrTx) => Promise<Map<string, StoredSentiment>>;

/**
 * What other libs add to conversation answers without conversations importing them (analysis
 * imports conversations): @app/analysis registers the sentiment lookup at module init. Without a
 * registration conversations answer `sentiment: null`.
 */
@Injectable()
export class ConversationExtensions {
  private sentimentLookup?: SentimentLookup;

  registerSentiments(lookup: SentimentLookup): void {
    this.sentimentLookup = lookup;
  }

  async sentimentsOf(orgId: string, conversationIds: string[], tx?: DbOrTx): Promise<Map<string, StoredSentiment>> {
    if (!this.sentimentLookup || conversationIds.length === 0) return new Map();
    return this.sentimentLookup(orgId, conversationIds, tx);
  }
}
