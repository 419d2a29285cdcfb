/**
 * `bench/results.json` at the repository root: the last run's rows per bench part, read for the "previous" column
 * and rewritten after each run (a run of some parts replaces only their rows and keeps the others').
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './bench-row.js';

export interface ResultsFile {
  /** When each part last ran (ISO time) and on what. */
  ranAt: Record<string, string>;
  host: string;
  parts: Record<string, BenchRow[]>;
}

export const resultsPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results.json');

export function readResults(path = resultsPath): ResultsFile | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
  } catch {
    return undefined;
  }
}

/** Every row of the file by name (the "previous" column). */
export function previousRows(file: ResultsFile | undefined): Map<string, BenchRow> {
  return new Map(Object.values(file?.parts ?? {}).flatMap((rows) => rows.map((row) => [row.name, row])));
}

/** The file with `parts` replaced (parts not run keep their rows, in the order `order` gives). */
export function mergeResults(
  file: ResultsFile | undefined,
  parts: Record<string, BenchRow[]>,
  order: string[],
  host: string,
  at = new Date(),
): ResultsFile {
  // Six significant digits: enough to compare, without a float's noise in the diff.
  const rounded = Object.fromEntries(
    Object.entries(parts).map(([name, rows]) => [
      name,
      rows.map((row) => ({ ...row, value: Number(row.value.toPrecision(6)) })),
    ]),
  );
  const merged = { ...file?.parts, ...rounded };
  const ranAt = { ...file?.ranAt };
  for (const name of Object.keys(parts)) ranAt[name] = at.toISOString();
  const sorted = Object.fromEntries(
    order.filter((name) => merged[name]).map((name) => [name, merged[name]!]),
  );
  return { ranAt, host, parts: sorted };
}

export function writeResults(file: ResultsFile, path = resultsPath): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
}
