import { describe, expect, it } from 'vitest';
import { autoAnsweredOf, autoAnsweredText } from './auto-answer-label';

describe('what an auto-answered call is, from the caller ID the controller sets', () => {
  it.each([
    [
      { number: '1001', name: 'Page 801: Alice Smith' },
      { kind: 'page', group: '801', from: 'Alice Smith' },
    ],
    [
      { number: '1001', name: 'EMERGENCY page 802' },
      { kind: 'emergency-page', group: '802', from: '1001' },
    ],
    [
      { number: '1001', name: 'Intercom: Alice Smith' },
      { kind: 'intercom', from: 'Alice Smith' },
    ],
    [
      { number: '1001', name: '' },
      { kind: 'other', from: '1001' },
    ],
    [
      { number: '1005', name: 'Bob' },
      { kind: 'other', from: 'Bob' },
    ],
  ])('%j → %j', (remote, expected) => {
    expect(autoAnsweredOf(remote)).toEqual(expected);
  });

  it('says "Page from …" while it lasts and that it ended afterwards', () => {
    const remote = { number: '1001', name: 'Page 801: Alice Smith' };
    expect(autoAnsweredText(remote, false)).toBe('Page from Alice Smith (801)');
    expect(autoAnsweredText(remote, true)).toBe('Page from Alice Smith (801) ended');
    expect(autoAnsweredText({ number: '1001', name: 'EMERGENCY page 802' }, false)).toBe(
      'EMERGENCY page 802 from 1001',
    );
  });
});
