import { describe, expect, it } from 'vitest';
import {
  ABSENT,
  planDial,
  type DialAnswer,
  type DialOrigin,
  type DialRoute,
} from '../../controller/features/calls/dial-plan.js';

/** The routes the controller handles today: calls (extensions) and parking (700, slots). */
const today: ReadonlySet<DialRoute> = new Set(['extension', 'park', 'park-slot']);
const everything: ReadonlySet<DialRoute> = new Set(Object.keys(ABSENT) as DialRoute[]);

/** A compact view of an answer: `route:monitor(1002)`, `404`, `prompt:feature-not-avail-line`. */
function shown(answer: DialAnswer): string {
  switch (answer.kind) {
    case 'route':
      return `route:${answer.route}${answer.argument !== undefined ? `(${answer.argument})` : ''}`;
    case 'reject':
      return String(answer.status);
    case 'prompt':
      return `prompt:${answer.media.map((m) => m.replace('sound:', '')).join(',')}`;
  }
}

const NOT_AVAILABLE = 'prompt:feature-not-avail-line';

describe('the numbering plan: what each dialled string gets today (calls and parking only)', () => {
  it.each<[string, DialOrigin, string]>([
    // extensions: 3-5 digits, not 700-899
    ['100', 'phone', 'route:extension'],
    ['1002', 'phone', 'route:extension'],
    ['699', 'phone', 'route:extension'],
    ['900', 'phone', 'route:extension'],
    ['99999', 'phone', 'route:extension'],
    // parking
    ['700', 'phone', 'route:park'],
    ['701', 'phone', 'route:park-slot'],
    ['799', 'phone', 'route:park-slot'],
    // paging is not there yet: an unknown group
    ['800', 'phone', '404'],
    ['899', 'phone', '404'],
    // feature codes not built yet: a prompt, then a hang-up
    ['*78', 'phone', NOT_AVAILABLE],
    ['*76', 'phone', NOT_AVAILABLE],
    ['*79', 'phone', NOT_AVAILABLE],
    ['*11', 'phone', NOT_AVAILABLE],
    ['*12', 'phone', NOT_AVAILABLE],
    ['*73', 'phone', NOT_AVAILABLE],
    ['*721002', 'phone', NOT_AVAILABLE],
    ['*7215551234567', 'phone', NOT_AVAILABLE],
    ['*801002', 'phone', NOT_AVAILABLE],
    ['*2221002', 'phone', NOT_AVAILABLE],
    ['*2231002', 'phone', NOT_AVAILABLE],
    ['*2241002', 'phone', NOT_AVAILABLE],
    ['**1002', 'phone', NOT_AVAILABLE],
    ['*97', 'phone', NOT_AVAILABLE],
    ['*98', 'phone', NOT_AVAILABLE],
    ['*03', 'phone', NOT_AVAILABLE],
    // incomplete: a proper beginning of something in the plan
    ['', 'phone', '484'],
    ['1', 'phone', '484'],
    ['10', 'phone', '484'],
    ['9', 'phone', '484'],
    ['*', 'phone', '484'],
    ['*7', 'phone', '484'],
    ['*22', 'phone', '484'],
    ['*222', 'phone', '484'],
    ['*22210', 'phone', '484'],
    ['**', 'phone', '484'],
    ['**1', 'phone', '484'],
    ['*0', 'phone', '484'],
    ['*72', 'phone', '484'],
    ['*80', 'phone', '484'],
    ['+', 'phone', '484'],
    ['+44', 'phone', '484'],
    // unknown
    ['123456', 'phone', '404'],
    ['*5', 'phone', '404'],
    ['*781', 'phone', '404'],
    ['*222123456', 'phone', '404'],
    ['*222750', 'phone', '404'],
    ['**abc', 'phone', '404'],
    ['#72', 'phone', '404'],
    ['alice', 'phone', '404'],
    ['1234567890123456', 'phone', '404'],
    // outside numbers: no trunk yet, nothing carries them
    ['915551234567', 'phone', '503'],
    ['912345', 'phone', '503'],
    ['5551234', 'phone', '503'],
    ['+4930123456', 'phone', '503'],
    // from the trunk: numbers go to the inbound routes (none yet), feature codes are not allowed
    ['+4930123456', 'trunk', '404'],
    ['1002', 'trunk', '404'],
    ['*78', 'trunk', '403'],
    ['*2221002', 'trunk', '403'],
    ['#72', 'trunk', '403'],
    ['abc', 'trunk', '404'],
  ])('%j from the %s → %s', (dialled, origin, expected) => {
    expect(shown(planDial(dialled, origin, today))).toBe(expected);
  });
});

