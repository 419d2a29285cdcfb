import type { PbxFact } from '../../ari/pbx.facts.js';
import { legArgs } from './session-state.js';
import {
  build,
  cleanUp,
  revoke,
  effect,
  emit,
  end,
  gone,
  pathReady,
  refuse,
  settle,
  switched,
  switchTo,
  type Step,
} from './session-step.js';
import type { SessionDecision, SessionInput, SessionState, SupervisionStart } from './supervision.types.js';

/** The in-call digits of a session: 4 / 5 / 6 switch mode, `#` ends it. */
const DIGIT_MODES = { '4': 'monitor', '5': 'whisper', '6': 'barge' } as const;

/**
 * The supervision decider: one session (one supervisor on one agent's call), one input. Pure: the events that
 * happened and the effects to carry out.
 */
export function decide(input: SessionInput, state: SessionState | undefined, now: Date): SessionDecision {
  if (input.kind === 'start') return run(opened(input, now), now, (step) => start(step, input));
  if (!state || state.phase === 'ended') return { events: [], effects: [] };
  return run(state, now, (step) => dispatch(step, input));
}

function run(state: SessionState, now: Date, body: (step: Step) => void): SessionDecision {
  const step: Step = { state, events: [], effects: [], now };
  body(step);
  return { events: step.events, effects: step.effects };
}

function opened(input: SupervisionStart, now: Date): SessionState {
  return {
    id: input.id,
    phase: input.origin === 'api' ? 'ringing' : 'building',
    mode: input.mode,
    supervisor: input.supervisor,
    target: input.target,
    supervisorChannelId: input.origin === 'dial' ? input.channelId : null,
    legs: input.origin === 'api' ? input.endpoints.map((e) => ({ ...e, state: 'creating' as const })) : [],
    call: null,
    current: null,
    next: null,
    builds: 0,
    channels: input.origin === 'dial' ? [input.channelId] : input.endpoints.map((e) => e.channelId),
    bridges: [],
    idlePolicy: input.idlePolicy,
    startedAt: now.toISOString(),
    activeAt: null,
    endReason: null,
    refusal: null,
    promptId: null,
  };
}

function start(step: Step, input: SupervisionStart): void {
  emit(step, { kind: 'opened', session: step.state });
  if (input.origin === 'api') {
    for (const leg of input.endpoints)
      effect(step, { kind: 'create-leg', ...leg, appArgs: legArgs(input.id) });
    if (input.call) emit(step, { kind: 'call-attached', call: input.call });
    return;
  }
  effect(step, { kind: 'answer', channelId: input.channelId });
  if (input.refusal) return refuse(step, input.refusal.code, input.refusal.reason, 'refused');
  supervisorReady(step, input.call);
}

/** The supervisor is up (dialled, or the API's leg answered): the call now, or wait for it, or end. */
function supervisorReady(step: Step, call: SupervisionStart['call']): void {
  const known = call ?? step.state.call;
  if (known) {
    if (!step.state.call) emit(step, { kind: 'call-attached', call: known });
    return build(step, step.state.mode);
  }
  if (step.state.idlePolicy === 'end')
    return refuse(step, 'no-call-to-supervise', 'the agent is on no call', 'no-call');
  emit(step, { kind: 'waiting' });
  effect(step, { kind: 'moh', channelId: step.state.supervisorChannelId!, on: true });
}

function dispatch(step: Step, input: Exclude<SessionInput, SupervisionStart>): void {
  switch (input.kind) {
    case 'call-found':
      return callFound(step, input);
    case 'switch':
      return switchTo(step, input.mode);
    case 'stop':
      return end(step, 'requested');
    case 'revoke':
      return revoke(step, input.refusal);
    case 'fact':
      onFact(step, input.fact);
      return settle(step);
    case 'effect-failed':
      onFailed(step, input);
      return settle(step);
    case 'reconcile':
      if (intactAfterReconnect(step.state, input)) return;
      for (const channelId of step.state.channels)
        if (!input.channelIds.includes(channelId)) gone(step, channelId);
      return end(step, 'controller-restart');
    default: {
      const never: never = input;
      throw new Error(`unknown input ${JSON.stringify(never)}`);
    }
  }
}

/**
 * A session that carries audio on one path of its own, with nothing being built or torn down, is adopted as it is
 * (issue 15: a restarted controller or a standby taking over keeps it): every channel it knows is still in Asterisk,
 * the call's two parties too, and its bridge holds the supervisor and the snoop. Anything else (a switch or a leg
 * half done, barge in the call's own bridge, a supervisor waiting for a call) may have missed events and ends cleanly.
 */
function intactAfterReconnect(
  state: SessionState,
  asterisk: Extract<SessionInput, { kind: 'reconcile' }>,
): boolean {
  const { current, call, supervisorChannelId } = state;
  if (state.phase !== 'active' || state.next || !current || !call || !supervisorChannelId) return false;
  if (!current.ownBridge || !current.snoopId || current.stage !== 'ready') return false;
  const present = new Set(asterisk.channelIds);
  const needed = [...state.channels, call.agentChannelId, call.otherChannelId];
  if (!needed.every((id) => present.has(id))) return false;
  const bridge = asterisk.bridges.find((b) => b.id === current.bridgeId);
  return Boolean(bridge?.channelIds.includes(supervisorChannelId) && bridge.channelIds.includes(current.snoopId));
}

