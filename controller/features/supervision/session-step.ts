import { heardToTheEnd } from '../calls/playout.js';
import { bridgeName, evolve, pathBridgeId, pathSnoopId, promptId, snoopArgs } from './session-state.js';
import type {
  AudioPath,
  EndReason,
  SessionEffect,
  SessionEvent,
  SessionState,
  SupervisionMode,
} from './supervision.types.js';
import type { SupervisionRefusalCode } from './supervision.access.js';

/** One decision being made: the state as the events so far left it, and what to do. */
export interface Step {
  state: SessionState;
  events: SessionEvent[];
  effects: SessionEffect[];
  now: Date;
}

export function emit(step: Step, event: SessionEvent): void {
  step.events.push(event);
  step.state = evolve(step.state, event);
}

export function effect(step: Step, command: SessionEffect): void {
  step.effects.push(command);
}

/** The prompts a supervisor hears before the session ends without ever reaching a call. */
const PROMPTS: Record<SupervisionRefusalCode, string[]> = {
  'supervision-forbidden': ['sound:pbx-invalid'],
  'no-call-to-supervise': ['sound:vm-nobodyavail'],
};

const live = (step: Step) =>
  step.state.phase !== 'ending' && step.state.phase !== 'ended' && step.state.phase !== 'refusing';

/**
 * Builds the audio path for `mode`, make-before-break: monitor and whisper get a bridge of their own and a fresh
 * snoop of the agent's channel (`spy=both`; `whisper=out` for whisper: heard by the agent's phone only, never by the
 * customer); the supervisor moves over only once the snoop is in that bridge. Barge needs nothing built: the
 * supervisor moves into the call's bridge.
 */
export function build(step: Step, mode: SupervisionMode): void {
  const { state } = step;
  const call = state.call;
  const supervisor = state.supervisorChannelId;
  if (!call || !supervisor || state.next || !live(step)) return;
  const n = state.builds + 1;
  if (mode === 'barge') {
    const path: AudioPath = {
      mode,
      bridgeId: call.bridgeId,
      ownBridge: false,
      snoopId: null,
      stage: 'ready',
    };
    emit(step, { kind: 'path-requested', path });
    return effect(step, { kind: 'add-to-bridge', bridgeId: call.bridgeId, channelId: supervisor });
  }
  const path: AudioPath = {
    mode,
    bridgeId: pathBridgeId(state.id, n),
    ownBridge: true,
    snoopId: pathSnoopId(state.id, n),
    stage: 'waiting',
  };
  emit(step, { kind: 'path-requested', path });
  effect(step, { kind: 'create-bridge', bridgeId: path.bridgeId, name: bridgeName(state.id) });
  effect(step, {
    kind: 'snoop',
    snoopId: path.snoopId!,
    channelId: call.agentChannelId,
    whisper: mode === 'whisper' ? 'out' : 'none',
    appArgs: snoopArgs(state.id),
  });
}

/** The new path's snoop is in its bridge: the path carries the call; now move the supervisor over. */
export function pathReady(step: Step): void {
  emit(step, { kind: 'path-ready' });
  const { next, supervisorChannelId } = step.state;
  if (next && supervisorChannelId)
    effect(step, { kind: 'add-to-bridge', bridgeId: next.bridgeId, channelId: supervisorChannelId });
}

/** The supervisor is on the new path: tear the old one down, then build the mode asked for meanwhile, if another. */
export function switched(step: Step): void {
  const old = step.state.current;
  const to = step.state.next!.mode;
  emit(step, { kind: 'switched', from: old?.mode ?? null, to, at: step.now.toISOString() });
  if (old) tearDown(step, old);
  if (step.state.mode !== to) build(step, step.state.mode);
}

function tearDown(step: Step, path: AudioPath): void {
  if (path.snoopId && step.state.channels.includes(path.snoopId))
    effect(step, { kind: 'hangup', channelId: path.snoopId });
  if (path.ownBridge && step.state.bridges.includes(path.bridgeId)) {
    effect(step, { kind: 'destroy-bridge', bridgeId: path.bridgeId });
    emit(step, { kind: 'bridge-gone', bridgeId: path.bridgeId });
  }
}

/** A switch asked for (DTMF 4/5/6, PATCH): built now, or after the path being built, or not at all if current. */
export function switchTo(step: Step, mode: SupervisionMode): void {
  if (!live(step) || step.state.mode === mode) return;
  emit(step, { kind: 'mode-requested', mode });
  if (step.state.phase === 'active' && !step.state.next) build(step, mode);
}

/** Ends the session: every channel of ours hung up, every bridge of ours destroyed; the call itself goes on. */
export function end(step: Step, reason: EndReason): void {
  if (step.state.phase === 'ending' || step.state.phase === 'ended') return;
  emit(step, { kind: 'ending', reason });
  cleanUp(step);
}

/** The supervisor's phone hears why (a prompt), then the session ends. Nothing of the call is ever bridged. */
export function refuse(step: Step, code: SupervisionRefusalCode, reason: string, ending: EndReason): void {
  const channelId = step.state.supervisorChannelId;
  if (!channelId) {
    emit(step, { kind: 'ending', reason: ending, refusal: { code, reason }, via: 'start' });
    return cleanUp(step);
  }
  const playbackId = promptId(step.state.id, step.state.builds + 1);
  emit(step, { kind: 'prompting', playbackId });
  emit(step, { kind: 'ending', reason: ending, refusal: { code, reason }, prompt: true, via: 'start' });
  effect(step, { kind: 'play', playbackId, channelId, media: heardToTheEnd(PROMPTS[code]) });
}

/** The rules no longer allow the session: it ends at once (no prompt: the supervisor is hung up), audited as refused. */
export function revoke(step: Step, refusal: { code: SupervisionRefusalCode; reason: string }): void {
  if (step.state.phase === 'ending' || step.state.phase === 'ended') return;
  emit(step, { kind: 'ending', reason: 'refused', refusal, via: 'recheck' });
  cleanUp(step);
}

/** Hangs up what is left; the session is over once Asterisk has confirmed every channel of ours left. */
export function cleanUp(step: Step): void {
  if (step.state.phase === 'refusing')
    emit(step, { kind: 'ending', reason: step.state.endReason ?? 'refused' });
  for (const bridgeId of step.state.bridges) {
    effect(step, { kind: 'destroy-bridge', bridgeId });
    emit(step, { kind: 'bridge-gone', bridgeId });
  }
  for (const channelId of step.state.channels) effect(step, { kind: 'hangup', channelId });
  settle(step);
}

export function settle(step: Step): void {
  const { state } = step;
  if (state.phase === 'ending' && state.channels.length === 0 && state.bridges.length === 0)
    emit(step, { kind: 'ended' });
}

/** A channel of ours left Asterisk. */
export function gone(step: Step, channelId: string): void {
  if (step.state.channels.includes(channelId)) emit(step, { kind: 'channel-gone', channelId });
}
