/**
 * The ring settings editor's model (issue 14): the form as the agent edits it, the body `PUT
 * /api/users/{id}/ring-settings` takes, and the controller's validation problems placed on the fields. Pure.
 */
export type Strategy = 'simultaneous' | 'sequential' | 'follow-me';
export type TargetKind = 'desk' | 'webphone' | 'device' | 'external';
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const weekdays: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface RingTarget {
  kind: TargetKind;
  deviceId?: string;
  number?: string;
  delaySeconds: number;
  timeoutSeconds: number;
}

export interface WeeklyHours {
  days: Weekday[];
  from: string;
  to: string;
}

export interface RingSettings {
  strategy: Strategy;
  targets: RingTarget[];
  schedule?: {
    timeZone: string;
    weekly: WeeklyHours[];
    holidays: string[];
    outsideHours: { strategy?: Strategy; forwardTo?: string };
  };
}

/** The form: numbers as typed (text), the schedule on or off. */
export interface RingForm {
  strategy: Strategy;
  targets: { kind: TargetKind; detail: string; delay: string; timeout: string }[];
  scheduled: boolean;
  timeZone: string;
  weekly: WeeklyHours[];
  holidays: string;
  outsideStrategy: Strategy | '';
  outsideForwardTo: string;
}

export function formOf(settings: RingSettings, defaultTimeZone: string): RingForm {
  const schedule = settings.schedule;
  return {
    strategy: settings.strategy,
    targets: settings.targets.map((t) => ({
      kind: t.kind,
      detail: t.kind === 'device' ? (t.deviceId ?? '') : t.kind === 'external' ? (t.number ?? '') : '',
      delay: String(t.delaySeconds),
      timeout: String(t.timeoutSeconds),
    })),
    scheduled: Boolean(schedule),
    timeZone: schedule?.timeZone ?? defaultTimeZone,
    weekly: schedule?.weekly ?? [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }],
    holidays: (schedule?.holidays ?? []).join(', '),
    outsideStrategy: schedule?.outsideHours.strategy ?? '',
    outsideForwardTo: schedule?.outsideHours.forwardTo ?? '',
  };
}

/** A number field as the controller gets it: what was typed if it is a whole number, else NaN (it says why). */
const whole = (text: string): number => (/^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN);

export function bodyOf(form: RingForm): RingSettings {
  return {
    strategy: form.strategy,
    targets: form.targets.map((t) => ({
      kind: t.kind,
      ...(t.kind === 'device' ? { deviceId: t.detail.trim() } : {}),
      ...(t.kind === 'external' ? { number: t.detail.trim() } : {}),
      delaySeconds: whole(t.delay),
      timeoutSeconds: whole(t.timeout),
    })),
    ...(form.scheduled
      ? {
          schedule: {
            timeZone: form.timeZone.trim(),
            weekly: form.weekly,
            holidays: form.holidays
              .split(/[\s,]+/)
              .map((d) => d.trim())
              .filter(Boolean),
            outsideHours: {
              ...(form.outsideStrategy ? { strategy: form.outsideStrategy } : {}),
              ...(form.outsideForwardTo.trim() ? { forwardTo: form.outsideForwardTo.trim() } : {}),
            },
          },
        }
      : {}),
  };
}

/** A field the form's problems are keyed by, as the controller names it without `body.`: `targets.0.delaySeconds`. */
export function fieldErrors(details: unknown, fallback: string): Record<string, string> {
  const problems = Array.isArray(details) ? (details as { path?: unknown; message?: unknown }[]) : [];
  const errors: Record<string, string> = {};
  for (const problem of problems) {
    if (typeof problem.path !== 'string') continue;
    const key = problem.path.replace(/^body\.?/, '') || 'form';
    errors[key] = errors[key] ? `${errors[key]}; ${String(problem.message)}` : String(problem.message);
  }
  if (Object.keys(errors).length === 0) errors.form = fallback;
  return errors;
}

/** The error for a field, and any of its sub-fields the form shows there (e.g. `targets.1` for the whole row). */
export function errorAt(errors: Record<string, string>, ...keys: string[]): string | undefined {
  const found = keys.map((key) => errors[key]).filter(Boolean);
  return found.length ? found.join('; ') : undefined;
}

/** What the form can tell before asking the controller: seconds that are not whole numbers. */
export function localProblems(form: RingForm): Record<string, string> {
  const errors: Record<string, string> = {};
  form.targets.forEach((t, i) => {
    if (Number.isNaN(whole(t.delay))) errors[`targets.${i}.delaySeconds`] = 'a whole number of seconds';
    if (Number.isNaN(whole(t.timeout))) errors[`targets.${i}.timeoutSeconds`] = 'a whole number of seconds';
  });
  return errors;
}

export const newTarget = (kind: TargetKind): RingForm['targets'][number] => ({
  kind,
  detail: '',
  delay: '0',
  timeout: '20',
});
