import { planMembers } from './page-members.js';
import { memberLegId, pageBridgeId, pageBridgeName, pagerLegId } from './page-state.js';
import { effect, emit, pageOf, type Step } from './page-step.js';
import { end } from './page-end.js';
import type { PageMember, PageSetup } from './paging.types.js';

/** A page begins: members planned (called once the pager is in the bridge), the bridge made, the pager reached. */
export function start(step: Step, setup: PageSetup): void {
  const plans = planMembers(setup.candidates, {
    priority: setup.priority,
    busyPolicy: setup.busyPolicy,
    pagerExtension: setup.pager.extension,
  });
  const members: PageMember[] = plans.map((plan, i): PageMember => {
    switch (plan.action) {
      case 'call':
        return {
          extension: plan.extension,
          status: 'calling',
          legs: plan.endpoints.map((endpoint, j) => ({
            channelId: memberLegId(setup.id, i, j),
            endpoint,
            state: 'pending',
          })),
        };
      case 'take':
        return {
          extension: plan.extension,
          status: 'calling',
          takenFrom: plan.fromPageId,
          legs: plan.channelIds.map((channelId) => ({ channelId, endpoint: '', state: 'pending' })),
        };
      case 'skip':
        return { extension: plan.extension, status: 'skipped', reason: plan.reason, legs: [] };
      case 'fail':
        return { extension: plan.extension, status: 'failed', reason: plan.reason, legs: [] };
      default: {
        const never: never = plan;
        throw new Error(`unknown member plan ${JSON.stringify(never)}`);
      }
    }
  });
  const { pager } = setup;
  const bridgeId = pageBridgeId(setup.id);
  emit(step, {
    kind: 'created',
    page: {
      id: setup.id,
      number: setup.number,
      name: setup.name,
      groupIds: setup.groupIds,
      priority: setup.priority,
      beep: setup.beep,
      maxSeconds: setup.maxSeconds,
      mode: setup.mode,
      origin: pager.origin,
      pager: {
        extension: pager.extension,
        name: pager.name,
        channelId: pager.origin === 'dial' ? pager.channelId : null,
        legs:
          pager.origin === 'api'
            ? pager.endpoints.map((endpoint, i) => ({
                channelId: pagerLegId(setup.id, i),
                endpoint,
                state: 'creating',
              }))
            : [],
        state: 'ringing',
      },
      bridgeId,
      bridge: 'creating',
      phase: 'starting',
      startedAt: step.now.toISOString(),
      deadline: null,
      members,
      endReason: null,
    },
  });
  effect(step, { kind: 'create-bridge', bridgeId, name: pageBridgeName(setup.number) });
  if (pager.origin === 'dial') return effect(step, { kind: 'answer', channelId: pager.channelId });
  if (pager.endpoints.length === 0) return end(step, 'pager-unavailable');
  for (const leg of pageOf(step).pager.legs)
    effect(step, { kind: 'create-leg', channelId: leg.channelId, endpoint: leg.endpoint, autoAnswer: false });
}
