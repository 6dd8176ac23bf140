// Public door of @app/compliance: breach detection, break-glass access, key rotation.
//
// For other domains:
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
