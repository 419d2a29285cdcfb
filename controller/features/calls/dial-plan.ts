/**
 * The numbering plan as one table (SPEC "Numbering plan"): what every string a phone or the trunk dials is for, and
 * the answer it gets when no feature handles it (yet). Pure: the dial router (dial-router.ts) asks `planDial` and
 * carries the answer out. A feature takes a route by registering a handler for it (`DialRouter.handle`); until one
 * does, the route's `absent` answer is given, at once. Later features (paging, supervision, hot desk, DND,
 * forwarding, pick-up, voicemail, trunks) add nothing here but their handler.
 */

/** What a dialled string is for. */
export type DialRoute =
  | 'extension'
  | 'park'
  | 'park-slot'
  | 'page'
  | 'intercom'
  | 'monitor'
  | 'whisper'
  | 'barge'
  | 'hotdesk-login'
  | 'hotdesk-logout'
  | 'dnd-toggle'
  | 'dnd-on'
  | 'dnd-off'
  | 'forward-on'
  | 'forward-off'
  | 'pickup'
  | 'speed-dial'
  | 'voicemail'
  | 'voicemail-any'
  | 'outbound'
  | 'inbound';

/** Where the call comes from: a user's phone (`from-internal`) or the trunk (`from-trunk`). */
export type DialOrigin = 'phone' | 'trunk';

/** SIP statuses a dialled string is refused with: unknown, incomplete, not allowed, nothing can carry it. */
export type RejectStatus = 403 | 404 | 484 | 503;

export type DialAnswer =
  /** A feature handles it; `argument` is what follows a feature code (`*2221002` → `1002`) or the outside number. */
  | { kind: 'route'; route: DialRoute; dialled: string; argument?: string; emergency?: true }
  /** Answer, play, hang up. */
  | { kind: 'prompt'; media: string[]; why: string }
  /** Refuse without answering: the phone gets this SIP status. */
  | { kind: 'reject'; status: RejectStatus; why: string };

type Absent = Exclude<DialAnswer, { kind: 'route' }>;

/** What follows a feature code: an extension (3-5 digits), a number (an extension or an outside number), a slot (0-9). */
type ArgumentKind = 'extension' | 'number' | 'slot';

interface CodeRule {
  /** e.g. `*222`, `**`, `*78`. */
  code: string;
  route: DialRoute;
  argument?: ArgumentKind;
}

/** A feature that is not there yet: the caller hears that it is not available on this line, and is hung up. */
const notAvailable: Absent = {
  kind: 'prompt',
  media: ['sound:feature-not-avail-line'],
  why: 'feature not available',
};
const unknown = (why: string): Absent => ({ kind: 'reject', status: 404, why });
const incomplete: Absent = { kind: 'reject', status: 484, why: 'incomplete number' };

/** Feature codes a phone dials (SPEC). In-call codes (`#72`, `*1`) are DTMF in a call, never dialled. */
export const FEATURE_CODES: readonly CodeRule[] = [
  { code: '*11', route: 'hotdesk-login' },
  { code: '*12', route: 'hotdesk-logout' },
  { code: '*72', route: 'forward-on', argument: 'number' },
  { code: '*73', route: 'forward-off' },
  { code: '*76', route: 'dnd-toggle' },
  { code: '*78', route: 'dnd-on' },
  { code: '*79', route: 'dnd-off' },
  { code: '*80', route: 'intercom', argument: 'extension' },
  { code: '*0', route: 'speed-dial', argument: 'slot' },
  { code: '*97', route: 'voicemail' },
  { code: '*98', route: 'voicemail-any' },
  { code: '*222', route: 'monitor', argument: 'extension' },
  { code: '*223', route: 'whisper', argument: 'extension' },
  { code: '*224', route: 'barge', argument: 'extension' },
  { code: '**', route: 'pickup', argument: 'extension' },
];

/** What each route answers while no feature handles it. */
export const ABSENT: Record<DialRoute, Absent> = {
  extension: unknown('no such extension'),
  park: notAvailable,
  'park-slot': notAvailable,
  page: unknown('no paging group'),
  intercom: notAvailable,
  monitor: notAvailable,
  whisper: notAvailable,
  barge: notAvailable,
  'hotdesk-login': notAvailable,
  'hotdesk-logout': notAvailable,
  'dnd-toggle': notAvailable,
  'dnd-on': notAvailable,
  'dnd-off': notAvailable,
  'forward-on': notAvailable,
  'forward-off': notAvailable,
  pickup: notAvailable,
  'speed-dial': notAvailable,
  voicemail: notAvailable,
  'voicemail-any': notAvailable,
  outbound: { kind: 'reject', status: 503, why: 'no trunk to carry outside calls' },
  inbound: unknown('no inbound route for this number'),
};

