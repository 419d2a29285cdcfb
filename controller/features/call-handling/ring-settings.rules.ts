import { isExtensionNumber, routeOfDialled } from '../calls/dial-plan.js';
import type { RingSettings } from './handling.types.js';
import { isTimeZone, minutesOf, overlaps } from './schedule.js';

/** What the checks of a body need to know: the devices asked for, and which extensions belong to users. */
export interface SettingsFacts {
  userId: string;
  devices: Map<string, { ownerUserId: string | null; hotdesk: boolean }>;
  knownExtensions: Set<string>;
  /** Whether the user may forward to an outside number: yes, no trunk yet, or no outbound permission. */
  outside?: OutsideForwarding;
}

export type OutsideForwarding = 'allowed' | 'no-trunk' | 'not-allowed';

export interface Problem {
  path: string;
  message: string;
}

export const MAX_DELAY_SECONDS = 120;
export const MIN_TIMEOUT_SECONDS = 1;
export const MAX_TIMEOUT_SECONDS = 300;

/** A forward target: an extension somebody has, or an outside number (through the trunk, for users allowed out). */
export function forwardProblem(
  path: string,
  target: string,
  known: Set<string>,
  outside: OutsideForwarding = 'no-trunk',
): Problem | undefined {
  if (!isExtensionNumber(target)) {
    if (outside === 'allowed') return undefined;
    return outside === 'no-trunk'
      ? { path, message: `${target} is an outside number: forwarding outside needs an outbound trunk (there is none)` }
      : { path, message: `${target} is an outside number: this user may not call outside numbers` };
  }
  return known.has(target) ? undefined : { path, message: `no user has extension ${target}` };
}

/** An external target (a mobile, rung through the trunk and screened): an outside number the user may call. */
function externalProblems(at: string, number: string | undefined, outside: OutsideForwarding = 'no-trunk'): Problem[] {
  if (!number) return [{ path: `${at}.number`, message: 'an external target needs a number' }];
  const route = routeOfDialled(number, 'phone');
  if (route.kind !== 'route' || route.route !== 'outbound')
    return [{ path: `${at}.number`, message: `${number} is not an outside number` }];
  if (outside === 'no-trunk')
    return [{ path: `${at}.number`, message: `${number}: an external target needs an outbound trunk (there is none)` }];
  if (outside === 'not-allowed')
    return [{ path: `${at}.number`, message: `${number}: this user may not call outside numbers` }];
  return [];
}

/** Every problem of a ring settings body, each named by its path (empty: it may be saved). Pure. */
export function ringSettingsProblems(settings: RingSettings, facts: SettingsFacts): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  settings.targets.forEach((t, i) => {
    const at = `targets.${i}`;
    if (t.delaySeconds < 0 || t.delaySeconds > MAX_DELAY_SECONDS)
      problems.push({ path: `${at}.delaySeconds`, message: `must be 0 to ${MAX_DELAY_SECONDS} seconds` });
    if (t.timeoutSeconds < MIN_TIMEOUT_SECONDS || t.timeoutSeconds > MAX_TIMEOUT_SECONDS)
      problems.push({
        path: `${at}.timeoutSeconds`,
        message: `must be ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS} seconds`,
      });
    if (t.kind === 'device') {
      const device = t.deviceId ? facts.devices.get(t.deviceId) : undefined;
      if (!t.deviceId) problems.push({ path: `${at}.deviceId`, message: 'a device target needs a deviceId' });
      else if (!device) problems.push({ path: `${at}.deviceId`, message: `no device ${t.deviceId}` });
      else if (device.ownerUserId !== facts.userId && !device.hotdesk)
        problems.push({ path: `${at}.deviceId`, message: `device ${t.deviceId} is not this user's to ring` });
    } else if (t.deviceId !== undefined)
      problems.push({ path: `${at}.deviceId`, message: `only a device target takes a deviceId` });
    if (t.kind === 'external') problems.push(...externalProblems(at, t.number, facts.outside));
    else if (t.number !== undefined)
      problems.push({ path: `${at}.number`, message: 'only an external target takes a number' });
    const key = `${t.kind}:${t.deviceId ?? t.number ?? ''}`;
    if (seen.has(key)) problems.push({ path: at, message: 'the same target twice' });
    seen.add(key);
  });
  const schedule = settings.schedule;
  if (schedule) {
    if (!isTimeZone(schedule.timeZone))
      problems.push({ path: 'schedule.timeZone', message: `unknown time zone ${schedule.timeZone}` });
    schedule.weekly.forEach((w, i) => {
      if (minutesOf(w.from) >= minutesOf(w.to))
        problems.push({ path: `schedule.weekly.${i}`, message: 'from must be before to' });
    });
    for (const o of overlaps(schedule.weekly))
      problems.push({
        path: `schedule.weekly.${o.b}`,
        message: `overlaps schedule.weekly.${o.a} on ${o.day}`,
      });
    const forwardTo = schedule.outsideHours.forwardTo;
    const p = forwardTo && forwardProblem('schedule.outsideHours.forwardTo', forwardTo, facts.knownExtensions, facts.outside);
    if (p) problems.push(p);
  }
  return problems;
}
