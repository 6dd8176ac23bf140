import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  AlertService,
  CATEGORIES,
  EmergencyPhraseEvents,
  EmergencyPhraseService,
  PHRASE_LANGUAGES,
  renderAlertMessage,
  type AlertMessage,
  type Category,
} from '@app/emergency';
import { NotificationService } from '@app/notifications';
import { PatientService } from '@app/patients';
import { Clock, RealtimePublisher, serializeError } from '@app/platform';
import { RiskDetector, type RiskDetectorSource, type RiskPhrase, type RiskReport, type RiskSink } from '@app/voice';
import './call-events';
import { CallAudience } from './call-audience';

/** How long an org's compiled phrase set is reused before it is rebuilt from the table. */
const DETECTOR_TTL_MS = 60_000;

/** The AI's free-form concern category, as one of the alert categories. */
export function alertCategoryOf(category: string): Category {
  const exact = CATEGORIES.find((c) => c.toLowerCase() === category.toLowerCase());
  if (exact) return exact;
  const c = category.toLowerCase();
  if (/fall|injur|hurt|bleed|physical/.test(c)) return 'Physical';
  if (/safe|scam|fraud|abuse|neglect|threat|fire|intruder/.test(c)) return 'Safety';
  if (/request|help|assist|call back|callback/.test(c)) return 'Request';
  return 'Medical';
}

/**
 * The emergency ports of a call: compiled phrase sets per org (every language: defaults overridden
 * by the org's and the platform's phrases), and hits → alert (merged within the window) → the
 * patient's caregivers over Socket.io at once, then by e-mail/SMS. Repeats that merged into an
 * open alert notify again only when they raised its severity.
 */
@Injectable()
export class CallRiskPorts implements RiskSink, RiskDetectorSource, OnModuleInit {
  private readonly logger = new Logger('CallRisk');
  private readonly detectors = new Map<string, { at: number; detector: Promise<RiskDetector> }>();
  private readonly deliveries = new Set<Promise<void>>();

  constructor(
    private readonly phrases: EmergencyPhraseService,
    private readonly alerts: AlertService,
    private readonly patients: PatientService,
    private readonly audience: CallAudience,
    private readonly notifications: NotificationService,
    private readonly realtime: RealtimePublisher,
    private readonly clock: Clock,
    private readonly phraseEvents: EmergencyPhraseEvents,
  ) {}

  onModuleInit(): void {
    // Platform-wide rows (orgId null) are part of every org's set.
    this.phraseEvents.onChange(({ orgId }) => this.invalidate(orgId ?? undefined));
  }

  detectorFor(orgId: string): Promise<RiskDetector> {
    const now = this.clock.now().getTime();
    const cached = this.detectors.get(orgId);
    if (cached && now - cached.at < DETECTOR_TTL_MS) return cached.detector;
    const detector = this.build(orgId);
    detector.catch(() => this.detectors.delete(orgId));
    this.detectors.set(orgId, { at: now, detector });
    return detector;
  }

  /** Drops an org's cached phrase set (after its phrases changed). */
  invalidate(orgId?: string): void {
    if (orgId) this.detectors.delete(orgId);
    else this.detectors.clear();
  }

  private async build(orgId: string): Promise<RiskDetector> {
    const sets = await this.phrases.phraseSets(orgId, PHRASE_LANGUAGES); // one query for every language
    const list: RiskPhrase[] = [...sets].flatMap(([language, phrases]) =>
      phrases.map((p) => ({ key: p.id, language, phrase: p.phrase, category: p.category, severity: p.severity, pattern: p.regex.source })),
    );
    return new RiskDetector(list);
  }

  async report(report: RiskReport): Promise<void> {
    const category = alertCategoryOf(report.category);
    const quote = report.matched.length > 200 ? `${report.matched.slice(0, 200)}…` : report.matched;
    // Stored as key + params (rendered in each caregiver's language); the English text is the fallback.
    const keyed: AlertMessage =
      report.source === 'ai'
        ? { messageKey: 'emergency.ai_concern', messageParams: { severity: report.severity, category, concern: report.phrase } }
        : { messageKey: 'emergency.phrase', messageParams: { severity: report.severity, category, phrase: report.phrase, quote } };
    // Phrase statistics (GET /v1/emergency-phrases/statistics): org and platform rows, not built-ins.
    if (report.source === 'detector' && report.phraseKey) {
      await this.phrases
        .recordUsage(report.orgId, report.phraseKey)
        .catch((err: unknown) => this.logger.warn({ msg: 'phrase usage not counted', err: serializeError(err) }));
    }
    const raised = await this.alerts.raise({
      orgId: report.orgId,
      patientId: report.patientId,
      conversationId: report.callId,
      category,
      severity: report.severity,
      message: renderAlertMessage('en', keyed),
      ...keyed,
    });
    if (!raised.created && !raised.escalated) return;
    const members = await this.audience.of(report.orgId, report.patientId);
    const payload = {
      alertId: raised.alertId,
      patientId: report.patientId,
      conversationId: report.callId,
      category,
      severity: report.severity,
      escalated: raised.escalated,
      at: this.clock.now().toISOString(),
    };
    for (const m of members) this.realtime.toUser(m.id, 'alert.created', payload);
    this.deliver(report, raised.alertId, members);
  }

  /** E-mail/SMS in the background: the call's risk chain never waits on a mail server. */
  private deliver(report: RiskReport, alertId: string, members: Awaited<ReturnType<CallAudience['of']>>): void {
    const delivery = (async () => {
      const patient = await this.patients.get(report.orgId, report.patientId);
      const name = patient.preferredName || patient.name.split(/\s+/)[0] || patient.name;
      await this.notifications.sendCareAlert(members, { kind: 'emergency', patient: name, severity: report.severity, alertId });
    })()
      .catch((err: unknown) => this.logger.error({ msg: 'care alert delivery failed', alertId, err: serializeError(err) }))
      .finally(() => this.deliveries.delete(delivery));
    this.deliveries.add(delivery);
  }

  /** Waits for background deliveries (shutdown, tests). */
  async settled(): Promise<void> {
    while (this.deliveries.size > 0) await Promise.all([...this.deliveries]);
  }
}
