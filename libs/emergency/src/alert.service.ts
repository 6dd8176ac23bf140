import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '@app/audit';
import type { AuthActor } from '@app/auth';
import { CaregiverService } from '@app/caregivers';
import { ConversationService } from '@app/conversations';
import { resolveLocale, type Locale } from '@app/notifications';
import { PatientService, orgOf } from '@app/patients';
import { Clock, DatabaseService, FieldCipher, NotFoundError, ValidationError, type DbOrTx } from '@app/platform';
import type { AlertResponse } from './alert.dto';
import { parseAlertMessage, renderAlertMessage, type AlertMessage } from './alert-messages';
import { AlertRepository, type AlertPatch } from './alert.repository';
import type { AlertRow, AlertType, Category, Importance, Severity, Visibility } from './alert.table';

export const ALERT_NOT_FOUND = 'Alert not found';

const SEVERITY_RANK: Record<Severity, number> = { MEDIUM: 1, HIGH: 2, CRITICAL: 3 };
export const IMPORTANCE_OF_SEVERITY: Record<Severity, Importance> = { CRITICAL: 'urgent', HIGH: 'high', MEDIUM: 'medium' };
/** How long an emergency alert stays in `GET /alerts` by default (inventory §7: response time). */
export const RELEVANCE_SECONDS: Record<Severity, number> = { CRITICAL: 60, HIGH: 300, MEDIUM: 900 };

export type RaiseAlertInput = RaiseAlertBase & (AlertMessage | { messageKey?: undefined; messageParams?: undefined });

interface RaiseAlertBase {
  orgId: string;
  patientId: string;
  conversationId?: string | null;
  category: Category;
  severity: Severity;
  /**
   * Plaintext (may quote the patient): encrypted at rest. With `messageKey`/`messageParams` (encrypted
   * too) readers see the message in their language and this English text is the fallback.
   */
  message: string;
  /** Default RELEVANCE_SECONDS[severity]. */
  relevanceSeconds?: number;
  /** Same patient+category raised within this window merges into the existing alert (default 300 s). */
  dedupeWindowSeconds?: number;
}

export interface AlertCounts {
  total: number;
  byImportance: Record<Importance, number>;
  bySeverity: Record<Severity, number>;
}

export interface RaiseResult {
  alertId: string;
  /** false when merged into a recent alert of the same patient+category. */
  created: boolean;
  /** true when the merge raised the severity (callers notify again). */
  escalated: boolean;
}

/**
 * Alerts: the caregiver-facing list (visibility rules, read state) and `raise()` for the emergency
 * detector. Visibility: orgAdmins see every alert of their org; staff see alerts they created and
 * `allCaregivers`/`assignedCaregivers` alerts whose patient (if any) is assigned to them — never
 * an alert about a patient they do not look after. No `relevanceUntil` = relevant until deleted.
 */
