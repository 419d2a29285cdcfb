/** Snoop channels: `Snoop/<id>-<n>`, context default exten s, StasisStart shortly after the 200. */
import type { Sim } from './sim.js';
import type { Channel, SnoopDirection } from './types.js';
import { createChannel, enterStasis } from './channels.js';
import { recompute } from './bridges.js';

export interface SnoopParams {
  spy: SnoopDirection;
  whisper: SnoopDirection;
  app: string;
  appArgs: string[];
  snoopId?: string;
}

const DIRECTIONS: SnoopDirection[] = ['none', 'in', 'out', 'both'];

export function validDirection(d: string): d is SnoopDirection {
  return (DIRECTIONS as string[]).includes(d);
}

export function createSnoop(sim: Sim, target: Channel, p: SnoopParams): Channel {
  const snoop = createChannel(sim, {
    id: p.snoopId,
    kind: 'snoop',
    origin: 'snoop',
    state: 'Up',
    name: `Snoop/${target.id}-${sim.nextSnoopSuffix()}`,
    dialplan: { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' },
  });
  snoop.snoop = { targetId: target.id, spy: p.spy, whisper: p.whisper };
  const br = target.bridgeId ? sim.bridges.get(target.bridgeId) : undefined;
  if (br) recompute(sim, br);
  sim.later(0, () => {
    if (!snoop.gone) enterStasis(sim, snoop, p.app, p.appArgs);
  });
  return snoop;
}
