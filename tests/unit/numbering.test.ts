import { describe, expect, it } from 'vitest';
import { extensionProblem } from '../../controller/features/users/numbering.js';

describe('extensionProblem', () => {
  it.each([
    ['100', undefined],
    ['699', undefined],
    ['700', 'must not be in 700-799 (reserved for parking)'],
    ['750', 'must not be in 700-799 (reserved for parking)'],
    ['799', 'must not be in 700-799 (reserved for parking)'],
    ['800', 'must not be in 800-899 (reserved for paging)'],
    ['899', 'must not be in 800-899 (reserved for paging)'],
    ['900', undefined],
    ['1001', undefined],
    ['7001', undefined],
    ['8500', undefined],
    ['99999', undefined],
    ['12', 'must be 3 to 5 digits'],
    ['123456', 'must be 3 to 5 digits'],
    ['10a1', 'must be 3 to 5 digits'],
    ['', 'must be 3 to 5 digits'],
  ])('%j → %s', (extension, problem) => {
    expect(extensionProblem(extension)).toBe(problem);
  });
});
