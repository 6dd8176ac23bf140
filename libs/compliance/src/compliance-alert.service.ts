import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, DatabaseService, RealtimePublisher, serializeError } from '@app/platform';
import { CaregiverService, type CaregiverRow } from '@app/caregivers';
import { MailTransport } from '@app/notifications';
import { PLATFORM_SCOPE, orgScope } from '@app/orgs';
import { complianceAlerts } from './compliance.table';

declare module '@app/platform' {
  interface RealtimeEvents {
    'breach.detected': { breachId: string; rule: string; severity: string; discoveredAt: string };
  }
}

export type ComplianceAlertKind = 'breach.detected' | 'breach.escalation_day30' | 'breach.escalation_day50' | 'break_glass.created';

export interface ComplianceAlert {
  kind: ComplianceAlertKind;
  /** The org concerned; null: platform-wide (superAdmins only). */
  orgId: string | null;
  /** The breach or grant id. */
  refId: string;
  /** One line, ids and codes only (never PHI): it goes into e-mail. */
  summary: string;
  /** Also alert superAdmins (breaches: yes; break-glass: the org's admins only). */
  superAdmins: boolean;
  /** Socket.io `breach.detected` payload for the org's admins. */
  realtime?: { breachId: string; rule: string; severity: string; discoveredAt: string };
}

const MAX_RECIPIENTS = 100;

/**
 * The alert sink: one in-app notification row per recipient and alert (unique, so a retried job
 * never doubles it), an e-mail through the mail port, and a Socket.io event to org admins.
 * Delivery failures are logged; the row stays (admins see it in the app).
 */
@Injectable()
export class ComplianceAlertService {
  private readonly logger = new Logger('ComplianceAlerts');

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly caregivers: CaregiverService,
    private readonly mail: MailTransport,
    private readonly realtime: RealtimePublisher,
  ) {}

  /** Returns the number of new in-app notifications. */
  async raise(alert: ComplianceAlert): Promise<number> {
    const admins = alert.orgId ? await this.recipients(alert.orgId) : [];
    const supers = alert.superAdmins ? await this.recipients(null) : [];
    const everyone = [...new Map([...admins, ...supers].map((c) => [c.id, c])).values()];
    if (everyone.length === 0) return 0;
    const created = await this.database.db
      .insert(complianceAlerts)
      .values(everyone.map((c) => ({ orgId: alert.orgId, recipientId: c.id, kind: alert.kind, refId: alert.refId })))
      .onConflictDoNothing()
      .returning({ recipientId: complianceAlerts.recipientId });
    const fresh = new Set(created.map((r) => r.recipientId));
    for (const recipient of everyone.filter((c) => fresh.has(c.id))) {
      await this.email(recipient, alert);
      if (alert.realtime && admins.some((a) => a.id === recipient.id)) {
        try {
          this.realtime.toUser(recipient.id, 'breach.detected', alert.realtime);
        } catch (err) {
          this.logger.warn({ msg: 'breach.detected not published', err: serializeError(err) });
        }
      }
    }
    return fresh.size;
  }

  private async recipients(orgId: string | null): Promise<CaregiverRow[]> {
    const page = await this.caregivers.list(orgId ? orgScope(orgId) : PLATFORM_SCOPE, {
      role: orgId ? 'orgAdmin' : 'superAdmin',
      limit: MAX_RECIPIENTS,
    });
    return page.results.filter((c) => (orgId ? c.orgId === orgId : true));
  }

  private async email(to: CaregiverRow, alert: ComplianceAlert): Promise<void> {
    const link = `${this.config.frontendUrl.replace(/\/$/, '')}/compliance`;
    const text = `Bianca security alert (${alert.kind}).\n\n${alert.summary}\n\nReview it in Bianca: ${link}\n`;
    try {
      await this.mail.send(
        {
          to: to.email,
          subject: `Bianca security alert: ${alert.kind}`,
          text,
          html: `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>`,
          template: `compliance-${alert.kind}`,
        },
        this.config.emailFrom,
      );
    } catch (err) {
      this.logger.warn({ msg: 'compliance alert e-mail failed', kind: alert.kind, err: serializeError(err) });
    }
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
