import { describe, expect, it } from 'vitest';
import { autoAnswerDelay, inviteHeaders, type InviteHeaders } from './auto-answer';

const headers = (h: Partial<InviteHeaders>): InviteHeaders => ({
  callInfo: [],
  alertInfo: [],
  answerMode: [],
  ...h,
});

describe('auto-answer detection', () => {
  const cases: [string, Partial<InviteHeaders>, number | null][] = [
    ['no headers', {}, null],
    ['Call-Info answer-after=0', { callInfo: ['<sip:127.0.0.1>;answer-after=0'] }, 0],
    ['Call-Info answer-after=2', { callInfo: ['<uri>;answer-after=2'] }, 2],
    ['Call-Info with other params first', { callInfo: ['<sip:pbx>;purpose=info;Answer-After=0'] }, 0],
    ['Call-Info without answer-after', { callInfo: ['<http://x/photo.png>;purpose=icon'] }, null],
    ['Alert-Info: auto answer', { alertInfo: ['auto answer'] }, 0],
    ['Alert-Info: Auto-Answer', { alertInfo: ['<http://127.0.0.1>;Auto-Answer'] }, 0],
    ['Alert-Info: info=alert-autoanswer', { alertInfo: ['<http://127.0.0.1>;info=alert-autoanswer'] }, 0],
    ['Alert-Info: a ring tone', { alertInfo: ['<http://127.0.0.1/ring.wav>;info=alert-external'] }, null],
    ['Answer-Mode: Auto', { answerMode: ['Auto'] }, 0],
    ['Answer-Mode: Manual', { answerMode: ['Manual'] }, null],
  ];
  it.each(cases)('%s', (_name, given, expected) => {
    expect(autoAnswerDelay(headers(given))).toBe(expected);
  });

  it('reads the headers of a JsSIP request, splitting comma-separated values but not URIs', () => {
    const request = {
      getHeaders: (name: string) =>
        ({
          'Call-Info': ['<sip:a,b@x>;purpose=icon, <sip:pbx>;answer-after=0'],
          'Alert-Info': [],
          'Answer-Mode': [],
        })[name] ?? [],
    };
    const parsed = inviteHeaders(request);
    expect(parsed.callInfo).toEqual(['<sip:a,b@x>;purpose=icon', '<sip:pbx>;answer-after=0']);
    expect(autoAnswerDelay(parsed)).toBe(0);
  });
});
