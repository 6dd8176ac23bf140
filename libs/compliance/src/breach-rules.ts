import type { BusinessHours } from './compliance.table';

/**
 * Breach-detection rules (security.md B1) over audit entries, with their documented thresholds.
 * Pure: `detect()` replays a stream of entries (seq order) and returns the firings; the detector
 * service feeds it sealed entries incrementally and persists the firings. A rule fires when its
 * count reaches the threshold within the window ending at the current entry; it then stays quiet
 * for that rule + subject until one window has passed since the firing (one alert per window).
 */
export type BreachRuleId =
  | 'failed_logins_account'
  | 'failed_logins_org'
  | 'failed_mfa'
  | 'phi_read_volume'
  | 'phi_read_burst'
  | 'off_hours_access'
  | 'cross_tenant_denials'
  | 'superadmin_phi_access'
  | 'audit_verifier_failure';

export type BreachSeverity = 'medium' | 'high' | 'critical';

export interface BreachRuleSpec {
  id: BreachRuleId;
  /** Events (or distinct patients) within `windowMs` that fire the rule. */
  threshold: number;
  windowMs: number;
  severity: BreachSeverity;
  description: string;
}

const MIN = 60_000;

export const BREACH_RULES: Record<BreachRuleId, BreachRuleSpec> = {
  failed_logins_account: {
    id: 'failed_logins_account',
    threshold: 10,
    windowMs: 15 * MIN,
    severity: 'high',
    description: '≥ 10 failed logins for one account in 15 min (the account lock threshold)',
  },
  failed_logins_org: {
    id: 'failed_logins_org',
    threshold: 101,
    windowMs: 1 * MIN,
    severity: 'critical',
    description: '> 100 failed logins across the accounts of one org in 1 min',
  },
  failed_mfa: {
    id: 'failed_mfa',
    threshold: 6,
    windowMs: 15 * MIN,
    severity: 'high',
    description: '> 5 failed TOTP / MFA codes for one account in 15 min',
  },
  phi_read_volume: {
    id: 'phi_read_volume',
    threshold: 51,
    windowMs: 10 * MIN,
    severity: 'critical',
    description: '> 50 distinct patients accessed by one actor in 10 min',
  },
  phi_read_burst: {
    id: 'phi_read_burst',
    threshold: 301,
    windowMs: 10 * MIN,
    severity: 'high',
    description: '> 300 PHI accesses (any patients, repeated reads included) by one actor in 10 min',
  },
  off_hours_access: {
    id: 'off_hours_access',
    threshold: 1,
    windowMs: 60 * MIN,
    severity: 'medium',
    description:
      "PHI access outside the org's configured business hours (default: none configured, rule off); one alert per actor per hour",
  },
  cross_tenant_denials: {
    id: 'cross_tenant_denials',
    threshold: 21,
    windowMs: 5 * MIN,
    severity: 'high',
    description: '> 20 cross-tenant denials (another org’s ids) by one actor in 5 min',
  },
  superadmin_phi_access: {
    id: 'superadmin_phi_access',
    threshold: 1,
    windowMs: 10 * MIN,
    severity: 'high',
    description: 'Any superAdmin PHI access (break-glass included); one alert per superAdmin per 10 min',
  },
  audit_verifier_failure: {
    id: 'audit_verifier_failure',
    threshold: 1,
    windowMs: 60 * MIN,
    severity: 'critical',
    description: 'Any audit-chain verification failure (tampering); one alert per hour',
  },
};

/** The audit-entry fields the rules read (ids and codes only). */
export interface DetectorEntry {
  seq: number;
  occurredAt: Date;
  orgId: string | null;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  outcome: string;
  reason: string | null;
  resourceIds: string[];
  patientIds: string[];
}

export interface BreachFiring {
  rule: BreachRuleId;
  subject: string;
  orgId: string | null;
  severity: BreachSeverity;
  windowStart: Date;
  windowEnd: Date;
  count: number;
  threshold: number;
  windowMs: number;
  firstSeq: number;
  lastSeq: number;
}

export interface DetectOptions {
  /** Business hours per org (orgs without: off-hours rule off). */
  hours?: ReadonlyMap<string, BusinessHours>;
  /** `rule|subject` → time until which that pair stays quiet (earlier firings). */
  quietUntil?: Map<string, number>;
  /** Entries with seq ≤ this only fill the windows (already processed); they never fire. */
  contextThroughSeq?: number;
}

interface Hit {
  time: number;
  seq: number;
  /** Distinct-value key (patient id) for distinct-count rules. */
  value?: string;
}

