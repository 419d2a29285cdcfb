/**
 * Supervision (issue 10), through the ARI double in-process: a supervisor dials `*222` + the agent's extension while
 * the agent talks; the figures are the dial → the supervisor on the audio path (`supervision.started`: the snoop made,
 * in Stasis, bridged, the supervisor moved in), and a mode switch by DTMF → the supervisor on the new path
 * (`supervision.changed`: a new bridge and snoop built, then the move), p50/p99 over 20 sessions. Prints figures,
 * asserts nothing about time.
 */
import type { AnyPbxEvent } from '../../controller/bus/events.js';
import { insertTeam } from '../helpers/fixtures.js';
import { eventually, startTelephony } from '../helpers/telephony.js';
import { latencyRows, type BenchRow } from './bench-row.js';
import { metered } from './cpu-meter.js';

const SESSIONS = Number(process.env.BENCH_SUPERVISIONS ?? 20);

export async function benchSupervision(): Promise<BenchRow[]> {
  const t = await startTelephony();
  try {
    const team = await insertTeam(t.db, 'Bench team');
    for (const [ext, role] of [
      ['1001', 'agent'],
      ['1002', 'agent'],
      ['1010', 'supervisor'],
    ] as const) {
      const user = await t.addUser(role, ext);
      await t.db.updateTable('users').set({ team_id: team.id }).where('id', '=', user.id).execute();
    }
    await t.start();
    const agent = await t.phone('1001');
    await t.phone('1002'); // the customer: answers automatically
    const supervisor = await t.phone('1010');
    const seen: { type: string; at: number }[] = [];
    t.app.bus.subscribe((event: AnyPbxEvent) => seen.push({ type: event.type, at: performance.now() }));
    const next = (type: string, since: number) =>
      eventually(() => seen.slice(since).find((e) => e.type === type), 5000, type);
    const starts: number[] = [];
    const switches: number[] = [];
    const { limit } = await metered(
      async () => {
        for (let i = 0; i < SESSIONS; i++) {
          let mark = seen.length;
          const call = agent.dial('1002');
          await next('call.answered', mark);
          mark = seen.length;
          const dialledAt = performance.now();
          const sup = supervisor.dial('*2221001');
          starts.push((await next('supervision.started', mark)).at - dialledAt);
          mark = seen.length;
          const switchedAt = performance.now();
          supervisor.sendDtmf(i % 2 === 0 ? '5' : '6', sup);
          switches.push((await next('supervision.changed', mark)).at - switchedAt);
          agent.hangup(call);
          await eventually(() => t.double.channels().length === 0, 5000, 'all gone');
        }
      },
      'round trips to the double',
      { controllerName: 'controller + in-process double' },
    );
    return [
      ...latencyRows('supervision: *222 dialled → supervisor hears the call', starts, limit),
      ...latencyRows('supervision: mode switch (DTMF) → supervisor on the new path', switches, limit),
    ];
  } finally {
    await t.close();
  }
}
