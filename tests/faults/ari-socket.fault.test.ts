import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultRig, type FaultRig } from './fault-rig.js';
import { closedLog, isClosed, plan, scenarios, type Scenarios } from './scenarios.js';
import { until } from './until.js';

/**
 * (a) The ARI link cut (the proxy resets the WebSocket and refuses reconnects) while something hangs up, then restored:
 * Asterisk does not replay what happened meanwhile, so the controller must reconcile from what it lists.
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
  rig.proxies.ari.restore();
  await s.settle();
  await s.callLogsClosed();
});

/** Cuts the ARI link and waits until the controller sees it down. */
async function cutAri() {
  rig.proxies.ari.cut();
  await until('the controller reports ari down', async () => (await rig.controller.readiness())?.ari === 'down');
}
async function restoreAri() {
  rig.proxies.ari.restore();
  await rig.controller.ready();
}

describe('ARI WebSocket cut, a hang-up while it is down, then restored', () => {
  it('calls: the caller hangs up while cut; after restore the callee is hung up and the log closed', async () => {
    const { outgoing, incoming, callId } = await s.talking();
    await cutAri();
    rig.phones['1001']!.hangup(outgoing);
    await restoreAri();
    await until('the callee released', () => isClosed(incoming));
    await until('the call gone from the API', async () => !(await s.liveCalls()).some((c) => c.id === callId));
    expect(await closedLog(s, callId)).toMatchObject({ disposition: 'answered', from_number: '1001' });
  });

  it('parks: the parked caller hangs up while cut; after restore the slot is free and the next park takes it', async () => {
    const { caller, slot } = await s.parked();
    expect(slot.slot).toBe('701');
    await cutAri();
    rig.phones['1001']!.hangup(caller);
    await restoreAri();
    await until('slot 701 freed', async () => (await s.occupied()).length === 0);
    const again = await s.parked();
    expect(again.slot.slot).toBe('701');
    expect((await s.occupied()).map((o) => o.slot)).toEqual(['701']);
  });

  it('pages: the pager hangs up while cut; after restore the page ends and every member is released', async () => {
    const { page, members, pager } = await s.paging();
    await cutAri();
    rig.phones['1001']!.hangup(pager);
    await restoreAri();
    await until('the members released', () => Object.values(members).every(isClosed));
    await until('the page ended', async () => !(await s.livePages()).some((p) => p.id === page.id));
  });

  it('supervision: the customer hangs up while cut; after restore the session ends, audited, every leg released', async () => {
    const { incoming, outgoing, supervisor, id, callId } = await s.supervised('whisper');
    await cutAri();
    rig.phones['1002']!.hangup(incoming);
    await restoreAri();
    await until('the agent and the supervisor released', () => isClosed(outgoing) && isClosed(supervisor));
    await until('the session ended', async () =>
      (await s.sessions()).every((x) => x.id !== id || x.state === 'ended'),
    );
    await until('supervision.ended audited', async () =>
      (await s.audit('supervision.ended')).some((row) => row.details.sessionId === id),
    );
    expect(await closedLog(s, callId)).toMatchObject({ disposition: 'answered' });
  });

  it('hot desk: a call to the desk hangs up while cut; the session stays and the desk is rung after restore', async () => {
    const session = await s.hotdesked();
    const desk = rig.phones.desk1!;
    const before = desk.calls.length;
    const outgoing = rig.phones['1001']!.dial('1006');
    const atDesk = await s.incomingAfter('desk1', before);
    desk.answer(atDesk);
    await until('talking to the desk', () => outgoing.state === 'established');
    await cutAri();
    desk.hangup(atDesk);
    await restoreAri();
    await until('the caller released', () => isClosed(outgoing));
    expect((await s.desks()).map((d) => d.id)).toEqual([session.id]);
    const next = rig.phones['1001']!.dial('1006');
    const rung = await s.incomingAfter('desk1', desk.calls.length - 1);
    expect(rung.remote.number).toBe('1001');
    rig.phones['1001']!.hangup(next);
    await (await rig.admin()).post('/api/hotdesk/logout', { deviceId: 'desk1' });
  });

  it('ringing: the caller gives up while cut; after restore the ringing desk stops, the next step never rings', async () => {
    const { outgoing, desk, callId, webBefore } = await s.ringing(30);
    await cutAri();
    rig.phones['1001']!.hangup(outgoing);
    await restoreAri();
    await until('the desk stops ringing', () => isClosed(desk));
    expect(await closedLog(s, callId)).toMatchObject({ disposition: 'cancelled' });
    expect(rig.phones['1005-web']!.calls.slice(webBefore)).toEqual([]);
  });
});
