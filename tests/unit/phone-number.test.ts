import { describe, expect, it } from 'vitest';
import { toE164, type DialingPlan } from '../../controller/features/contacts/phone-number.js';

const us: DialingPlan = { countryCode: '1', nationalPrefix: '1', internationalPrefix: '011' };
const uk: DialingPlan = { countryCode: '44', nationalPrefix: '0', internationalPrefix: '00' };

describe('toE164', () => {
  it.each([
    // plan, written, E.164 (undefined: not a phone number)
    [us, '(415) 555-0100', '+14155550100'],
    [us, '415.555.0100', '+14155550100'],
    [us, '1-415-555-0100', '+14155550100'],
    [us, '4155550100', '+14155550100'],
    [us, '+1 415 555 0100', '+14155550100'],
    [us, '  +14155550100  ', '+14155550100'],
    [us, '011 44 20 7946 0958', '+442079460958'],
    [us, '+44 (0)20 7946 0958', '+442079460958'],
    [uk, '020 7946 0958', '+442079460958'],
    [uk, '(020) 7946-0958', '+442079460958'],
    [uk, '07700 900123', '+447700900123'],
    [uk, '+44 20 7946 0958', '+442079460958'],
    [uk, '00 1 415 555 0100', '+14155550100'],
    [uk, '+44 (0)7700 900123', '+447700900123'],
    [{ ...us, nationalPrefix: '' }, '4155550100', '+14155550100'],
    [us, '', undefined],
    [us, '+', undefined],
    [us, 'call me', undefined],
    [us, '415-555-O100', undefined],
    [us, '1001', undefined],
    [us, '+0 123 456 789', undefined],
    [us, '+1234567890123456', undefined],
    [us, '+1 (415) 555#0100', undefined],
    [uk, '011 44 20 7946 0958', undefined], // NANP's international prefix means nothing in the UK: too long
  ])('%o: %j → %s', (plan, written, expected) => {
    expect(toE164(written, plan)).toBe(expected);
  });
});
