import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/http';
import { callRefusal } from './contacts';

describe('click-to-call refusals', () => {
  it('contact-busy names the agent on the call with the customer', () => {
    const busy = new ApiError(
      409,
      'contact-busy',
      'Bob Baker (3102) is already on a call with this contact',
      {
        contactId: 'c1',
        agent: { userId: 'u2', extension: '3102', displayName: 'Bob Baker' },
      },
    );
    expect(callRefusal(busy)).toBe('Bob Baker is on a call with this customer.');
    expect(
      callRefusal(new ApiError(409, 'contact-busy', 'an agent is already on a call', { agent: null })),
    ).toBe('Another agent is on a call with this customer.');
  });

  it("other refusals say the controller's message", () => {
    expect(callRefusal(new ApiError(400, 'no-trunk', 'no trunk can carry a call to +15551230000'))).toBe(
      'no trunk can carry a call to +15551230000',
    );
    expect(callRefusal(new Error('boom'))).toBe('The call could not be placed. Try again.');
  });
});