const PHI_ACCESS = (e: DetectorEntry): boolean => e.outcome === 'success' && e.patientIds.length > 0 && e.actorId !== null;
const FAILED_LOGIN = (e: DetectorEntry): boolean => e.action === 'auth.login' && e.outcome === 'failure';
const FAILED_MFA = (e: DetectorEntry): boolean =>
  e.outcome === 'failure' && (e.action === 'auth.mfa' || (e.action === 'auth.login' && e.reason === 'invalid_mfa_token'));

function minutesOfDay(text: string): number {
  const [h, m] = text.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Whether `at` falls inside the business hours (in their time zone). */
export function withinHours(hours: BusinessHours, at: Date): boolean {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: hours.timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const day = WEEKDAYS[get('weekday')] ?? 0;
  const minutes = Number(get('hour')) * 60 + Number(get('minute'));
  const start = minutesOfDay(hours.start);
  const end = minutesOfDay(hours.end);
  const inTime = start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  return hours.days.includes(day) && inTime;
}

/** Sliding windows per rule + subject. */
class Windows {
  private readonly hits = new Map<string, Hit[]>();

  add(key: string, hit: Hit, windowMs: number): Hit[] {
    let list = this.hits.get(key);
    if (!list) {
      list = [];
      this.hits.set(key, list);
    }
    list.push(hit);
    const from = hit.time - windowMs;
    while (list.length > 0 && list[0].time <= from) list.shift();
    return list;
  }
}

function distinctCount(hits: Hit[]): number {
  return new Set(hits.map((h) => h.value)).size;
}

/** Replays `entries` (seq order) through every rule; see the file comment. */
export function detect(entries: readonly DetectorEntry[], options: DetectOptions = {}): BreachFiring[] {
  const windows = new Windows();
  const quiet = options.quietUntil ?? new Map<string, number>();
  const context = options.contextThroughSeq ?? 0;
  const firings: BreachFiring[] = [];

  const observe = (
    rule: BreachRuleId,
    subject: string,
    orgId: string | null,
    entry: DetectorEntry,
    values: (string | undefined)[],
  ): void => {
    const spec = BREACH_RULES[rule];
    const time = entry.occurredAt.getTime();
    let hits: Hit[] = [];
    for (const value of values) hits = windows.add(`${rule}|${subject}`, { time, seq: entry.seq, value }, spec.windowMs);
    const count = values[0] === undefined ? hits.length : distinctCount(hits);
    if (entry.seq <= context || count < spec.threshold) return;
    const key = `${rule}|${subject}`;
    if ((quiet.get(key) ?? Number.NEGATIVE_INFINITY) > time) return;
    quiet.set(key, time + spec.windowMs);
    const first = hits[0];
    firings.push({
      rule,
      subject,
      orgId,
      severity: spec.severity,
      windowStart: new Date(first.time),
      windowEnd: new Date(time),
      count,
      threshold: spec.threshold,
      windowMs: spec.windowMs,
      firstSeq: first.seq,
      lastSeq: entry.seq,
    });
  };

  for (const e of entries) {
    if (FAILED_LOGIN(e) || FAILED_MFA(e)) {
      const account = e.resourceIds[0];
      if (FAILED_MFA(e) && account) observe('failed_mfa', account, e.orgId, e, [undefined]);
      else if (account) observe('failed_logins_account', account, e.orgId, e, [undefined]);
      if (e.orgId && !FAILED_MFA(e)) observe('failed_logins_org', e.orgId, e.orgId, e, [undefined]);
    }
    if (PHI_ACCESS(e)) {
      const actor = e.actorId as string;
      observe('phi_read_volume', actor, e.orgId, e, e.patientIds);
      observe('phi_read_burst', actor, e.orgId, e, [undefined]);
      const hours = e.orgId ? options.hours?.get(e.orgId) : undefined;
      if (hours && !withinHours(hours, e.occurredAt)) observe('off_hours_access', actor, e.orgId, e, [undefined]);
      if (e.actorRole === 'superAdmin') {
        observe('superadmin_phi_access', actor, e.orgId, e, [undefined]);
      }
    }
    if (e.action === 'authz.denied' && e.reason === 'cross_tenant' && e.actorId) {
      observe('cross_tenant_denials', e.actorId, null, e, [undefined]);
    }
    if (e.action === 'audit.verify' && e.outcome === 'failure') observe('audit_verifier_failure', 'audit_chain', null, e, [undefined]);
  }
  return firings;
}
