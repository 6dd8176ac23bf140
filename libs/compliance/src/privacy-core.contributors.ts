import { Injectable, type OnModuleInit } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { ConversationService } from '@app/conversations';
import { PatientService } from '@app/patients';
import { AppConfig, FieldCipher, queryRows, type Tx } from '@app/platform';
import { ScheduleService } from '@app/schedules';
import { PrivacyContributors, type PrivacySubject } from './privacy-contributors';

interface AlertRow {
  id: string;
  org_id: string;
  message: string;
  importance: string;
  alert_type: string;
  category: string | null;
  severity: string | null;
  related_conversation_id: string | null;
  created_at: string | Date;
}

const FAR_PAST = new Date('1970-01-01T00:00:00Z');
const FAR_FUTURE = new Date('9999-01-01T00:00:00Z');

async function count(tx: Tx, query: ReturnType<typeof sql>): Promise<number> {
  return (await queryRows<{ id: string }>(tx, query)).length;
}

/** The stored file of an uploaded avatar (AvatarStorage: PUBLIC_URL/uploads/<random>.<ext>), if it is one. */
function avatarFile(config: AppConfig, url: string | null): string | undefined {
  const prefix = `${config.publicUrl}/uploads/`;
  if (!url?.startsWith(prefix)) return undefined;
  const name = url.slice(prefix.length);
  return /^[0-9a-f]{32}\.(jpg|png|gif|webp)$/.test(name) ? join(config.dataDir, 'uploads', name) : undefined;
}

/**
 * The data-subject contributors of the care domains that existed before the registry (patients,
 * schedules, conversations + messages, alerts). Export reads through the domains' own services
 * (decrypted); erasure deletes the rows for good (soft-deleted rows included: a soft delete keeps
 * the ciphertext) in the request's transaction. Newer domains register their own contributor.
 */
@Injectable()
export class CorePrivacyContributors implements OnModuleInit {
  constructor(
    private readonly registry: PrivacyContributors,
    private readonly patients: PatientService,
    private readonly schedules: ScheduleService,
    private readonly conversations: ConversationService,
    private readonly cipher: FieldCipher,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      domain: 'patient',
      eraseOrder: 1000,
      export: async (s, tx) => ({ data: await this.patients.get(s.orgId, s.patientId, tx) }),
      // patient_caregivers rows cascade; the avatar image file goes once the erasure committed.
      erase: async (s, tx) => {
        const rows = await queryRows<{ avatar: string | null }>(
          tx,
          sql`delete from patients where org_id = ${s.orgId}::uuid and id = ${s.patientId}::uuid returning avatar`,
        );
        const file = avatarFile(this.config, rows[0]?.avatar ?? null);
        return { rows: rows.length, afterCommit: file ? () => rm(file, { force: true }) : undefined };
      },
    });
    this.registry.register({
      domain: 'schedules',
      export: async (s, tx) => ({ data: (await this.schedules.schedulesOf(s.orgId, [s.patientId], tx)).get(s.patientId) ?? [] }),
      erase: (s, tx) =>
        count(tx, sql`delete from schedules where org_id = ${s.orgId}::uuid and patient_id = ${s.patientId}::uuid returning id`),
    });
    this.registry.register({
      domain: 'conversations',
      export: (s, tx) => this.exportConversations(s, tx),
      // messages rows cascade.
      erase: (s, tx) =>
        count(tx, sql`delete from conversations where org_id = ${s.orgId}::uuid and patient_id = ${s.patientId}::uuid returning id`),
    });
    this.registry.register({
      domain: 'alerts',
      export: async (s, tx) => ({ data: (await this.alertRows(s, tx)).map((r) => this.presentAlert(r)) }),
      // alert_reads rows cascade.
      erase: (s, tx) =>
        count(tx, sql`delete from alerts where org_id = ${s.orgId}::uuid and related_patient_id = ${s.patientId}::uuid returning id`),
    });
  }

  private async exportConversations(s: PrivacySubject, tx: Tx) {
    const list = await this.conversations.ofPatientsBetween(s.orgId, [s.patientId], FAR_PAST, FAR_FUTURE, tx);
    const data = list.map(({ conversation: c, summary, messages }) => ({
      id: c.id,
      callType: c.callType,
      status: c.status,
      callOutcome: c.callOutcome,
      startTime: c.startTime,
      endTime: c.endTime,
      duration: c.duration,
      summary,
      messages: messages.map((m) => ({ seq: m.seq, role: m.role, messageType: m.messageType, content: m.content, createdAt: m.createdAt })),
    }));
    const files = list.map(({ conversation: c, messages }) => ({
      path: `transcripts/${c.startTime.toISOString().slice(0, 10)}-${c.id}.txt`,
      content:
        `Conversation ${c.id}\nStarted: ${c.startTime.toISOString()}\n\n` +
        messages.map((m) => `[${m.createdAt.toISOString()}] ${m.role}: ${m.content}`).join('\n') +
        '\n',
    }));
    return { data, files };
  }

  private alertRows(s: PrivacySubject, tx: Tx): Promise<AlertRow[]> {
    return queryRows<AlertRow>(
      tx,
      sql`select id::text as id, org_id::text as org_id, message, importance, alert_type, category, severity,
                 related_conversation_id::text as related_conversation_id, created_at
            from alerts where org_id = ${s.orgId}::uuid and related_patient_id = ${s.patientId}::uuid order by created_at`,
    );
  }

  private presentAlert(r: AlertRow) {
    return {
      id: r.id,
      message: this.cipher.decrypt(r.message, { table: 'alerts', column: 'message', rowId: r.id, orgId: r.org_id }),
      importance: r.importance,
      alertType: r.alert_type,
      category: r.category,
      severity: r.severity,
      relatedConversation: r.related_conversation_id,
      createdAt: new Date(r.created_at).toISOString(),
    };
  }
}
