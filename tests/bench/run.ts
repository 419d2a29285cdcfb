import { benchCalls } from './calls.bench.js';
import { benchLogin } from './login.bench.js';
import { benchPaging } from './paging.bench.js';
import { benchParking } from './parking.bench.js';
import { benchPresence } from './presence.bench.js';
import { benchRest } from './rest.bench.js';
import { benchSupervision } from './supervision.bench.js';
import { benchRouting } from './routing.bench.js';
import { benchWebphone } from './webphone.bench.js';
import { benchQuality } from './quality.bench.js';
import { benchRecording } from './recording.bench.js';

/** `npm run bench`: every benchmark, printing figures (never asserting on time). */
const benches: Record<string, () => Promise<void>> = {
  rest: benchRest,
  login: benchLogin,
  calls: benchCalls,
  parking: benchParking,
  paging: benchPaging,
  supervision: benchSupervision,
  presence: benchPresence,
  routing: benchRouting,
  webphone: benchWebphone,
  quality: benchQuality,
  recording: benchRecording,
};

const only = process.argv.slice(2);
for (const [name, bench] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n== ${name} ==`);
  await bench();
}
process.exit(0);
