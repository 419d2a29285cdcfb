/**
 * Event fan-out (issue 15): 500 WebSocket clients of `/api/events` (an admin's, each opened with its own one-time
 * ticket, in a process of their own) and an Asterisk event: a callee's phone starts ringing in the ARI double (its
 * ChannelStateChange to Ringing, the double's own process) → `call.ringing` arrives at each client. The figures are
 * p50/p99 over every client and round of that time, and of the part after the controller published the event on
 * its bus. Times across the three processes are epoch ms (`performance.timeOrigin + performance.now()`); the
 * clock skew between them, estimated over IPC, is printed with BENCH_VERBOSE=1. Figures only.
 */
import type { DoubleTrace } from '../ari-double/index.js';
import { insertUser, login } from '../helpers/test-app.js';
import { eventsUrl, ticket } from '../helpers/ws-client.js';
import { detail, latencyRows, type BenchRow } from './bench-row.js';
import { startCallsRig, type CallsRig, type Pair } from './calls-rig.js';
import { metered } from './cpu-meter.js';
import { startWsClients, type WsClients } from './ws-clients.js';

const CLIENTS = Number(process.env.BENCH_FANOUT_CLIENTS ?? 500);
const ROUNDS = Number(process.env.BENCH_FANOUT_ROUNDS ?? 30);
const PAIRS = 5;
const epochNow = () => performance.timeOrigin + performance.now();

interface Round {
  fromAsterisk: number[];
  fromBus: number[];
  received: number;
}

/** How far `clock()` (another process's epoch ms) is from ours, at the midpoint of the round trip. */
async function skewOf(clock: () => Promise<number>): Promise<string> {
  const before = epochNow();
  const theirs = await clock();
  const after = epochNow();
  return `${(theirs - (before + after) / 2).toFixed(2)} ms (±${((after - before) / 2).toFixed(2)})`;
}

/**
 * `call.ringing` publications on the bus by callee, timed by a listener subscribed before any client's socket (the
 * bus calls its listeners in order: this one runs before the fan-out, not after it).
 */
function publications(rig: CallsRig) {
  const waiting = new Map<string, (published: { id: string; at: number }) => void>();
  rig.app.bus.subscribe((event) => {
    if (event.type !== 'call.ringing') return;
    const at = epochNow();
    const view = event.data as { id: string; to: { number: string } };
    waiting.get(view.to.number)?.({ id: view.id, at });
    waiting.delete(view.to.number);
  });
  return (callee: string) =>
    new Promise<{ id: string; at: number }>((resolve) => waiting.set(callee, resolve));
}

/** One call rings its callee; the times from the double's Ringing and from the bus to each client's call.ringing. */
async function round(
  rig: CallsRig,
  clients: WsClients,
  pair: Pair,
  doubleOrigin: number,
  published: (callee: string) => Promise<{ id: string; at: number }>,
): Promise<Round> {
  const records: DoubleTrace[] = [];
  rig.double.onTrace((batch) => records.push(...batch));
  await rig.double.request({ op: 'observe', on: true });
  const ringing = published(pair.callee);
  const ended = rig.next('call.ended', pair, 30_000);
  await rig.double.request({ op: 'dial', calls: [{ from: pair.caller, to: pair.callee }] });
  const bus = await ringing;
  const arrivals = await clients.request<number[]>({
    op: 'wait',
    key: `call.ringing ${bus.id}`,
    count: CLIENTS,
    timeoutMs: 10_000,
  });
  await rig.double.request({ op: 'observe', on: false });
  await rig.double.request({ op: 'hangup', phones: [pair.caller] });
  await ended;
  const rang = records.find(
    (r) => r.kind === 'state-change' && r.endpointId === pair.callee && r.state === 'Ringing',
  );
  const origin = rang ? doubleOrigin + rang.at : undefined;
  return {
    fromAsterisk: origin === undefined ? [] : arrivals.map((at) => at - origin),
    fromBus: arrivals.map((at) => at - bus.at),
    received: arrivals.length,
  };
}

export async function benchFanout(): Promise<BenchRow[]> {
  const rig = await startCallsRig(PAIRS);
  let clients: WsClients | undefined;
  try {
    await rig.double.request({ op: 'answer-mode', phones: rig.pairs.map((p) => p.callee), mode: 'manual' });
    const published = publications(rig);
    const admin = await insertUser(rig.db, { role: 'admin', username: 'bench-fanout-admin' });
    const headers = await login(rig.app, admin.username, admin.password);
    await rig.app.server.listen({ host: '127.0.0.1', port: 0 });
    const tickets: string[] = [];
    for (let i = 0; i < CLIENTS; i++) tickets.push(await ticket(rig.app, headers));
    clients = await startWsClients();
    const opened = performance.now();
    const { connected } = await clients.request<{ connected: number }>({
      op: 'connect',
      url: eventsUrl(rig.app),
      tickets,
      types: ['call.ringing'],
    });
    detail(
      `${connected} clients connected (snapshots received) in ${((performance.now() - opened) / 1000).toFixed(1)} s`,
    );
    const { timeOrigin } = await rig.double.request<{ timeOrigin: number }>({ op: 'clock' });
    const ws = clients;
    detail(
      `clock skew: clients ${await skewOf(async () => (await ws.request<{ epoch: number }>({ op: 'clock' })).epoch)}`,
    );
    detail(
      `clock skew: the double ${await skewOf(async () => timeOrigin + (await rig.double.request<{ now: number }>({ op: 'clock' })).now)}`,
    );
    const { result: rounds, limit } = await metered(
      async () => {
        const out: Round[] = [];
        for (let i = 0; i < ROUNDS; i++)
          out.push(await round(rig, ws, rig.pairs[i % PAIRS]!, timeOrigin, published));
        return out;
      },
      'the controller sending to each socket',
      { doublePid: rig.double.pid },
    );
    const received = rounds.reduce((n, r) => n + r.received, 0);
    detail(`${received}/${ROUNDS * CLIENTS} call.ringing deliveries in ${ROUNDS} rounds`);
    return [
      ...latencyRows(
        `fan-out to ${CLIENTS} WS clients: callee Ringing in the double → call.ringing at each`,
        rounds.flatMap((r) => r.fromAsterisk),
        limit,
      ),
      ...latencyRows(
        `fan-out to ${CLIENTS} WS clients: bus publish → call.ringing at each`,
        rounds.flatMap((r) => r.fromBus),
        limit,
      ),
      {
        name: `fan-out to ${CLIENTS} WS clients: deliveries`,
        value: received / ROUNDS,
        unit: `of ${CLIENTS}`,
      },
    ];
  } finally {
    await clients?.close();
    await rig.close();
  }
}
