import { ValidationError } from '@app/platform';

export const INVALID_PHONE_MESSAGE = 'Invalid phone number format. Please use 10 digits or E.164 format (e.g., +1234567890)';

const FORMATTING = /[\s().-]/g;

/** Accepts what the client sends today (`1234567890`, `+16045550101`, `(604) 555-0101`). */
export function isPhoneNumber(value: string): boolean {
  const compact = value.replace(FORMATTING, '');
  return /^\+[1-9]\d{6,14}$/.test(compact) || /^\d{7,15}$/.test(compact);
}

/** Validates and keeps the number as sent (the client reads back what it wrote: contract D5). */
export function validatePhone(value: string): string {
  const trimmed = value.trim();
  if (!isPhoneNumber(trimmed)) throw new ValidationError(INVALID_PHONE_MESSAGE, 'InvalidPhone');
  return trimmed;
}

/** E.164 for delivery: 10 digits → +1…, 11 digits starting with 1 → +…, +… kept; else undefined. */
export function toE164(value: string): string | undefined {
  const compact = value.trim().replace(FORMATTING, '');
  let candidate: string;
  if (compact.startsWith('+')) candidate = compact;
  else if (/^\d{10}$/.test(compact)) candidate = `+1${compact}`;
  else if (/^1\d{10}$/.test(compact)) candidate = `+${compact}`;
  else candidate = `+${compact}`;
  return /^\+[1-9]\d{9,14}$/.test(candidate) ? candidate : undefined;
}

/** `+1******0101` — enough for the person to recognise their number, nothing more. */
export function maskPhone(e164: string): string {
  if (e164.length <= 6) return '***';
  return `${e164.slice(0, 2)}${'*'.repeat(Math.max(3, e164.length - 6))}${e164.slice(-4)}`;
}
