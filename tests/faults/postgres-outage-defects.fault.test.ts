import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultRig, type FaultRig } from './fault-rig.js';
import { outage } from './outages.js';
import { isClosed, plan, scenarios, type Scenarios } from './scenarios.js';
import { until } from './until.js';

/**
 * (d) PostgreSQL unavailable for 10 s: the cases that FAIL today, kept apart so the rest of the suite stays meaningful.
 * Each is a defect the fault suite found (see the lead's report); none is papered over.
 */
let rig: FaultRig;
let s: Scenarios;
let pg: ReturnType<typeof outage>;

beforeAll(async () => {
  rig = await startFaultRig(plan);
  s = scenarios(rig);
  pg = outage(rig, 'postgres');
});
afterAll(async () => rig?.close());
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') console.error(rig.controller.output().slice(-4000));
  rig.proxies.postgres.restore();
  await rig.controller.ready();
  for (const phone of Object.values(rig.phones))
    for (const call of phone.calls) if (call.state !== 'closed') phone.hangup(call);
  await until('no channel left', () => rig.double.channels().length === 0);
});

describe('PostgreSQL unavailable for 10 s: known defects', () => {
  it('parks: the caller hanging up during the outage frees the slot for good (not left occupied in the database)', async () => {
    const { caller, slot } = await s.parked();
    await pg.cut();
    const lamp = () => rig.double.deviceStates().find((d) => d.name === `Stasis:park-${slot.slot}`)?.state;
    rig.phones['1001']!.hangup(caller);
    await until('the slot freed in Asterisk (its lamp off)', () => lamp() === 'NOT_INUSE');
    await pg.restore();
    await until('the slot free in the API', async () => (await s.occupied()).length === 0);
    expect((await s.parked()).slot.slot).toBe('701');
  });

  it('supervision: a session that ends during the outage is audited once the database is back', async () => {
    const { outgoing, supervisor, id } = await s.supervised('monitor');
    await pg.cut();
    rig.phones['1001']!.hangup(outgoing);
    await until('the supervisor released', () => isClosed(supervisor));
    await pg.restore();
    await until('supervision.ended audited', async () =>
      (await s.audit('supervision.ended')).some((row) => row.details.sessionId === id),
    );
  });

  it('calls: a callee nobody called since the controller started is reached during the outage', async () => {
    await pg.cut();
    const before = rig.phones['1002']!.calls.length;
    const outgoing = rig.phones['1010']!.dial('1002');
    const ringing = await s.incomingAfter('1002', before).catch(() => undefined);
    expect(ringing, `1002 rung (the caller got ${outgoing.status ?? outgoing.state})`).toBeDefined();
    await pg.restore();
  });
});
