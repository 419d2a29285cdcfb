/**
 * Time of day in the PBX's time zone, pure (Intl, no clock of its own). A scheduled log-out at `HH:MM` is due once
 * the wall clock has passed an `HH:MM` since the session began: a session begun at 17:59 ends at 18:00 the same day,
 * one begun at 18:01 at 18:00 the next day. Wall-clock arithmetic, so a day with a DST change still ends at `HH:MM`.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock time in `timeZone` at `instant`, as if that wall clock were UTC (ms): comparable, not an instant. */
export function wallClock(instant: Date, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** `HH:MM` as minutes after midnight; undefined for '' (no scheduled log-out). */
export function minutesOfDay(hhmm: string): number | undefined {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** Whether the wall clock passed `hhmm` (at or after) since `since`, as of `now`. */
export function scheduledTimePassed(since: Date, now: Date, hhmm: string, timeZone: string): boolean {
  const minutes = minutesOfDay(hhmm);
  if (minutes === undefined) return false;
  const start = wallClock(since, timeZone);
  let first = Math.floor(start / DAY) * DAY + minutes * MINUTE;
  if (first <= start) first += DAY;
  return wallClock(now, timeZone) >= first;
}
