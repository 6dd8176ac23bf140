import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { AuditService } from '@app/audit';
import type { AuthActor } from '@app/auth';
import { PatientService } from '@app/patients';
import {
  Clock,
  DatabaseService,
  ForbiddenError,
  ValidationError,
  pageRequest,
  serializeError,
  toPage,
  type Page,
  type Tx,
} from '@app/platform';
import { PrivacyContributors, type PrivacySubject } from './privacy-contributors';
import {
  CONSENT_TYPES,
  consentRecords,
  privacyRequests,
  type ConsentRow,
  type ConsentStatus,
  type ConsentType,
  type PrivacyRequestKind,
  type PrivacyRequestRow,
} from './privacy.table';

export interface ConsentState {
  type: ConsentType;
  /** Current state; `unknown` when never recorded. */
  status: ConsentStatus | 'unknown';
  grantedAt: Date | null;
  withdrawnAt: Date | null;
}

export interface ConsentOverview {
  patientId: string;
  consents: ConsentState[];
  history: ConsentRow[];
}

/** One file of a data-subject export archive. */
export interface ExportFile {
  path: string;
  content: Buffer;
}

export interface PatientExport {
  request: PrivacyRequestRow;
  fileName: string;
  files: ExportFile[];
}

type Mode = 'read' | 'write';

/**
 * Privacy (feature-inventory §3.20): consent records, and data-subject requests for a patient —
 * export (every domain's part, decrypted, as files for a zip) and erasure (every domain's eraser
 * in one transaction). Callers: an orgAdmin of the patient's org; a superAdmin only for reads and
 * only under an active break-glass grant. Everything is audited in the operation's transaction.
 */
@Injectable()
export class PrivacyService implements OnModuleInit {
  private readonly logger = new Logger('PrivacyService');

  constructor(
    private readonly database: DatabaseService,
    private readonly patients: PatientService,
    private readonly contributors: PrivacyContributors,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.contributors.register({
      domain: 'consents',
      export: async (s, tx) => ({ data: await this.history(s, tx) }),
      erase: async (s, tx) =>
        (
          await tx
            .delete(consentRecords)
            .where(and(eq(consentRecords.orgId, s.orgId), eq(consentRecords.patientId, s.patientId)))
            .returning({ id: consentRecords.id })
        ).length,
    });
  }

  // ---- consent ----

  async consents(actor: AuthActor, patientId: string): Promise<ConsentOverview> {
    const subject = await this.subject(actor, patientId, 'read');
    return this.database.transaction(async (tx) => {
      const history = await this.history(subject, tx);
      await this.record('privacy.consent.read', subject, [], tx);
      return { patientId: subject.patientId, consents: currentStates(history), history };
    });
  }

  async recordConsent(
    actor: AuthActor,
    patientId: string,
    input: { type: ConsentType; status: ConsentStatus; effectiveAt?: string },
  ): Promise<ConsentOverview> {
    const subject = await this.subject(actor, patientId, 'write');
    const now = this.clock.now();
    const effectiveAt = input.effectiveAt ? new Date(input.effectiveAt) : now;
    if (Number.isNaN(effectiveAt.getTime()) || effectiveAt.getTime() > now.getTime() + 60_000) {
      throw new ValidationError('effectiveAt must be a date that is not in the future');
    }
    return this.database.transaction(async (tx) => {
      const id = randomUUID();
      await tx.insert(consentRecords).values({
        id,
        orgId: subject.orgId,
        patientId: subject.patientId,
        type: input.type,
        status: input.status,
        effectiveAt,
        recordedBy: actor.id,
        recordedAt: now,
      });
      await this.record(`privacy.consent.${input.status === 'granted' ? 'grant' : 'withdraw'}`, subject, [id], tx, input.type);
      const history = await this.history(subject, tx);
      return { patientId: subject.patientId, consents: currentStates(history), history };
    });
  }

  // ---- data-subject requests ----

  /** Collects every domain's part in one transaction, with the request record and its audit entry. */
  async export(actor: AuthActor, patientId: string): Promise<PatientExport> {
    const subject = await this.subject(actor, patientId, 'read');
    const now = this.clock.now();
    return this.database.transaction(async (tx) => {
      const files: ExportFile[] = [];
      const index: Record<string, string> = {};
      for (const contributor of this.contributors.list()) {
        if (!contributor.export) continue;
        const part = await contributor.export(subject, tx);
        files.push({ path: `${contributor.domain}.json`, content: Buffer.from(JSON.stringify(part.data, null, 2)) });
        index[contributor.domain] = `${contributor.domain}.json`;
        for (const file of part.files ?? []) files.push({ path: file.path, content: Buffer.from(file.content) });
      }
      const request = await this.insertRequest(tx, subject, actor, 'export', 'completed', now);
      files.unshift({
        path: 'manifest.json',
        content: Buffer.from(
          JSON.stringify(
            { requestId: request.id, patientId: subject.patientId, orgId: subject.orgId, generatedAt: now.toISOString(), parts: index },
            null,
            2,
          ),
        ),
      });
      await this.record('privacy.export', subject, [request.id], tx, undefined, 'warning');
      return { request, fileName: `patient-${subject.patientId}-export.zip`, files };
    });
  }

