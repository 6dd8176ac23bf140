// Public door of @app/emergency: alerts and emergency phrases.
//
// For the live emergency detector (voice issue):
//   - EmergencyPhraseService.phraseSet(orgId, language) → compiled active phrases (regex, severity, category);
//   - AlertService.raise({orgId, patientId, conversationId?, category, severity, message, ...})
//     → {alertId, created, escalated} (same patient+category within the window merges).
//     System alerts add {messageKey, messageParams} (AlertMessage): shown in each reader's language;
//     `message` = renderAlertMessage('en', …) is the stored fallback.
//   - EmergencyPhraseService.recordUsage(orgId, phrase.id) per detector hit (feeds /statistics);
//   - EmergencyPhraseEvents.onChange(({orgId}) => …) after phrases changed (orgId null = platform rows,
//     i.e. every org's set) — drop cached phrase sets.
export * from './emergency.module';
export {
  AlertService,
  ALERT_NOT_FOUND,
  IMPORTANCE_OF_SEVERITY,
  RELEVANCE_SECONDS,
  type RaiseAlertInput,
  type RaiseResult,
  type AlertCounts,
} from './alert.service';
export { EmergencyPhraseService, PHRASE_NOT_FOUND, type CompiledPhrase } from './emergency-phrase.service';
export { EmergencyPhraseEvents, type PhraseChange, type PhraseListener } from './emergency-phrase.events';
export { DEFAULT_PHRASES, type DefaultPhrase } from './default-phrases';
export { CATEGORIES, SEVERITIES, IMPORTANCES, VISIBILITIES, type Category, type Severity, type Importance } from './alert.table';
export { PHRASE_LANGUAGES, type PhraseLanguage } from './emergency-phrase.table';
export { AlertResponse } from './alert.dto';
export {
  ALERT_MESSAGE_KEYS,
  renderAlertMessage,
  type AlertMessage,
  type AlertMessageKey,
  type AlertMessageParamsOf,
} from './alert-messages';
