import type { SpeedDial } from '../../db/speed-dials.repository.js';
import { routeOfDialled, type DialRoute } from '../calls/dial-plan.js';
import type { Problem } from './ring-settings.rules.js';

/** What a speed dial may dial: a person (an extension somebody has), a paging group, or an outside number. */
const DIALLABLE: ReadonlySet<DialRoute> = new Set(['extension', 'page', 'outbound']);

/** Every problem of a speed dial list, each named by its path (empty: it may be saved). Pure. */
export function speedDialProblems(entries: SpeedDial[], knownExtensions: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  const slots = new Set<number>();
  entries.forEach((entry, i) => {
    if (slots.has(entry.slot))
      problems.push({ path: `speedDials.${i}.slot`, message: `slot ${entry.slot} twice` });
    slots.add(entry.slot);
    const route = routeOfDialled(entry.number, 'phone');
    if (route.kind !== 'route' || !DIALLABLE.has(route.route))
      problems.push({
        path: `speedDials.${i}.number`,
        message: `${entry.number} is not an extension, a paging group or an outside number`,
      });
    else if (route.route === 'extension' && !knownExtensions.has(entry.number))
      problems.push({ path: `speedDials.${i}.number`, message: `no user has extension ${entry.number}` });
  });
  return problems;
}
