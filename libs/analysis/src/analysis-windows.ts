import { ValidationError } from '@app/platform';
import type { AnalysisTimeRange } from './analysis.table';

/** Rolling analysis windows ending now (not calendar periods: "month" on the 1st is not empty). */
export function rollingWindow(timeRange: Exclude<AnalysisTimeRange, 'custom'>, now: Date): { start: Date; end: Date } {
  const start = new Date(now);
  start.setUTCMonth(start.getUTCMonth() - (timeRange === 'month' ? 1 : timeRange === 'quarter' ? 3 : 12));
  return { start, end: now };
}

/** Parses an ISO date or date-time query value (already shape-checked by the DTO). */
export function parseDate(name: string, value: string): Date {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value);
  if (Number.isNaN(date.getTime())) throw new ValidationError(`"${name}" must be a valid date`);
  return date;
}

/** The end of a date-only value is the end of that day (inclusive), a date-time is taken as is. */
export function parseEndDate(name: string, value: string): Date {
  const date = parseDate(name, value);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(date.getTime() + 86_400_000) : date;
}

export const MAX_WINDOW_DAYS = 366 * 2;

/** `custom` needs both dates; start before end; at most two years (bounded work per request). */
export function customWindow(startDate: string | undefined, endDate: string | undefined): { start: Date; end: Date } {
  if (!startDate || !endDate) throw new ValidationError('"startDate" and "endDate" are required when timeRange is custom');
  return checkedWindow(parseDate('startDate', startDate), parseEndDate('endDate', endDate), 'startDate', 'endDate');
}

export function checkedWindow(start: Date, end: Date, startName: string, endName: string): { start: Date; end: Date } {
  if (start.getTime() >= end.getTime()) throw new ValidationError(`"${startName}" must be before "${endName}"`);
  if (end.getTime() - start.getTime() > MAX_WINDOW_DAYS * 86_400_000)
    throw new ValidationError(`the period from "${startName}" to "${endName}" must not exceed ${MAX_WINDOW_DAYS} days`);
  return { start, end };
}

export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);
