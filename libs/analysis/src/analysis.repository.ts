import { Injectable } from '@nestjs/common';
import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { DatabaseService, type DbOrTx } from '@app/platform';
import {
  conversationSentiments,
  fraudAbuseAnalyses,
  medicalAnalyses,
  type AnalysisTimeRange,
  type ConversationSentimentRow,
  type FraudAbuseAnalysisRow,
  type MedicalAnalysisRow,
  type NewConversationSentimentRow,
  type NewFraudAbuseAnalysisRow,
  type NewMedicalAnalysisRow,
} from './analysis.table';

/** Stored analyses; every query is scoped by org (and patient). Values arrive encrypted. */
@Injectable()
export class AnalysisRepository {
  constructor(private readonly database: DatabaseService) {}

  // ---- sentiment ----

  /** Inserts, or (with `replace`) overwrites the conversation's sentiment; false when it existed and was kept. */
  async upsertSentiment(values: NewConversationSentimentRow, replace: boolean, tx: DbOrTx = this.database.db): Promise<boolean> {
    const insert = tx.insert(conversationSentiments).values(values);
    const rows = replace
      ? await insert
          .onConflictDoUpdate({
            target: conversationSentiments.conversationId,
            set: {
              overallSentiment: values.overallSentiment,
              sentimentScore: values.sentimentScore,
              confidence: values.confidence,
              concernLevel: values.concernLevel,
              fallback: values.fallback,
              provider: values.provider,
              model: values.model,
              conversationAt: values.conversationAt,
              // The envelope stays bound to the existing row id: the service encrypts with it.
              analysis: values.analysis,
              analyzedAt: values.analyzedAt,
              updatedAt: sql`now()`,
            },
          })
          .returning({ id: conversationSentiments.id })
      : await insert.onConflictDoNothing({ target: conversationSentiments.conversationId }).returning({ id: conversationSentiments.id });
    return rows.length > 0;
  }

  async sentimentOf(orgId: string, conversationId: string, tx: DbOrTx = this.database.db): Promise<ConversationSentimentRow | undefined> {
    const [row] = await tx
      .select()
      .from(conversationSentiments)
      .where(and(eq(conversationSentiments.orgId, orgId), eq(conversationSentiments.conversationId, conversationId)))
      .limit(1);
    return row;
  }

  async sentimentsOfConversations(
    orgId: string,
    conversationIds: string[],
    tx: DbOrTx = this.database.db,
  ): Promise<ConversationSentimentRow[]> {
    if (conversationIds.length === 0) return [];
    return tx
      .select()
      .from(conversationSentiments)
      .where(and(eq(conversationSentiments.orgId, orgId), inArray(conversationSentiments.conversationId, conversationIds)));
  }

  async latestSentiment(orgId: string, patientId: string, tx: DbOrTx = this.database.db): Promise<ConversationSentimentRow | undefined> {
    const [row] = await tx
      .select()
      .from(conversationSentiments)
      .where(and(eq(conversationSentiments.orgId, orgId), eq(conversationSentiments.patientId, patientId)))
      .orderBy(desc(conversationSentiments.conversationAt))
      .limit(1);
    return row;
  }

  /** Oldest first, for trend charts. */
  async sentimentsBetween(
    orgId: string,
    patientId: string,
    from: Date,
    to: Date,
    tx: DbOrTx = this.database.db,
  ): Promise<ConversationSentimentRow[]> {
    return tx
      .select()
      .from(conversationSentiments)
      .where(
        and(
          eq(conversationSentiments.orgId, orgId),
          eq(conversationSentiments.patientId, patientId),
          gte(conversationSentiments.conversationAt, from),
          lt(conversationSentiments.conversationAt, to),
        ),
      )
      .orderBy(asc(conversationSentiments.conversationAt));
  }

  // ---- medical ----

  /** false when a row with the same run key already exists (a redelivered job). */
  async insertMedical(values: NewMedicalAnalysisRow, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx.insert(medicalAnalyses).values(values).onConflictDoNothing().returning({ id: medicalAnalyses.id });
    return rows.length > 0;
  }

  async latestMedical(orgId: string, patientId: string, limit: number, tx: DbOrTx = this.database.db): Promise<MedicalAnalysisRow[]> {
    return tx
      .select()
      .from(medicalAnalyses)
      .where(and(eq(medicalAnalyses.orgId, orgId), eq(medicalAnalyses.patientId, patientId)))
      .orderBy(desc(medicalAnalyses.analysisDate), desc(medicalAnalyses.createdAt))
      .limit(limit);
  }

