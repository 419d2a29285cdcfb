/** `npm run bench`'s table and results file: the previous column, the change, and a partial run's merge. */
import { expect, it } from 'vitest';
import { mergeResults, previousRows } from '../bench/results-file.js';
import { formatChange, formatValue, renderTable } from '../bench/table.js';

it('formats values to a few significant digits and changes as signed percentages', () => {
  expect([
    formatValue(0.1234),
    formatValue(12.345),
    formatValue(123.4),
    formatValue(12345.6),
    formatValue(99),
  ]).toEqual(['0.12', '12.3', '123', '12,346', '99']);
  expect([
    formatChange(110, 100),
    formatChange(90, 100),
    formatChange(5, undefined),
    formatChange(0, 0),
  ]).toEqual(['+10 %', '-10 %', '', '0 %']);
});

it('shows the previous value and the change only for a figure of the same name and unit', () => {
  const previous = new Map([
    ['a p99', { name: 'a p99', value: 10, unit: 'ms' }],
    ['b', { name: 'b', value: 3, unit: 'calls/s' }],
  ]);
  const lines = renderTable(
    [
      { name: 'a p99', value: 12, unit: 'ms', limit: 'CPU' },
      { name: 'b', value: 4, unit: 'MiB' },
      { name: 'new', value: 1, unit: 'ms' },
    ],
    previous,
  ).split('\n');
  expect(lines[0]).toMatch(/^figure +value +unit +previous +change +limited by$/);
  expect(lines[2]).toMatch(/^a p99 +12 +ms +10 +\+20 % +CPU$/);
  expect(lines[3]).toMatch(/^b +4 +MiB$/);
  expect(lines[4]).toMatch(/^new +1 +ms$/);
});

it("a run of some parts replaces only their rows and keeps the others', in the parts' order", () => {
  const before = mergeResults(
    undefined,
    { rest: [{ name: 'r', value: 1, unit: 'ms' }], calls: [{ name: 'c', value: 2, unit: 'ms' }] },
    ['rest', 'calls'],
    'host',
    new Date('2026-01-01T00:00:00Z'),
  );
  const after = mergeResults(
    before,
    { calls: [{ name: 'c', value: 1 / 3, unit: 'ms' }] },
    ['rest', 'calls'],
    'host',
  );
  expect(Object.keys(after.parts)).toEqual(['rest', 'calls']);
  expect(after.parts.rest).toEqual([{ name: 'r', value: 1, unit: 'ms' }]);
  expect(after.parts.calls).toEqual([{ name: 'c', value: 0.333333, unit: 'ms' }]);
  expect(after.ranAt.rest).toBe('2026-01-01T00:00:00.000Z');
  expect(previousRows(after).get('c')?.value).toBe(0.333333);
});