const EXTENSION = /^\d{3,5}$/;
/** An outside number: 7-15 digits, or E.164 (`+` and 7-15 digits). */
const OUTSIDE = /^\+?\d{7,15}$/;
/** The outside-line prefix: `9` and a number that is not an extension itself (5+ digits after the 9). */
const LINE_PREFIX = /^9(\d{5,15})$/;

/** A user's extension as the plan has it: 3-5 digits, not 700-899 (park, slots, paging). */
export function isExtensionNumber(number: string): boolean {
  if (!EXTENSION.test(number)) return false;
  const value = Number(number);
  return !(number.length === 3 && value >= 700 && value <= 899);
}

/** The route for a dialled string, before asking whether anybody handles it. */
function classify(dialled: string, origin: DialOrigin): DialAnswer {
  if (origin === 'trunk') return classifyInbound(dialled);
  if (dialled.startsWith('*')) return classifyCode(dialled);
  if (/^\+\d{0,6}$/.test(dialled) || /^\d{0,2}$/.test(dialled)) return incomplete;
  if (/^7\d\d$/.test(dialled)) return route(dialled === '700' ? 'park' : 'park-slot', dialled);
  if (/^8\d\d$/.test(dialled)) return route('page', dialled);
  if (isExtensionNumber(dialled)) return route('extension', dialled);
  const line = LINE_PREFIX.exec(dialled);
  if (line) return route('outbound', dialled, line[1]);
  if (OUTSIDE.test(dialled)) return route('outbound', dialled, dialled);
  return unknown('not in the numbering plan');
}

/** From the trunk only a number is routed (by its inbound route); feature codes and the like are not allowed. */
function classifyInbound(dialled: string): DialAnswer {
  if (/^\+?\d+$/.test(dialled)) return route('inbound', dialled, dialled);
  if (/^[*#]/.test(dialled))
    return { kind: 'reject', status: 403, why: 'feature codes are not allowed from the trunk' };
  return unknown('not a number');
}

function classifyCode(dialled: string): DialAnswer {
  // The longest code that the string starts with (`*222` before `*22`…): codes never prefix one another here.
  const rule = FEATURE_CODES.find((r) => dialled.startsWith(r.code));
  if (!rule)
    return FEATURE_CODES.some((r) => r.code.startsWith(dialled))
      ? incomplete
      : unknown('no such feature code');
  const rest = dialled.slice(rule.code.length);
  if (!rule.argument) return rest === '' ? route(rule.route, dialled) : unknown('no such feature code');
  if (rule.argument === 'slot')
    return rest === ''
      ? incomplete
      : /^\d$/.test(rest)
        ? route(rule.route, dialled, rest)
        : unknown('a slot is one digit');
  if (/^\d{0,2}$/.test(rest)) return incomplete;
  const valid = rule.argument === 'extension' ? isExtensionNumber(rest) : /^\+?\d{3,15}$/.test(rest);
  return valid
    ? route(rule.route, dialled, rest)
    : unknown(`not a valid ${rule.argument} after ${rule.code}`);
}

function route(to: DialRoute, dialled: string, argument?: string): DialAnswer {
  return argument === undefined
    ? { kind: 'route', route: to, dialled }
    : { kind: 'route', route: to, dialled, argument };
}

/** What a dialled string is for, whether or not a feature handles that route (the guards of a caller look at this). */
export function routeOfDialled(
  dialled: string,
  origin: DialOrigin,
  emergencyNumbers: ReadonlySet<string> = new Set(),
): DialAnswer {
  return origin === 'phone' && emergencyNumbers.has(dialled)
    ? { kind: 'route', route: 'outbound', dialled, argument: dialled, emergency: true }
    : classify(dialled, origin);
}

/**
 * The answer a dialled string gets, given the routes some feature handles now. An emergency number (EMERGENCY_NUMBERS,
 * e.g. 112, 911) dialled from a phone is an `outbound` call marked `emergency`, even where it looks like an extension:
 * nobody's extension may shadow it, and no restriction on the caller applies to it.
 */
export function planDial(
  dialled: string,
  origin: DialOrigin,
  handled: ReadonlySet<DialRoute>,
  emergencyNumbers: ReadonlySet<string> = new Set(),
): DialAnswer {
  const answer = routeOfDialled(dialled, origin, emergencyNumbers);
  if (answer.kind !== 'route' || handled.has(answer.route)) return answer;
  return ABSENT[answer.route];
}
