import { DateTime } from 'luxon';

/**
 * Recurrence of call schedules, pure and synchronous (testable without Nest or a database).
 *
 * A schedule is wall-clock times (`HH:mm`) in an IANA zone, on the days its frequency selects:
 *   - daily: every day;
 *   - weekly: `intervals[{day 0-6 (0 = Sunday), weeks ≥ 1}]`: that weekday every `weeks` weeks,
 *     counted from the week (Sunday-based) of the schedule's anchor date;
 *   - monthly: `intervals[{day 1-31}]`: that day of the month, clamped to the month's last day.
 *
 * Daylight-saving rules: a wall time that does not exist on a spring-forward day (02:30 in New York
 * on the second Sunday of March) happens at the same distance after the gap (03:30 local); a wall
 * time that exists twice on a fall-back day happens once, at its first (daylight-time) instant.
 * Every other day keeps its wall time, so the UTC instant moves by the offset change.
 */
export type Frequency = 'daily' | 'weekly' | 'monthly';
export const FREQUENCIES: readonly Frequency[] = ['daily', 'weekly', 'monthly'];

export interface Interval {
  day?: number;
  weeks?: number;
}

export interface Recurrence {
  frequency: Frequency;
  intervals: Interval[];
  /** `HH:mm`, 24 h, local to `timezone`. */
  times: string[];
  timezone: string;
  /** Start of the `weeks` cycle (the schedule's creation); only its local date matters. */
  anchor: Date;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;
/** How far nextOccurrence looks ahead: long enough for any valid weekly/monthly rule. */
const HORIZON_DAYS = 7 * 60 + 62;

export function isHhMm(value: string): boolean {
  return HH_MM.test(value);
}

/** Rule problems as messages (empty when the recurrence is valid). */
export function recurrenceProblems(r: Pick<Recurrence, 'frequency' | 'intervals' | 'times' | 'timezone'>): string[] {
  const problems: string[] = [];
  if (!FREQUENCIES.includes(r.frequency)) problems.push(`"frequency" must be one of [${FREQUENCIES.join(', ')}]`);
  if (r.times.length === 0) problems.push('"time" is required');
  for (const t of r.times) if (!isHhMm(t)) problems.push('"time" must be HH:mm (00:00-23:59)');
  if (!DateTime.local().setZone(r.timezone).isValid) problems.push(`timezone "${r.timezone}" is not an IANA time zone`);
  if (r.frequency === 'weekly' || r.frequency === 'monthly') {
    if (r.intervals.length === 0) problems.push(`"intervals" must contain at least 1 item for a ${r.frequency} schedule`);
    for (const i of r.intervals) {
      const day = i.day;
      if (day === undefined) problems.push('"intervals.day" is required');
      else if (r.frequency === 'weekly' && (day < 0 || day > 6))
        problems.push('"intervals.day" must be 0-6 (0 = Sunday) for a weekly schedule');
      else if (r.frequency === 'monthly' && (day < 1 || day > 31)) problems.push('"intervals.day" must be 1-31 for a monthly schedule');
      if (i.weeks !== undefined && (i.weeks < 1 || i.weeks > 52)) problems.push('"intervals.weeks" must be 1-52');
    }
  }
  return [...new Set(problems)];
}

/** Days since 1970-01-01 of a local calendar date (zone-free arithmetic). */
function dayNumber(d: DateTime): number {
  return Math.floor(Date.UTC(d.year, d.month - 1, d.day) / DAY_MS);
}

/** Sunday-based week number (1970-01-01 was a Thursday). */
function weekNumber(d: DateTime): number {
  return Math.floor((dayNumber(d) + 4) / 7);
}

function matchesDay(r: Recurrence, date: DateTime, anchorWeek: number): boolean {
  switch (r.frequency) {
    case 'daily':
      return true;
    case 'weekly':
      return r.intervals.some((i) => {
        const weeks = i.weeks ?? 1;
        return date.weekday % 7 === i.day && (((weekNumber(date) - anchorWeek) % weeks) + weeks) % weeks === 0;
      });
    case 'monthly':
      return r.intervals.some((i) => i.day !== undefined && date.day === Math.min(i.day, date.daysInMonth ?? 31));
  }
}

/** The instant of a local wall time; see the DST rules above. */
export function wallTimeInstant(date: { year: number; month: number; day: number }, time: string, zone: string): Date {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const dt = DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour, minute }, { zone });
  // Fall-back: the same wall time an hour earlier means it occurs twice; take the first.
  const earlier = dt.minus({ hours: 1 });
  if (earlier.hour === hour && earlier.minute === minute && earlier.day === date.day) return earlier.toJSDate();
  return dt.toJSDate();
}

/** Every occurrence in [from, to), ascending. */
export function occurrencesBetween(r: Recurrence, from: Date, to: Date): Date[] {
  if (to <= from) return [];
  const anchorWeek = weekNumber(DateTime.fromJSDate(r.anchor, { zone: r.timezone }));
  const times = [...new Set(r.times)].sort();
  const out: number[] = [];
  let day = DateTime.fromJSDate(from, { zone: r.timezone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromJSDate(to, { zone: r.timezone }).startOf('day').plus({ days: 1 });
  while (day <= last) {
    if (matchesDay(r, day, anchorWeek)) {
      for (const t of times) {
        const at = wallTimeInstant(day, t, r.timezone).getTime();
        if (at >= from.getTime() && at < to.getTime()) out.push(at);
      }
    }
    day = day.plus({ days: 1 });
  }
  return [...new Set(out)].sort((a, b) => a - b).map((ms) => new Date(ms));
}

/** The first occurrence strictly after `after` (null when the rule selects no day). */
export function nextOccurrence(r: Recurrence, after: Date): Date | null {
  const start = new Date(after.getTime() + 1);
  for (let offset = 0; offset < HORIZON_DAYS; offset += 35) {
    const from = new Date(start.getTime() + offset * DAY_MS);
    const [first] = occurrencesBetween(r, from, new Date(from.getTime() + 35 * DAY_MS));
    if (first) return first;
  }
  return null;
}