  /**
   * Erasure: every registered eraser in one transaction with the request record and the audit
   * entry (all or nothing). A failure is recorded as a failed request (audited) and rethrown.
   */
  async erase(actor: AuthActor, patientId: string): Promise<PrivacyRequestRow> {
    const subject = await this.subject(actor, patientId, 'write');
    const now = this.clock.now();
    try {
      const after: Array<() => Promise<void>> = [];
      const request = await this.database.transaction(async (tx) => {
        let removed = 0;
        for (const eraser of this.contributors.erasers()) {
          const result = (await eraser.erase?.(subject, tx)) ?? 0;
          removed += typeof result === 'number' ? result : result.rows;
          if (typeof result !== 'number' && result.afterCommit) after.push(result.afterCommit);
        }
        const row = await this.insertRequest(tx, subject, actor, 'erasure', 'completed', now);
        await this.record('privacy.erasure', subject, [row.id], tx, `rows_${Math.min(removed, 999_999)}`, 'high');
        return row;
      });
      for (const work of after) {
        await work().catch((err: unknown) =>
          this.logger.error({ msg: 'erasure follow-up failed', requestId: request.id, err: serializeError(err) }),
        );
      }
      return request;
    } catch (err) {
      this.logger.error({ msg: 'erasure failed', patientId: subject.patientId, err: serializeError(err) });
      // Best effort: when the audit log itself is down, the original error is what matters.
      await this.database
        .transaction(async (tx) => {
          const request = await this.insertRequest(tx, subject, actor, 'erasure', 'failed', now, 'erasure_failed');
          await this.record('privacy.erasure', subject, [request.id], tx, 'erasure_failed', 'high', 'failure');
        })
        .catch(() => undefined);
      throw err;
    }
  }

  /** The org's request records (orgAdmin), newest first; optionally one patient's. */
  async requests(actor: AuthActor, query: { page?: number; limit?: number; patientId?: string }): Promise<Page<PrivacyRequestRow>> {
    if (actor.role !== 'orgAdmin' || !actor.orgId) await this.deny('list');
    const orgId = actor.orgId as string;
    const page = pageRequest(query);
    const where = and(eq(privacyRequests.orgId, orgId), query.patientId ? eq(privacyRequests.patientId, query.patientId) : undefined);
    return this.database.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(privacyRequests)
        .where(where)
        .orderBy(desc(privacyRequests.requestedAt), desc(privacyRequests.id))
        .limit(page.limit)
        .offset(page.offset);
      const total = (await tx.select({ id: privacyRequests.id }).from(privacyRequests).where(where)).length;
      await this.audit.record(
        {
          action: 'privacy.request.list',
          resourceType: 'privacy_request',
          resourceIds: rows.map((r) => r.id),
          patientIds: [...new Set(rows.map((r) => r.patientId))],
          orgId,
          outcome: 'success',
        },
        tx,
      );
      return toPage(rows, total, page);
    });
  }

  // ---- internals ----

  /**
   * orgAdmin of the patient's org (404 for another org's or a missing patient, audited as
   * cross-tenant); a superAdmin only to read and only through break-glass; everyone else 403.
   */
  private async subject(actor: AuthActor, patientId: string, mode: Mode): Promise<PrivacySubject> {
    const allowed = actor.role === 'orgAdmin' || (actor.role === 'superAdmin' && actor.breakGlass !== undefined && mode === 'read');
    if (!allowed) await this.deny(mode);
    const patient = await this.patients.access(actor, patientId, 'read');
    return { orgId: patient.orgId, patientId: patient.id };
  }

  private async deny(verb: string): Promise<never> {
    await this.audit.record({
      action: 'authz.denied',
      resourceType: 'privacy',
      outcome: 'denied',
      reason: `missing_permission_${verb}`,
      severity: 'warning',
    });
    throw new ForbiddenError('Only an orgAdmin of the patient’s organisation may do this.');
  }

  private history(s: PrivacySubject, tx: Tx): Promise<ConsentRow[]> {
    return tx
      .select()
      .from(consentRecords)
      .where(and(eq(consentRecords.orgId, s.orgId), eq(consentRecords.patientId, s.patientId)))
      .orderBy(consentRecords.recordedAt, consentRecords.id);
  }

  private async insertRequest(
    tx: Tx,
    s: PrivacySubject,
    actor: AuthActor,
    kind: PrivacyRequestKind,
    status: 'completed' | 'failed',
    requestedAt: Date,
    errorCode: string | null = null,
  ): Promise<PrivacyRequestRow> {
    const [row] = await tx
      .insert(privacyRequests)
      .values({
        id: randomUUID(),
        orgId: s.orgId,
        patientId: s.patientId,
        kind,
        status,
        requestedBy: actor.id,
        requestedAt,
        completedAt: status === 'completed' ? this.clock.now() : null,
        errorCode,
      })
      .returning();
    return row;
  }

  private async record(
    action: string,
    s: PrivacySubject,
    resourceIds: string[],
    tx: Tx,
    reason?: string,
    severity: 'info' | 'warning' | 'high' = 'info',
    outcome: 'success' | 'failure' = 'success',
  ): Promise<void> {
    await this.audit.record(
      {
        action,
        resourceType: 'patient',
        resourceIds: [s.patientId, ...resourceIds],
        patientIds: [s.patientId],
        orgId: s.orgId,
        outcome,
        reason,
        severity,
      },
      tx,
    );
  }
}

function currentStates(history: ConsentRow[]): ConsentState[] {
  return CONSENT_TYPES.map((type) => {
    const rows = history.filter((r) => r.type === type);
    const last = rows[rows.length - 1];
    const lastGrant = [...rows].reverse().find((r) => r.status === 'granted');
    const lastWithdrawal = [...rows].reverse().find((r) => r.status === 'withdrawn');
    return {
      type,
      status: last?.status ?? 'unknown',
      grantedAt: lastGrant?.effectiveAt ?? null,
      withdrawnAt: last?.status === 'withdrawn' ? (lastWithdrawal?.effectiveAt ?? null) : null,
    };
  });
}