  /** Oldest first. */
  async medicalBetween(
    orgId: string,
    patientId: string,
    from: Date,
    to: Date,
    tx: DbOrTx = this.database.db,
  ): Promise<MedicalAnalysisRow[]> {
    return tx
      .select()
      .from(medicalAnalyses)
      .where(
        and(
          eq(medicalAnalyses.orgId, orgId),
          eq(medicalAnalyses.patientId, patientId),
          gte(medicalAnalyses.analysisDate, from),
          lt(medicalAnalyses.analysisDate, to),
        ),
      )
      .orderBy(asc(medicalAnalyses.analysisDate));
  }

  // ---- fraud / abuse ----

  async insertFraud(values: NewFraudAbuseAnalysisRow, tx: DbOrTx = this.database.db): Promise<boolean> {
    const rows = await tx.insert(fraudAbuseAnalyses).values(values).onConflictDoNothing().returning({ id: fraudAbuseAnalyses.id });
    return rows.length > 0;
  }

  async latestFraud(orgId: string, patientId: string, limit: number, tx: DbOrTx = this.database.db): Promise<FraudAbuseAnalysisRow[]> {
    return tx
      .select()
      .from(fraudAbuseAnalyses)
      .where(and(eq(fraudAbuseAnalyses.orgId, orgId), eq(fraudAbuseAnalyses.patientId, patientId)))
      .orderBy(desc(fraudAbuseAnalyses.analysisDate), desc(fraudAbuseAnalyses.createdAt))
      .limit(limit);
  }

  /** A result of the same window computed since `since` (FA1 reuses it instead of recomputing). */
  async recentFraud(
    orgId: string,
    patientId: string,
    timeRange: AnalysisTimeRange,
    since: Date,
    window: { start: Date; end: Date } | undefined,
    tx: DbOrTx = this.database.db,
  ): Promise<FraudAbuseAnalysisRow | undefined> {
    const [row] = await tx
      .select()
      .from(fraudAbuseAnalyses)
      .where(
        and(
          eq(fraudAbuseAnalyses.orgId, orgId),
          eq(fraudAbuseAnalyses.patientId, patientId),
          eq(fraudAbuseAnalyses.timeRange, timeRange),
          gte(fraudAbuseAnalyses.analysisDate, since),
          ...(window ? [eq(fraudAbuseAnalyses.startDate, window.start), eq(fraudAbuseAnalyses.endDate, window.end)] : []),
        ),
      )
      .orderBy(desc(fraudAbuseAnalyses.analysisDate))
      .limit(1);
    return row;
  }

  async fraudBetween(
    orgId: string,
    patientId: string,
    from: Date,
    to: Date,
    tx: DbOrTx = this.database.db,
  ): Promise<FraudAbuseAnalysisRow[]> {
    return tx
      .select()
      .from(fraudAbuseAnalyses)
      .where(
        and(
          eq(fraudAbuseAnalyses.orgId, orgId),
          eq(fraudAbuseAnalyses.patientId, patientId),
          gte(fraudAbuseAnalyses.analysisDate, from),
          lt(fraudAbuseAnalyses.analysisDate, to),
        ),
      )
      .orderBy(asc(fraudAbuseAnalyses.analysisDate));
  }

  /** Patients were deleted: their derived analyses go with them. */
  async deleteOfPatients(orgId: string, patientIds: string[], tx: DbOrTx): Promise<void> {
    await this.eraseOfPatients(orgId, patientIds, tx);
  }

  /** Every analysis row of the patients; returns how many were deleted (data-subject erasure). */
  async eraseOfPatients(orgId: string, patientIds: string[], tx: DbOrTx): Promise<number> {
    if (patientIds.length === 0) return 0;
    const sentiments = await tx
      .delete(conversationSentiments)
      .where(and(eq(conversationSentiments.orgId, orgId), inArray(conversationSentiments.patientId, patientIds)))
      .returning({ id: conversationSentiments.id });
    const medical = await tx
      .delete(medicalAnalyses)
      .where(and(eq(medicalAnalyses.orgId, orgId), inArray(medicalAnalyses.patientId, patientIds)))
      .returning({ id: medicalAnalyses.id });
    const fraud = await tx
      .delete(fraudAbuseAnalyses)
      .where(and(eq(fraudAbuseAnalyses.orgId, orgId), inArray(fraudAbuseAnalyses.patientId, patientIds)))
      .returning({ id: fraudAbuseAnalyses.id });
    return sentiments.length + medical.length + fraud.length;
  }
}
