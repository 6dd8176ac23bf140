import type { Actor } from '@app/platform';

/**
 * What a domain reports to the audit log: who did what to which ids, and how it ended. Only ids,
 * codes and action names — never PHI values (names, phones, notes, transcripts). Actor, request id,
 * IP and user agent come from the request context unless `actor` is given (null: no actor).
 */
export interface AuditEvent {
  /** `<domain>.<resource>.<verb>` short code, e.g. `patient.read`; see AUDIT_ACTIONS. */
  action: string;
  /** e.g. `patient`, `conversation`, `user`. */
  resourceType: string;
  resourceIds?: string[];
  /** Patients whose PHI was touched (the HIPAA accounting-of-disclosures key). */
  patientIds?: string[];
  /** The org whose data it is; defaults to the actor's org. */
  orgId?: string | null;
  outcome: 'success' | 'denied' | 'failure';
  /** Short code, e.g. `cross_tenant`, `mfa_required`. */
  reason?: string;
  severity?: 'info' | 'warning' | 'high';
  actor?: Actor | null;
}

export type AuditOutcome = AuditEvent['outcome'];
export type AuditSeverity = NonNullable<AuditEvent['severity']>;
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'denied', 'failure'];
export const AUDIT_SEVERITIES: readonly AuditSeverity[] = ['info', 'warning', 'high'];

/**
 * Action names in use, with what they mean. Convention: `<domain>.<resource>.<verb>` (verbs: read,
 * list, search, create, update, delete, export; auth events: `auth.<event>`). Domains add theirs
 * here so compliance officers have one list to read; `record()` accepts any well-formed code.
 */
export const AUDIT_ACTIONS = {
  'audit.entries.list': 'A compliance officer listed audit entries (filters as resource ids)',
  'audit.entries.export': 'A compliance officer exported audit entries (csv or ndjson)',
  'audit.access.denied': 'Someone without the right role tried to read the audit log',
  'audit.verify': 'The audit chain was verified (outcome failure: tampering detected)',
  'phi.decrypt.failed': 'A stored PHI value failed authentication on decrypt (possible tampering)',
  'auth.login': 'Password login (success, or failure with a reason code)',
  'auth.logout': 'Logout',
  'auth.mfa': 'MFA challenge answered',
  'auth.lockout': 'Account temporarily locked after repeated failures',
  'auth.password_reset': 'Password reset requested or completed',
  'auth.register': 'A new account (and its org) was created: self-registration or first SSO sign-in',
  'auth.invite.accept': 'An invited caregiver completed registration',
  'auth.email.verify': 'An e-mail address was verified with the mailed token',
  'auth.password_set': 'An SSO account set its first password',
  'auth.phone.verify': 'A phone number was verified with the SMS code',
  'auth.mfa.setup': 'MFA enrolment started (secret and backup codes issued)',
  'auth.mfa.enable': 'MFA enabled (or a failed attempt to, with a reason code)',
  'auth.mfa.disable': 'MFA disabled (or a failed attempt to, with a reason code)',
  'auth.mfa.backup_codes': 'MFA backup codes regenerated',
  'auth.mfa.backup_code_used': 'A single-use MFA backup code was consumed',
  'auth.sso.link': 'An SSO identity was linked to an existing account',
  'auth.role.change': 'A caregiver role was changed (denied: e.g. granting superAdmin without the right)',
  'auth.session.revoke': "Session(s) ended: own session terminated, an admin ended a member's sessions, or refresh-token reuse",
  'auth.superadmin.create': 'A superAdmin account was created from the operator CLI',
  'org.update': 'Organisation settings changed',
  'org.delete': 'Organisation deleted (its caregivers closed and their sessions ended)',
  'org.invite': 'A caregiver was invited to an organisation',
  'org.caregiver.add': 'A caregiver was moved into an organisation',
  'org.caregiver.remove': 'A caregiver was removed from an organisation (account closed)',
  'user.update': 'A caregiver profile was updated',
  'user.delete': 'A caregiver account was deleted',
  'authz.denied': 'An authorization check denied a request (incl. cross-tenant ids answered 404)',
  'compliance.breaches.list': 'An orgAdmin or superAdmin listed breach-log incidents',
  'compliance.breach.update': 'A breach incident was acknowledged or marked notified (reason: the new status)',
  'compliance.break_glass.create': 'A superAdmin opened time-boxed break-glass PHI access to an org (high)',
  'compliance.break_glass.revoke': 'A break-glass grant was revoked early (high)',
  'compliance.break_glass.use': 'A PHI route was reached through a break-glass grant (high; reason: break_glass_<action>)',
  'compliance.keys.reencrypt': 'A key-rotation re-encryption pass ran (reason: complete or partial)',
  'analysis.conversation.analyze': 'A call transcript was analysed (sentiment + summary; reason: openai, local or already_analyzed)',
  'analysis.sentiment.read': 'Stored call sentiments of a patient were read (trend, summary or one call)',
  'analysis.medical.create': 'A medical pattern analysis of a patient’s calls was computed and stored',
  'analysis.medical.read': 'Stored medical pattern analyses of a patient were read',
  'analysis.medical.schedule': 'An orgAdmin scheduled analysis jobs for every patient of the org',
  'analysis.monthly.schedule':
    'The monthly job scheduled medical and fraud/abuse analyses of every live patient (resource id: the run key)',
  'analysis.fraud.create': 'A fraud/abuse analysis of a patient’s calls was computed and stored',
  'analysis.fraud.read': 'Stored fraud/abuse analyses of a patient were read',
  'analysis.report.read': 'A patient wellness report was viewed (JSON)',
  'analysis.report.export': 'A patient wellness report was exported (PDF)',
} as const satisfies Record<string, string>;

export type KnownAuditAction = keyof typeof AUDIT_ACTIONS;
