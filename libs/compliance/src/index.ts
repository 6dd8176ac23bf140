// Public door of @app/compliance: breach detection, break-glass access, key rotation, privacy
// (consent, data-subject export/erasure) and retention.
//
// For other domains:
//   - PrivacyContributors.register({domain, export(subject, tx), erase(subject, tx)}) in onModuleInit
//     (import ComplianceModule), so data-subject export and erasure cover your patient data;
//   - EncryptedColumnRegistry.register({table, idColumn, orgColumn, columns}) in onModuleInit, so
//     `keys:reencrypt` (runReencrypt) rotates your FieldCipher columns;
//   - BreachDetector.run() / checkDeadlines() (jobs run them; tests and tools may call them).
export * from './compliance.module';
export {
  BREACH_RULES,
  detect,
  withinHours,
  type BreachRuleId,
  type BreachRuleSpec,
  type DetectorEntry,
  type BreachFiring,
} from './breach-rules';
export {
  BreachDetector,
  NOTIFICATION_DEADLINE_DAYS,
  ESCALATION_DAYS,
  BREACH_DETECT_INTERVAL_MS,
  type DetectionRun,
} from './breach-detector.service';
export { BreakGlassService, BREAK_GLASS_MAX_MINUTES, BREAK_GLASS_REASON_MIN, type BreakGlassGrant } from './break-glass.service';
export {
  EncryptedColumnRegistry,
  KeyRotationService,
  runReencrypt,
  KEYS_REENCRYPT_USAGE,
  type EncryptedColumnSet,
  type ReencryptIo,
  type ReencryptResult,
} from './key-rotation.service';
export type { BusinessHours } from './compliance.table';
export { PrivacyContributors, type PrivacyContributor, type PrivacyExportPart, type PrivacySubject } from './privacy-contributors';
export { PrivacyService, type ConsentOverview, type PatientExport } from './privacy.service';
export {
  RetentionService,
  AUDIT_RETENTION_DEFAULT_DAYS,
  CONVERSATION_RETENTION_MIN_DAYS,
  type ComplianceSettings,
  type PurgeResult,
} from './retention.service';
export { CONSENT_TYPES, type ConsentType, type ConsentStatus } from './privacy.table';