describe('the numbering plan once every feature is there: each string reaches its route', () => {
  it.each<[string, DialOrigin, string]>([
    ['1002', 'phone', 'route:extension'],
    ['700', 'phone', 'route:park'],
    ['705', 'phone', 'route:park-slot'],
    ['850', 'phone', 'route:page'],
    ['*801002', 'phone', 'route:intercom(1002)'],
    ['*2221002', 'phone', 'route:monitor(1002)'],
    ['*2231002', 'phone', 'route:whisper(1002)'],
    ['*2241002', 'phone', 'route:barge(1002)'],
    ['*11', 'phone', 'route:hotdesk-login'],
    ['*12', 'phone', 'route:hotdesk-logout'],
    ['*76', 'phone', 'route:dnd-toggle'],
    ['*78', 'phone', 'route:dnd-on'],
    ['*79', 'phone', 'route:dnd-off'],
    ['*721002', 'phone', 'route:forward-on(1002)'],
    ['*72+4930123456', 'phone', 'route:forward-on(+4930123456)'],
    ['*73', 'phone', 'route:forward-off'],
    ['**1002', 'phone', 'route:pickup(1002)'],
    ['*97', 'phone', 'route:voicemail'],
    ['*98', 'phone', 'route:voicemail-any'],
    ['*00', 'phone', 'route:speed-dial(0)'],
    ['*09', 'phone', 'route:speed-dial(9)'],
    ['*012', 'phone', '404'],
    ['*0#', 'phone', '404'],
    ['*05', 'trunk', '403'],
    // 9 is the outside-line prefix (dropped); 7+ digits and E.164 go out as dialled
    ['915551234567', 'phone', 'route:outbound(15551234567)'],
    ['912345', 'phone', 'route:outbound(12345)'],
    ['5551234', 'phone', 'route:outbound(5551234)'],
    ['+4930123456', 'phone', 'route:outbound(+4930123456)'],
    ['+4930123456', 'trunk', 'route:inbound(+4930123456)'],
    ['1002', 'trunk', 'route:inbound(1002)'],
    // still refused
    ['*78', 'trunk', '403'],
    ['123456', 'phone', '404'],
    ['*222', 'phone', '484'],
  ])('%j from the %s → %s', (dialled, origin, expected) => {
    expect(shown(planDial(dialled, origin, everything))).toBe(expected);
  });
});

describe('emergency numbers (EMERGENCY_NUMBERS): out from every phone, even where they look like extensions', () => {
  const emergency = new Set(['112', '911']);
  it.each<[string, DialOrigin, ReadonlySet<DialRoute>, string, boolean]>([
    ['911', 'phone', everything, 'route:outbound(911)', true],
    ['112', 'phone', everything, 'route:outbound(112)', true],
    // no trunk yet: the outbound route's absent answer, never a guest's or anyone's refusal
    ['911', 'phone', today, '503', false],
    // not one of them: an extension like any other
    ['999', 'phone', everything, 'route:extension', false],
    // from the trunk a number is an inbound route, never an emergency call of ours
    ['911', 'trunk', everything, 'route:inbound(911)', false],
  ])('%j from the %s → %s', (dialled, origin, handled, expected, marked) => {
    const answer = planDial(dialled, origin, handled, emergency);
    expect(shown(answer)).toBe(expected);
    expect(answer.kind === 'route' && answer.emergency === true).toBe(marked);
  });
});
