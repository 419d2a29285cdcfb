import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultRig, type FaultRig } from './fault-rig.js';
import { closedLog, isClosed, plan, scenarios, type Scenarios } from './scenarios.js';
import { until } from './until.js';

/**
 * (b) Asterisk restarts (the double's `restart()`): every channel, bridge and dynamic object is gone, the app socket
 * closes. What the controller held for them must be closed in call logs and audit, park slots freed, and nothing
 * double-booked afterwards. Phones register again once the controller pushed their accounts again.
 */
let rig: FaultRig;
let s: Scenarios;

beforeAll(async () => {
  rig = await startFaultRig(plan);
  s = scenarios(rig);
});
afterAll(async () => rig?.close());
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') console.error(rig.controller.output().slice(-6000));
  await s.settle();
  await s.callLogsClosed();
});

/** Restarts Asterisk, waits for the controller to be connected again and the phones to be registered again. */
async function restartAsterisk() {
  rig.double.restart();
  await until('the controller reports ari down or reconnected', async () => (await rig.controller.readiness()) !== undefined);
  await rig.controller.ready();
  await rig.registerPhones();
  if (rig.phones.desk1) await s.registerDesk();
}

describe('Asterisk restarted', () => {
  it('calls: a talking call is closed in the call log (answered), gone from the API', async () => {
    const { outgoing, incoming, callId } = await s.talking();
    await restartAsterisk();
    expect(isClosed(outgoing) && isClosed(incoming)).toBe(true);
    await until('the call gone from the API', async () => !(await s.liveCalls()).some((c) => c.id === callId));
    expect(await closedLog(s, callId)).toMatchObject({ disposition: 'answered', from_number: '1001' });
  });

  it('parks: the lost park frees its slot; the next park takes 701 once, not twice', async () => {
    const { slot } = await s.parked();
    expect(slot.slot).toBe('701');
    await restartAsterisk();
    await until('slot 701 freed', async () => (await s.occupied()).length === 0);
    const again = await s.parked();
    expect(again.slot.slot).toBe('701');
    expect((await s.occupied()).map((o) => o.slot)).toEqual(['701']);
    const bridges = rig.double.bridges().filter((b) => String(b.name).includes('park'));
    expect(bridges).toHaveLength(1);
  });

  it('pages: the page Asterisk lost ends; a new page to the same group starts', async () => {
    const { page } = await s.paging();
    await restartAsterisk();
    await until('the page ended', async () => !(await s.livePages()).some((p) => p.id === page.id));
    const next = await s.paging();
    expect(next.page.id).not.toBe(page.id);
    await (await rig.admin()).delete(`/api/paging/pages/${next.page.id}`);
  });

  it('supervision: the session on the lost call ends, audited started and ended', async () => {
    const { id, callId } = await s.supervised('monitor');
    await restartAsterisk();
    await until('the session ended', async () =>
      (await s.sessions()).every((x) => x.id !== id || x.state === 'ended'),
    );
    await until('supervision.ended audited', async () =>
      (await s.audit('supervision.ended')).some((row) => row.details.sessionId === id),
    );
    expect((await s.audit('supervision.started')).some((row) => row.details.sessionId === id)).toBe(true);
    expect(await closedLog(s, callId)).toMatchObject({ disposition: 'answered' });
  });

  it('hot desk: the session survives (it is the database), and calls to the user ring the desk again', async () => {
    const session = await s.hotdesked();
    await restartAsterisk();
    expect((await s.desks()).map((d) => d.id)).toEqual([session.id]);
    const desk = rig.phones.desk1!;
    const before = desk.calls.length;
    const outgoing = rig.phones['1001']!.dial('1006');
    const rung = await s.incomingAfter('desk1', before);
    expect(rung.remote.number).toBe('1001');
    rig.phones['1001']!.hangup(outgoing);
    await (await rig.admin()).post('/api/hotdesk/logout', { deviceId: 'desk1' });
  });

  it('ringing: a call still ringing is closed (not answered), and its next ring step never starts', async () => {
    const deskSeconds = 3;
    const { callId, dialledAt, webBefore } = await s.ringing(deskSeconds);
    await restartAsterisk();
    const log = await closedLog(s, callId);
    expect(log.answered_at).toBeNull();
    expect(log.disposition).not.toBe('answered');
    // The ring plan's own deadline for the webphone step: past it, a plan still running would have rung it.
    await until('past the second step’s start', () => Date.now() > dialledAt + (deskSeconds + 2) * 1000);
    expect(rig.phones['1005-web']!.calls.slice(webBefore)).toEqual([]);
  });
});
