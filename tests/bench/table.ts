/** The one table `npm run bench` prints: figure, value, unit, the previous run's value, the change, what limited it. */
import type { BenchRow } from './bench-row.js';

const COLUMNS = ['figure', 'value', 'unit', 'previous', 'change', 'limited by'] as const;
/** Right-aligned columns (numbers). */
const RIGHT = new Set([1, 3, 4]);

/** Few significant digits: the machine is shared and busy, more would be noise. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (Number.isInteger(value) || abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatChange(value: number, previous: number | undefined): string {
  if (previous === undefined) return '';
  if (previous === 0) return value === 0 ? '0 %' : '';
  const change = Math.round(((value - previous) / Math.abs(previous)) * 100);
  return `${change > 0 ? '+' : ''}${change === 0 ? 0 : change} %`;
}

export function renderTable(rows: BenchRow[], previous: ReadonlyMap<string, BenchRow>): string {
  const cells = rows.map((row) => {
    const before = previous.get(row.name);
    const comparable = before && before.unit === row.unit ? before.value : undefined;
    return [
      row.name,
      formatValue(row.value),
      row.unit,
      comparable === undefined ? '' : formatValue(comparable),
      formatChange(row.value, comparable),
      row.limit ?? '',
    ];
  });
  const all = [[...COLUMNS], ...cells];
  const widths = COLUMNS.map((_, i) => Math.max(...all.map((line) => line[i]!.length)));
  const render = (line: string[]) =>
    line
      .map((cell, i) => (RIGHT.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [render(all[0]!), rule, ...cells.map(render)].join('\n');
}