@Injectable()
export class AlertService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repo: AlertRepository,
    private readonly patients: PatientService,
    private readonly conversations: ConversationService,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly caregivers: CaregiverService,
  ) {}

  /**
   * For the emergency detector: creates an alert, or merges into the latest one of the same
   * patient+category raised within the dedupe window (counting occurrences, escalating severity,
   * extending relevance). Serialised per patient+category, so concurrent raises merge.
   */
  async raise(input: RaiseAlertInput): Promise<RaiseResult> {
    const now = this.clock.now();
    const relevance = new Date(now.getTime() + (input.relevanceSeconds ?? RELEVANCE_SECONDS[input.severity]) * 1000);
    const windowStart = new Date(now.getTime() - (input.dedupeWindowSeconds ?? 300) * 1000);
    return this.database.transaction(async (tx) => {
      await this.repo.lockKey(`alert:${input.orgId}:${input.patientId}:${input.category}`, tx);
      const existing = await this.repo.latestSimilar(input.orgId, input.patientId, input.category, windowStart, tx);
      if (existing) {
        const escalated = SEVERITY_RANK[input.severity] > SEVERITY_RANK[existing.severity ?? 'MEDIUM'];
        const patch: AlertPatch = {
          occurrences: existing.occurrences + 1,
          lastRaisedAt: now,
          relevanceUntil: existing.relevanceUntil && existing.relevanceUntil > relevance ? existing.relevanceUntil : relevance,
        };
        if (escalated) {
          patch.severity = input.severity;
          patch.importance = IMPORTANCE_OF_SEVERITY[input.severity];
          patch.message = this.encrypt(input.message, existing.id, input.orgId);
          Object.assign(patch, this.keyed(input, existing.id, input.orgId));
        }
        await this.repo.update(input.orgId, existing.id, patch, tx);
        await this.record('alert.merge', existing.id, input.orgId, input.patientId, tx, null);
        return { alertId: existing.id, created: false, escalated };
      }
      const id = randomUUID();
      await this.repo.insert(
        {
          id,
          orgId: input.orgId,
          message: this.encrypt(input.message, id, input.orgId),
          ...this.keyed(input, id, input.orgId),
          importance: IMPORTANCE_OF_SEVERITY[input.severity],
          alertType: input.conversationId ? 'conversation' : 'patient',
          category: input.category,
          severity: input.severity,
          relatedPatientId: input.patientId,
          relatedConversationId: input.conversationId ?? null,
          createdBy: input.patientId,
          createdModel: 'Patient',
          visibility: 'assignedCaregivers',
          relevanceUntil: relevance,
          lastRaisedAt: now,
        },
        tx,
      );
      await this.record('alert.raise', id, input.orgId, input.patientId, tx, null);
      return { alertId: id, created: true, escalated: false };
    });
  }

  // ---- HTTP ----

  async create(
    actor: AuthActor,
    input: {
      message: string;
      importance: Importance;
      alertType: AlertType;
      visibility: Visibility;
      relatedPatient?: string;
      relatedConversation?: string;
      relevanceUntil?: string;
      category?: string;
      severity?: Severity;
    },
  ): Promise<AlertResponse> {
    const orgId = orgOf(actor);
    if ((input.alertType === 'patient' || input.alertType === 'conversation') && !input.relatedPatient) {
      throw new ValidationError('"relatedPatient" is required for patient and conversation alerts');
    }
    if (input.alertType === 'conversation' && !input.relatedConversation) {
      throw new ValidationError('"relatedConversation" is required for conversation alerts');
    }
    if (input.relatedPatient) await this.patients.access(actor, input.relatedPatient, 'read');
    if (input.relatedConversation) {
      const conversation = await this.conversations.find(orgId, input.relatedConversation);
      if (!conversation || (input.relatedPatient && conversation.patientId !== input.relatedPatient)) {
        throw new NotFoundError('Conversation not found', 'ConversationNotFound');
      }
    }
    const id = randomUUID();
    const row = await this.database.transaction(async (tx) => {
      const created = await this.repo.insert(
        {
          id,
          orgId,
          message: this.encrypt(input.message, id, orgId),
          importance: input.importance,
          alertType: input.alertType,
          category: input.category ?? null,
          severity: input.severity ?? null,
          relatedPatientId: input.relatedPatient ?? null,
          relatedConversationId: input.relatedConversation ?? null,
          createdBy: actor.id,
          createdModel: 'Caregiver',
          visibility: input.visibility,
          relevanceUntil: input.relevanceUntil ? new Date(input.relevanceUntil) : null,
          lastRaisedAt: this.clock.now(),
        },
        tx,
      );
      await this.record('alert.create', id, orgId, input.relatedPatient, tx);
      return created;
    });
    return (await this.present([row], await this.localeOf(actor)))[0];
  }

  async list(actor: AuthActor, showRead: boolean): Promise<AlertResponse[]> {
    const orgId = orgOf(actor);
    return this.database.transaction(async (tx) => {
      const rows = await this.visible(actor, await this.repo.relevantInOrg(orgId, this.clock.now(), undefined, tx), tx);
      const readers = await this.repo.readersOf(
        rows.map((r) => r.id),
        tx,
      );
      const shown = showRead ? rows : rows.filter((r) => !(readers.get(r.id) ?? []).includes(actor.id));
      await this.audit.record(
        {
          action: 'alert.list',
          resourceType: 'alert',
          resourceIds: shown.map((r) => r.id),
          patientIds: patientIdsOf(shown),
          orgId,
          outcome: 'success',
          actor,
        },
        tx,
      );
      return this.present(shown, await this.localeOf(actor, tx), readers);
    });
  }

  async read(actor: AuthActor, id: string): Promise<AlertResponse> {
    const row = await this.load(actor, id);
    await this.record('alert.read', row.id, row.orgId, row.relatedPatientId ?? undefined);
    return (await this.present([row], await this.localeOf(actor)))[0];
  }

  async update(
    actor: AuthActor,
    id: string,
    input: { message?: string; importance?: Importance; relevanceUntil?: string },
  ): Promise<AlertResponse> {
    if (Object.keys(input).length === 0) throw new ValidationError('"value" must have at least 1 key');
    const row = await this.load(actor, id);
    const updated = await this.database.transaction(async (tx) => {
      const patch: AlertPatch = {};
      if (input.message !== undefined) {
        // A caregiver's own wording replaces the system's keyed message.
        patch.message = this.encrypt(input.message, row.id, row.orgId);
        patch.messageKey = null;
        patch.messageParams = null;
      }
      if (input.importance !== undefined) patch.importance = input.importance;
      if (input.relevanceUntil !== undefined) patch.relevanceUntil = new Date(input.relevanceUntil);
      const next = await this.repo.update(row.orgId, row.id, patch, tx);
      await this.record('alert.update', row.id, row.orgId, row.relatedPatientId ?? undefined, tx);
      return next ?? row;
    });
    return (await this.present([updated], await this.localeOf(actor)))[0];
  }

  async remove(actor: AuthActor, id: string): Promise<void> {
    const row = await this.load(actor, id);
    await this.database.transaction(async (tx) => {
      await this.repo.delete(row.orgId, row.id, tx);
      await this.record('alert.delete', row.id, row.orgId, row.relatedPatientId ?? undefined, tx);
    });
  }

  async markRead(actor: AuthActor, id: string): Promise<AlertResponse> {
    const row = await this.load(actor, id);
    await this.database.transaction(async (tx) => {
      await this.repo.markRead(row.id, actor.id, tx);
      await this.record('alert.read', row.id, row.orgId, row.relatedPatientId ?? undefined, tx);
    });
    return (await this.present([row], await this.localeOf(actor)))[0];
  }

  /** L7: unknown, expired or invisible ids are skipped. */
  async markManyRead(actor: AuthActor, ids: string[]): Promise<AlertResponse[]> {
    const orgId = orgOf(actor);
    return this.database.transaction(async (tx) => {
      const rows = await this.visible(actor, await this.repo.relevantInOrg(orgId, this.clock.now(), [...new Set(ids)], tx), tx);
      for (const r of rows) await this.repo.markRead(r.id, actor.id, tx);
      await this.audit.record(
        {
          action: 'alert.read',
          resourceType: 'alert',
          resourceIds: rows.map((r) => r.id),
          patientIds: patientIdsOf(rows),
          orgId,
          outcome: 'success',
        },
        tx,
      );
      return this.present(
        rows,
        await this.localeOf(actor, tx),
        await this.repo.readersOf(
          rows.map((r) => r.id),
          tx,
        ),
      );
    });
  }

  /** Login answer: the caller's unread, relevant alerts. */
  async unreadFor(actor: AuthActor): Promise<AlertResponse[]> {
    return actor.orgId ? this.list(actor, false) : [];
  }

  async deleteOfPatients(orgId: string, patientIds: string[], tx: DbOrTx): Promise<void> {
    await this.repo.deleteOfPatients(orgId, patientIds, tx);
  }

  /**
   * Reports (trusted; the caller checks access and audits): how many alerts about the patient
   * were created in [from, to), by importance and by severity (emergency alerts only).
   */
  async countsForPatient(orgId: string, patientId: string, from: Date, to: Date, tx?: DbOrTx): Promise<AlertCounts> {
    const counts: AlertCounts = {
      total: 0,
      byImportance: { low: 0, medium: 0, high: 0, urgent: 0 },
      bySeverity: { CRITICAL: 0, HIGH: 0, MEDIUM: 0 },
    };
    for (const row of await this.repo.countsOfPatient(orgId, patientId, from, to, tx)) {
      counts.total += row.n;
      if (row.importance in counts.byImportance) counts.byImportance[row.importance as Importance] += row.n;
      if (row.severity && row.severity in counts.bySeverity) counts.bySeverity[row.severity as Severity] += row.n;
    }
    return counts;
  }

  // ---- internals ----

  private async load(actor: AuthActor, id: string): Promise<AlertRow> {
    const orgId = orgOf(actor);
    const [row] = await this.visible(actor, await this.repo.relevantInOrg(orgId, this.clock.now(), [id]));
    if (!row) throw new NotFoundError(ALERT_NOT_FOUND, 'AlertNotFound');
    return row;
  }

  private async visible(actor: AuthActor, rows: AlertRow[], tx?: DbOrTx): Promise<AlertRow[]> {
    if (actor.role === 'orgAdmin') return rows;
    const assigned = new Set(await this.patients.visibleIds(actor, tx));
    return rows.filter((r) => {
      if (r.createdBy === actor.id && (!r.relatedPatientId || assigned.has(r.relatedPatientId))) return true;
      if (r.visibility === 'orgAdmin') return false;
      if (r.relatedPatientId) return assigned.has(r.relatedPatientId);
      return r.visibility === 'allCaregivers';
    });
  }

  private encrypt(message: string, id: string, orgId: string): string {
    return this.cipher.encrypt(message, { table: 'alerts', column: 'message', rowId: id, orgId });
  }

  /** `messageKey`/`messageParams` columns of a keyed raise (params encrypted: they may quote the patient). */
  private keyed(input: RaiseAlertInput, id: string, orgId: string): Pick<AlertPatch, 'messageKey' | 'messageParams'> {
    if (!input.messageKey) return { messageKey: null, messageParams: null };
    const params = JSON.stringify(input.messageParams);
    return {
      messageKey: input.messageKey,
      messageParams: this.cipher.encrypt(params, { table: 'alerts', column: 'message_params', rowId: id, orgId }),
    };
  }

  /** The reader's language (caregiver profile); English when unknown. One lookup per request. */
  private async localeOf(actor: AuthActor, tx?: DbOrTx): Promise<Locale> {
    const caregiver = await this.caregivers.find(actor.id, tx);
    return resolveLocale(caregiver?.preferredLanguage);
  }

  /** A keyed alert in the reader's language; the stored message when unkeyed or unrenderable. */
  private messageOf(r: AlertRow, locale: Locale): string {
    const context = { rowId: r.id, orgId: r.orgId, table: 'alerts' };
    if (r.messageKey && r.messageParams) {
      const params: unknown = JSON.parse(this.cipher.decrypt(r.messageParams, { ...context, column: 'message_params' }));
      const keyed = parseAlertMessage(r.messageKey, params);
      if (keyed) return renderAlertMessage(locale, keyed);
    }
    return this.cipher.decrypt(r.message, { ...context, column: 'message' });
  }

  private async present(rows: AlertRow[], locale: Locale, readers?: Map<string, string[]>): Promise<AlertResponse[]> {
    const readBy = readers ?? (await this.repo.readersOf(rows.map((r) => r.id)));
    return rows.map((r) => ({
      id: r.id,
      _id: r.id,
      message: this.messageOf(r, locale),
      importance: r.importance,
      alertType: r.alertType,
      category: r.category,
      severity: r.severity,
      ...(r.relatedPatientId ? { relatedPatient: r.relatedPatientId } : {}),
      ...(r.relatedConversationId ? { relatedConversation: r.relatedConversationId } : {}),
      createdBy: r.createdBy,
      createdModel: r.createdModel,
      visibility: r.visibility,
      readBy: readBy.get(r.id) ?? [],
      relevanceUntil: r.relevanceUntil ? r.relevanceUntil.toISOString() : null,
      occurrences: r.occurrences,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    }));
  }

  private async record(action: string, id: string, orgId: string, patientId: string | undefined, tx?: DbOrTx, actor?: null): Promise<void> {
    await this.audit.record(
      {
        action,
        resourceType: 'alert',
        resourceIds: [id],
        patientIds: patientId ? [patientId] : [],
        orgId,
        outcome: 'success',
        ...(actor === null ? { actor: null } : {}),
      },
      tx,
    );
  }
}

function patientIdsOf(rows: AlertRow[]): string[] {
  return [...new Set(rows.flatMap((r) => (r.relatedPatientId ? [r.relatedPatientId] : [])))];
}