function callFound(step: Step, input: Extract<SessionInput, { kind: 'call-found' }>): void {
  if (step.state.call || (step.state.phase !== 'waiting' && step.state.phase !== 'ringing')) return;
  if (input.refusal) {
    if (step.state.supervisorChannelId)
      effect(step, { kind: 'moh', channelId: step.state.supervisorChannelId, on: false });
    return refuse(step, input.refusal.code, input.refusal.reason, 'refused');
  }
  emit(step, { kind: 'call-attached', call: input.call });
  if (step.state.supervisorChannelId) {
    effect(step, { kind: 'moh', channelId: step.state.supervisorChannelId, on: false });
    build(step, step.state.mode);
  }
}

function onFact(step: Step, fact: PbxFact): void {
  const { state } = step;
  switch (fact.kind) {
    case 'channel-entered': {
      const leg = state.legs.find((l) => l.channelId === fact.channel.id);
      if (leg && state.phase === 'ringing') return effect(step, { kind: 'dial', channelId: leg.channelId });
      if (state.next?.snoopId !== fact.channel.id || state.next.stage !== 'waiting') return;
      emit(step, { kind: 'snoop-entered', snoopId: fact.channel.id });
      if (state.phase === 'ending') return;
      return effect(step, {
        kind: 'add-to-bridge',
        bridgeId: state.next.bridgeId,
        channelId: fact.channel.id,
      });
    }
    case 'channel-state-changed':
      if (fact.channel.state === 'Up') legAnswered(step, fact.channel.id);
      return;
    case 'dial-progress':
      if (fact.status === 'ANSWER') legAnswered(step, fact.peer.id);
      return;
    case 'channel-entered-bridge':
      return enteredBridge(step, fact.channel.id, fact.bridge.id);
    case 'channel-left':
      return left(step, fact.channel.id);
    case 'bridge-destroyed':
      if (state.current?.mode === 'barge' && fact.bridge.id === state.current.bridgeId)
        end(step, 'call-ended');
      return;
    case 'dtmf-received':
      if (fact.channel.id === state.supervisorChannelId) digit(step, fact.digit);
      return;
    case 'playback-finished':
      if (fact.playbackId === state.promptId && state.phase === 'refusing') cleanUp(step);
      return;
    default:
      return;
  }
}

function legAnswered(step: Step, channelId: string): void {
  const { state } = step;
  if (state.phase !== 'ringing' || !state.legs.some((l) => l.channelId === channelId)) return;
  emit(step, { kind: 'supervisor-up', channelId });
  for (const other of state.legs)
    if (other.channelId !== channelId && other.state !== 'gone') {
      effect(step, { kind: 'hangup', channelId: other.channelId });
    }
  supervisorReady(step, null);
}

function enteredBridge(step: Step, channelId: string, bridgeId: string): void {
  const { next, supervisorChannelId, phase } = step.state;
  if (!next || next.bridgeId !== bridgeId || phase === 'ending') return;
  if (channelId === next.snoopId && next.stage === 'entered') return pathReady(step);
  if (channelId === supervisorChannelId && next.stage === 'ready') switched(step);
}

function left(step: Step, channelId: string): void {
  const { state } = step;
  const pathSnoop = channelId === state.current?.snoopId || channelId === state.next?.snoopId;
  gone(step, channelId);
  if (state.phase === 'ending') return;
  if (channelId === state.supervisorChannelId) return end(step, 'supervisor-hung-up');
  const leg = state.legs.find((l) => l.channelId === channelId);
  if (leg) {
    if (state.phase === 'ringing' && step.state.legs.every((l) => l.state === 'gone'))
      end(step, 'supervisor-unavailable');
    return;
  }
  const call = state.call;
  const party = call && (channelId === call.agentChannelId || channelId === call.otherChannelId);
  // A path's snoop ends by itself when the agent's channel does: the call is over for this session.
  if (party || pathSnoop) end(step, 'call-ended');
}

function digit(step: Step, digit: string): void {
  if (step.state.phase !== 'active' && step.state.phase !== 'building' && step.state.phase !== 'waiting')
    return;
  if (digit === '#') return end(step, 'requested');
  const mode = DIGIT_MODES[digit as keyof typeof DIGIT_MODES];
  if (mode) switchTo(step, mode);
}

function onFailed(step: Step, input: Extract<SessionInput, { kind: 'effect-failed' }>): void {
  const failed = input.effect;
  switch (failed.kind) {
    case 'create-leg':
    case 'dial':
      return left(step, failed.channelId);
    case 'hangup':
      return gone(step, failed.channelId);
    case 'destroy-bridge':
    case 'moh':
      return;
    case 'play':
      if (step.state.phase === 'refusing') cleanUp(step);
      return;
    case 'answer':
      return left(step, failed.channelId);
    case 'snoop':
      gone(step, failed.snoopId);
      return end(step, input.reason === 'gone' ? 'call-ended' : 'failed');
    case 'create-bridge':
    case 'add-to-bridge':
      return end(step, input.reason === 'gone' ? 'call-ended' : 'failed');
    default: {
      const never: never = failed;
      throw new Error(`unknown effect ${JSON.stringify(never)}`);
    }
  }
}
