import { translate, type Locale } from '@app/notifications';
import { CATEGORIES, SEVERITIES, type Category, type Severity } from './alert.table';

/**
 * Alerts raised by the system are stored as a message key plus parameters (beside the English
 * `message` fallback) and rendered in the reader's language at read time. Severity and category are
 * stored as their codes and translated as labels; the patient's words and phrase labels stay as
 * spoken; the AI's own description of a concern is shown as written.
 */
export interface AlertMessageParamsOf {
  'emergency.phrase': { severity: Severity; category: Category; phrase: string; quote: string };
  'emergency.ai_concern': { severity: Severity; category: Category; concern: string };
  'checkin.missed': { attempts: number };
}
export type AlertMessageKey = keyof AlertMessageParamsOf;
export const ALERT_MESSAGE_KEYS = [
  'emergency.phrase',
  'emergency.ai_concern',
  'checkin.missed',
] as const satisfies readonly AlertMessageKey[];

/** A key with its parameters, as `AlertService.raise` takes them. */
export type AlertMessage = { [K in AlertMessageKey]: { messageKey: K; messageParams: AlertMessageParamsOf[K] } }[AlertMessageKey];

type StringKey = Parameters<typeof translate>[1];

const SEVERITY_LABEL: Record<Severity, StringKey> = {
  CRITICAL: 'severityCritical',
  HIGH: 'severityHigh',
  MEDIUM: 'severityMedium',
};
const CATEGORY_LABEL: Record<Category, StringKey> = {
  Medical: 'categoryMedical',
  Safety: 'categorySafety',
  Physical: 'categoryPhysical',
  Request: 'categoryRequest',
};

/** The text of a keyed alert in `locale` (English: the stored fallback `message`). */
export function renderAlertMessage(locale: Locale, message: AlertMessage): string {
  const label = (p: { severity: Severity; category: Category }) => ({
    severity: translate(locale, SEVERITY_LABEL[p.severity]),
    category: translate(locale, CATEGORY_LABEL[p.category]),
  });
  switch (message.messageKey) {
    case 'emergency.phrase': {
      const p = message.messageParams;
      return translate(locale, 'alertEmergencyPhrase', { ...label(p), phrase: p.phrase, quote: p.quote });
    }
    case 'emergency.ai_concern': {
      const p = message.messageParams;
      return translate(locale, 'alertAiConcern', { ...label(p), concern: p.concern });
    }
    case 'checkin.missed': {
      const { attempts } = message.messageParams;
      return translate(locale, attempts === 1 ? 'alertMissedCheckInOne' : 'alertMissedCheckIn', { attempts });
    }
  }
}

/**
 * A stored key and its decrypted JSON parameters, checked (the row may predate a key or have been
 * written by another version): undefined when they do not form a renderable message.
 */
export function parseAlertMessage(key: string, params: unknown): AlertMessage | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  const p = params as Record<string, unknown>;
  const str = (name: string) => typeof p[name] === 'string';
  const labelled = (SEVERITIES as readonly unknown[]).includes(p.severity) && (CATEGORIES as readonly unknown[]).includes(p.category);
  switch (key) {
    case 'emergency.phrase':
      return labelled && str('phrase') && str('quote')
        ? { messageKey: key, messageParams: p as AlertMessageParamsOf[typeof key] }
        : undefined;
    case 'emergency.ai_concern':
      return labelled && str('concern') ? { messageKey: key, messageParams: p as AlertMessageParamsOf[typeof key] } : undefined;
    case 'checkin.missed':
      return Number.isInteger(p.attempts) ? { messageKey: key, messageParams: p as AlertMessageParamsOf[typeof key] } : undefined;
    default:
      return undefined;
  }
}
