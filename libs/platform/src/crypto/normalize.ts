import { ValidationError } from '../errors/domain-error';

/**
 * Normalisers applied before a blind index (and before storing), so formatting variants of one
 * value give one index. Idempotent: normalize(normalize(x)) === normalize(x). Errors never echo
 * the input (it is PHI).
 */

/** Trimmed, NFC, lower-case. No provider-specific rules (dots, +tags): those are real addresses. */
export function normalizeEmail(value: string): string {
  return value.normalize('NFC').trim().toLowerCase();
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * E.164 (`+15551234567`). Accepts spaces, dashes, dots and parentheses, a `00` international
 * prefix, and national numbers of the default country (`1`: NANP, 10 digits, optional leading 1).
 * Throws ValidationError (400) for anything else.
 */
export function normalizePhoneE164(value: string, defaultCountryCode = '1'): string {
  const compact = value
    .normalize('NFKC')
    .trim()
    .replace(/[\s().\-\u00a0]/g, '');
  let e164: string;
  if (compact.startsWith('+')) e164 = compact;
  else if (compact.startsWith('00')) e164 = `+${compact.slice(2)}`;
  else if (defaultCountryCode === '1' && /^1?\d{10}$/.test(compact)) e164 = `+1${compact.slice(-10)}`;
  else e164 = `+${defaultCountryCode}${compact.replace(/^0/, '')}`;
  if (!E164.test(e164)) throw new ValidationError('phone must be a valid phone number in E.164 format (e.g. +15551234567)', 'InvalidPhone');
  return e164;
}

/** Names for exact-match search: NFKC, trimmed, inner whitespace collapsed, lower-case. */
export function normalizeName(value: string): string {
  return value.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en-US');
}
