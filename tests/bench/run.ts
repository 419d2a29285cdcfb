/**
 * `npm run bench [-- part…]`: every bench part (or the parts named), then one table of their figures with the
 * previous run's beside them (from `bench/results.json`, rewritten afterwards: a run of some parts replaces only
 * their rows). Figures only, never an assertion on time; BENCH_VERBOSE=1 prints each part's detail lines as well.
 */
import { hostname } from 'node:os';
import type { Bench, BenchRow } from './bench-row.js';
import { benchCalls } from './calls.bench.js';
import { benchFanout } from './fanout.bench.js';
import { benchHeld } from './held.bench.js';
import { benchLogin } from './login.bench.js';
import { benchPaging } from './paging.bench.js';
import { benchParking } from './parking.bench.js';
import { benchPresence } from './presence.bench.js';
import { benchQuality } from './quality.bench.js';
import { benchRecording } from './recording.bench.js';
import { benchRest } from './rest.bench.js';
import { mergeResults, previousRows, readResults, writeResults } from './results-file.js';
import { benchRouting } from './routing.bench.js';
import { benchSupervision } from './supervision.bench.js';
import { renderTable } from './table.js';
import { benchWebphone } from './webphone.bench.js';

/** In the order they run and are shown; `held` first, so that its RSS figures hold no other part's garbage. */
const benches: Record<string, Bench> = {
  held: benchHeld,
  rest: benchRest,
  login: benchLogin,
  calls: benchCalls,
  parking: benchParking,
  paging: benchPaging,
  routing: benchRouting,
  fanout: benchFanout,
  supervision: benchSupervision,
  presence: benchPresence,
  webphone: benchWebphone,
  quality: benchQuality,
  recording: benchRecording,
};

const only = process.argv.slice(2);
const unknown = only.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(
    `unknown bench part(s): ${unknown.join(', ')}; the parts: ${Object.keys(benches).join(', ')}`,
  );
  process.exit(2);
}

const previous = readResults();
const parts: Record<string, BenchRow[]> = {};
const failed: string[] = [];
const started = performance.now();
for (const [name, bench] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  const partStarted = performance.now();
  console.log(`== ${name} ==`);
  try {
    parts[name] = await bench();
  } catch (error) {
    // One broken part does not lose the others' figures; its previous rows stay in the file.
    console.error(`bench part ${name} failed:`, error);
    failed.push(name);
  }
  console.log(`   ${name}: ${((performance.now() - partStarted) / 1000).toFixed(0)} s`);
}

const rows = Object.values(parts).flat();
console.log(`\n${renderTable(rows, previousRows(previous))}\n`);
console.log(
  `${rows.length} figures in ${((performance.now() - started) / 1000).toFixed(0)} s` +
    `${previous ? '' : ' (no bench/results.json yet: no previous figures)'}` +
    `${failed.length ? `; failed: ${failed.join(', ')}` : ''}`,
);
writeResults(mergeResults(previous, parts, Object.keys(benches), hostname()));
process.exit(failed.length ? 1 : 0);
