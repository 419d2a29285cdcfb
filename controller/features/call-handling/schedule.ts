import type { Schedule, Weekday, WeeklyHours } from './handling.types.js';

/** Business hours, pure: whether `now` is inside the schedule's weekly hours in its time zone, holidays excepted. */

const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** `now` as the wall clock of the zone shows it: weekday, date and minutes since midnight. */
export function localTime(now: Date, timeZone: string): { day: Weekday; date: string; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const day = part('weekday').toLowerCase().slice(0, 3) as Weekday;
  return {
    day,
    date: `${part('year')}-${part('month')}-${part('day')}`,
    minutes: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

/** `HH:MM` → minutes since midnight (`24:00` is 1440). */
export const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

export function isOpen(schedule: Schedule, now: Date): boolean {
  const local = localTime(now, schedule.timeZone);
  if (schedule.holidays.includes(local.date)) return false;
  return schedule.weekly.some(
    (w) =>
      w.days.includes(local.day) && minutesOf(w.from) <= local.minutes && local.minutes < minutesOf(w.to),
  );
}

/** Whether a zone name is one this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Pairs of weekly entries that overlap on a day, as `index:index:day` (for validation messages). */
export function overlaps(weekly: WeeklyHours[]): { a: number; b: number; day: Weekday }[] {
  const found: { a: number; b: number; day: Weekday }[] = [];
  weekly.forEach((x, a) =>
    weekly.forEach((y, b) => {
      if (b <= a) return;
      for (const day of WEEKDAYS) {
        if (!x.days.includes(day) || !y.days.includes(day)) continue;
        if (minutesOf(x.from) < minutesOf(y.to) && minutesOf(y.from) < minutesOf(x.to))
          found.push({ a, b, day });
      }
    }),
  );
  return found;
}

export { WEEKDAYS };
