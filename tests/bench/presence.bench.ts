/**
 * Presence (issue 13): a phone registers on the ARI double (in-process) → `presence.changed` for its user arrives on a
 * WebSocket client of `/api/events`, p50/p99 over 200 registrations (20 users, each registering and unregistering
 * in turn; the unregistration → offline figure is printed beside it). Prints figures, asserts nothing about time.
 */
import type { PresenceView } from '../../controller/features/presence/presence.types.js';
import { clientFor, startTelephony, type TestUser } from '../helpers/telephony.js';
import { connectEvents, eventsUrl } from '../helpers/ws-client.js';
import { latencyRows, type BenchRow } from './bench-row.js';
import { metered } from './cpu-meter.js';

const USERS = Number(process.env.BENCH_PRESENCE_USERS ?? 20);
const REGISTRATIONS = Number(process.env.BENCH_PRESENCE_REGISTRATIONS ?? 200);

export async function benchPresence(): Promise<BenchRow[]> {
  const t = await startTelephony();
  try {
    const admin = await t.addUser('admin', '1000');
    const users: TestUser[] = [];
    for (let i = 0; i < USERS; i++) users.push(await t.addUser('agent', String(3001 + i)));
    await t.start();
    await t.app.server.listen({ host: '127.0.0.1', port: 0 });
    const ws = connectEvents(eventsUrl(t.app), (await clientFor(t.app, admin)).headers);
    await ws.next((m) => m.type === 'snapshot');
    let waiting: { userId: string; state: string; resolve: (at: number) => void } | undefined;
    ws.socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type: string; data: PresenceView };
      if (message.type !== 'presence.changed' || !waiting) return;
      if (message.data.userId !== waiting.userId || message.data.state !== waiting.state) return;
      waiting.resolve(performance.now());
      waiting = undefined;
    });
    const changeOf = (userId: string, state: string) =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no presence.changed ${state} within 5 s`)), 5000);
        waiting = { userId, state, resolve: (at) => (clearTimeout(timer), resolve(at)) };
      });
    const up: number[] = [];
    const down: number[] = [];
    const { limit } = await metered(
      async () => {
        for (let i = 0; i < REGISTRATIONS; i++) {
          const user = users[i % USERS]!;
          const available = changeOf(user.id, 'available');
          let started = performance.now();
          const phone = await t.double.registerPhone(user.extension, { password: user.sip_password });
          up.push((await available) - started);
          const offline = changeOf(user.id, 'offline');
          started = performance.now();
          phone.unregister();
          down.push((await offline) - started);
        }
      },
      'round trips',
      { controllerName: 'controller + in-process double' },
    );
    ws.close();
    return [
      ...latencyRows('presence: registration → presence.changed at a WS client', up, limit),
      ...latencyRows('presence: unregistration → presence.changed offline', down, limit),
    ];
  } finally {
    await t.close();
  }
}
