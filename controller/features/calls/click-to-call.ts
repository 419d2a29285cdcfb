import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import type { CallDirectory } from './call-directory.js';
import type { CallRunner } from './call-runner.js';
import { toCallView, type CallView } from './call-view.js';
import type { Destination, Person } from './call.types.js';
import { isExtensionNumber } from './dial-plan.js';

/** Ringing an outside number (through a trunk): undefined when no trunk can carry it for this caller. */
export interface OutboundCalls {
  destinationOf(number: string, caller: Person): Promise<Destination | undefined>;
}

/** One agent per contact: a click-to-call claims the contact its number belongs to, or is refused (409). */
export interface ContactCallGuard {
  /** Throws `contact-busy` (naming the agent) when another call has the contact; nothing for other numbers. */
  claim(callId: string, number: string, agent: Person): Promise<void>;
  /** Every claim the call holds goes (it ended, or never started). */
  release(callId: string): Promise<void>;
}

export interface ClickToCall {
  from?: string;
  to: string;
}

export interface ClickToCallDeps {
  directory: CallDirectory;
  destinationOf(number: string): Promise<Destination>;
  runner: CallRunner;
  newCallId(): string;
  requireAsterisk(): void;
  dialTimeoutSeconds: number;
  outbound?: OutboundCalls;
  contactCalls?: ContactCallGuard;
}

/**
 * `POST /api/calls {from?, to}`: the clicking user's own devices ring first, then the destination (an extension, or an
 * outside number through `outbound`). A `to` that is a contact's number claims the contact first (409 `contact-busy`
 * when another agent is calling or talking to them); the claim goes if the call never starts.
 */
export function createClickToCall(deps: ClickToCallDeps) {
  const { directory, runner } = deps;

  async function destinationFor(to: string, caller: Person): Promise<Destination> {
    if (isExtensionNumber(to)) {
      const destination = await deps.destinationOf(to);
      if (destination.kind === 'unknown') throw new AppError('no-such-extension', `no user has extension ${to}`);
      return destination;
    }
    const outside = deps.outbound ? await deps.outbound.destinationOf(to, caller) : undefined;
    if (!outside) throw new AppError('no-trunk', `no trunk can carry a call to ${to}`);
    return outside;
  }

  async function start(callId: string, origin: Extract<Destination, { kind: 'user' }>, to: string): Promise<CallView> {
    const destination = await destinationFor(to, origin.user);
    const call = await runner.submit(callId, {
      kind: 'click-to-call',
      callId,
      caller: origin.user,
      originTargets: origin.targets,
      dialled: to,
      destination,
      dialTimeoutSeconds: deps.dialTimeoutSeconds,
    });
    if (!call || call.stage === 'ended' || call.stage === 'ending') {
      throw new AppError('extension-unavailable', `none of the devices of ${origin.user.number} can be rung`);
    }
    return toCallView(call);
  }

  return async function clickToCall(principal: Principal, request: ClickToCall): Promise<CallView> {
    const from = request.from ?? principal.extension;
    if (principal.role !== 'admin' && from !== principal.extension) {
      throw new AppError('forbidden', 'you may only place calls from your own extension');
    }
    const origin = await directory.resolveTargets(from);
    if (origin.kind !== 'user') throw new AppError('no-such-extension', `no user has extension ${from}`);
    deps.requireAsterisk();
    const callId = deps.newCallId();
    await deps.contactCalls?.claim(callId, request.to, origin.user);
    try {
      return await start(callId, origin, request.to);
    } catch (error) {
      await deps.contactCalls?.release(callId);
      throw error;
    }
  };
}
