import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { channelIdOf, type PbxFact } from '../../ari/pbx.facts.js';
import type { PbxConnection } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import { closeLostCallLog, openCallLogIds } from '../../db/calls.repository.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import type { CallDirectory } from './call-directory.js';
import { createDirectoryCache } from './directory-cache.js';
import type { SetupStep, SetupTrace } from './setup-trace.js';
import {
  createCallRunner,
  type CallRunner,
  type ParkCodeRequest,
  type RecordCodeRequest,
  type RingBackRequest,
  type VoicemailRequest,
} from './call-runner.js';
import { withMailboxes } from './call-voicemail.js';
import { partiesOfCall, type CallParties } from './call-parties.js';
import { callIdFromArgs } from './call-state.js';
import type { AdoptedParty, Destination, Person } from './call.types.js';
import type { HangupReason } from '../../ari/pbx.port.js';
import { routedCallStarter } from './routed-call.js';
import { createTransfers } from './call-transfers.js';
import { isExtensionNumber } from './dial-plan.js';
import type { AgentClaims } from './call-effects.js';
import { createClickToCall, type ContactCallGuard, type OutboundCalls } from './click-to-call.js';
import { handlingOps } from './call-handling-ops.js';
import { createCallStore } from './call-store.js';
import { createDialRouter, type DialledCall, type DialRouter } from './dial-router.js';
import { canSeeCall, toCallView, type CallView } from './call-view.js';
import type { Redis } from 'ioredis';

export interface CallsServiceDeps {
  connection: PbxConnection;
  db: Db;
  redis: Redis;
  redisPrefix: string;
  bus: EventBus;
  logger: Logger;
  dialTimeoutSeconds: number;
  /** Default: the directory in memory, kept current by events (`directory-cache.ts`). */
  directory?: CallDirectory;
  now?: () => Date;
  /** Told each set-up step of each phone call (measurements: `npm run bench`, the live suite). */
  trace?: SetupTrace;
  /** EMERGENCY_NUMBERS (the numbering plan routes them out from every phone). */
  emergencyNumbers?: readonly string[];
  /** Personal call handling (DND, forwarding, ring strategies): how a resolved destination is rung now. */
  routing?: CallRouting;
  /** Contact centre: a contact another agent talks to or calls cannot be called (`../routing/contact-calls.ts`). */
  contactCalls?: ContactCallGuard;
  /** Routed calls' agent claims (`../routing/agent-claims.ts`). */
  agents?: AgentClaims;
}

/** Turns who was dialled into how to ring them (`../call-handling/`); `resolve` looks further numbers up. */
export interface CallRouting {
  route(destination: Destination, resolve: (number: string) => Promise<Destination>): Promise<Destination>;
}

/**
 * What a dialled call rings, decided by the feature that took its route once the caller is known (outbound: the
 * trunk): a destination, or a refusal the caller's phone is told (unanswered).
 */
export type DialledDestination = (
  caller: Person,
) => Promise<Destination | { refuse: HangupReason; why: string }>;

/** Outside numbers as destinations (the trunks feature): a forward to one rings it through the trunk. */
export type OutsideNumbers = (number: string) => Promise<Destination | undefined>;

const newCallId = () => randomBytes(6).toString('hex');

/** The voicemail feature, as calls sees it: who has a mailbox (looked up before deciding), and taking a caller. */
export interface VoicemailHandler {
  hasMailbox(userId: string): boolean;
  take(request: VoicemailRequest): void;
}

/** Hands the caller over; with nobody to take it (the feature stopped meanwhile), the caller hears the failure. */
function voicemailHandler(
  current: () => VoicemailHandler | undefined,
  connection: PbxConnection,
  logger: Logger,
) {
  return (request: VoicemailRequest) => {
    const handler = current();
    if (handler) return handler.take(request);
    logger.warn({ channelId: request.channelId }, 'no voicemail to take the call');
    void connection.pbx.hangup(request.channelId, request.reason === 'busy' ? 'busy' : 'no-answer');
  };
}

/** Calls between extensions: routes Asterisk's facts to calls, reconciles on every (re)connect, serves the API. */
export function createCallsService(deps: CallsServiceDeps) {
  const { connection, db, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const cache = deps.directory ? undefined : createDirectoryCache({ db, bus: deps.bus, logger });
  const directory: CallDirectory = deps.directory ?? cache!;
  const mark = (callId: string, step: SetupStep) => deps.trace?.(callId, step, performance.now());
  const store = createCallStore(deps.redis, deps.redisPrefix, logger);
  let parkHandler: ((request: ParkCodeRequest) => void) | undefined;
  let recordHandler: ((request: RecordCodeRequest) => void) | undefined;
  let voicemail: VoicemailHandler | undefined;
  const runner: CallRunner = createCallRunner({
    pbx: connection.pbx,
    db,
    bus: deps.bus,
    store,
    logger,
    now,
    onParkCode: (request) => parkHandler?.(request),
    onRecordCode: (request) => recordHandler?.(request),
    onRingBack: (request) => ringBack(request),
    onVoicemail: voicemailHandler(() => voicemail, connection, logger),
    onTransferCall: (request) => transfers.startTransferCall(request),
    trace: deps.trace,
    agents: deps.agents,
  });
  let outsideNumbers: OutsideNumbers | undefined;
  let outboundCalls: OutboundCalls | undefined;
  /** An extension from the directory; an outside number (a forward's target) through the trunk, once there is one. */
  const resolve = async (number: string): Promise<Destination> => {
    if (isExtensionNumber(number) || !outsideNumbers) return directory.resolveTargets(number);
    return (await outsideNumbers(number)) ?? { kind: 'unknown' };
  };
  /** Who a number is, and (call handling) how to ring them now. */
  const destinationOf = async (number: string): Promise<Destination> => {
    const found = await resolve(number);
    const routed = deps.routing ? await deps.routing.route(found, resolve) : found;
    return voicemail ? withMailboxes(routed, voicemail.hasMailbox) : routed;
  };
  const dialRouter: DialRouter = createDialRouter({
    pbx: connection.pbx,
    logger,
    emergencyNumbers: deps.emergencyNumbers,
  });
  dialRouter.handle('extension', startPhoneCall);
  const transfers = createTransfers({
    runner,
    pbx: connection.pbx,
    logger,
    now,
    newCallId,
    dialTimeoutSeconds: deps.dialTimeoutSeconds,
    emergencyNumbers: new Set(deps.emergencyNumbers ?? []),
    destinationOf,
    outbound: () => outboundCalls,
    dialRouter,
  });
  const unsubscribes: (() => void)[] = [];
  const reconciled: ((liveCallIds: Set<string>) => Promise<void>)[] = [];

  function onFact(fact: PbxFact): void {
    if (fact.kind === 'channel-entered') return onEntered(fact);
    if (fact.kind === 'playback-finished' && dialRouter.onPlaybackFinished(fact)) return;
    // A routed call's closing prompt (the `hangup` fallback) is the call's own playback.
    const announced =
      fact.kind === 'playback-finished' ? /^([\w]+)-announce$/.exec(fact.playbackId)?.[1] : undefined;
    if (announced) return void runner.submit(announced, { kind: 'fact', fact });
    const callId = routeOf(fact);
    if (callId) void runner.submit(callId, { kind: 'fact', fact });
  }

  function routeOf(fact: PbxFact): string | undefined {
    const channelId = channelIdOf(fact);
    return channelId ? runner.callOfChannel(channelId) : undefined;
  }

  /** A leg of ours (appArgs `call:<id>:leg`), else a dialled call: the numbering plan answers it. */
  function onEntered(fact: Extract<PbxFact, { kind: 'channel-entered' }>): void {
    const own = callIdFromArgs(fact.args) ?? runner.callOfChannel(fact.channel.id);
    if (own) return void runner.submit(own, { kind: 'fact', fact });
    dialRouter.onEntered(fact);
  }

  /**
   * A phone dialled an extension (or another feature's route it hands over, with `destinationFor`): a new call, routed
   * to its id at once so the channel's next facts queue behind it.
   */
  function startPhoneCall({ channel, dialled }: DialledCall, destinationFor?: DialledDestination): void {
    const callId = newCallId();
    mark(callId, 'stasis-start');
    runner.claim(channel.id, callId);
    void runner.submit(callId, async () => {
      try {
        const [caller, found] = await Promise.all([
          directory.identifyCaller(channel),
          destinationFor ? undefined : destinationOf(dialled),
        ]);
        const destination = found ?? (await destinationFor!(caller));
        if ('refuse' in destination) {
          logger.info({ channelId: channel.id, dialled, why: destination.why }, 'dialled call refused');
          runner.unclaim(channel.id);
          await connection.pbx.hangup(channel.id, destination.refuse);
          return undefined;
        }
        mark(callId, 'looked-up');
        return {
          kind: 'phone-call',
          callId,
          channel,
          caller,
          dialled,
          destination,
          dialTimeoutSeconds: deps.dialTimeoutSeconds,
        };
      } catch (error) {
        logger.error({ err: error, channelId: channel.id }, 'could not look the call up; refusing it');
        await connection.pbx.hangup(channel.id, 'congestion');
        return undefined;
      }
    });
  }

  const startRoutedCall = routedCallStarter({
    runner,
    newCallId,
    mark,
    logger,
    hangup: (channelId: string) => connection.pbx.hangup(channelId, 'congestion'),
    dialTimeoutSeconds: deps.dialTimeoutSeconds,
  });

  /** A refused transfer's survivor rings the transferer back: a new call, claimed at once (its facts queue behind it). */
  function ringBack(request: RingBackRequest): void {
    const callId = newCallId();
    runner.claim(request.survivor.channelId, callId);
    void runner.submit(callId, async () => {
      try {
        const destination = await directory.resolveTargets(request.to.number);
        return {
          kind: 'ring-back',
          callId,
          ...request,
          destination,
          dialTimeoutSeconds: deps.dialTimeoutSeconds,
        };
      } catch (error) {
        logger.error(
          { err: error, channelId: request.survivor.channelId },
          'could not ring the transferer back',
        );
        await connection.pbx.hangup(request.survivor.channelId, 'congestion');
        return undefined;
      }
    });
  }

  /** After every (re)connect: adopt saved calls, end those whose channels vanished, close logs of calls we lost. */
  async function reconcile(): Promise<void> {
    await runner.restore();
    const listed = await connection.pbx.listChannels();
    if (!listed.ok)
      return logger.warn({ reason: listed.reason }, 'could not list channels to reconcile calls');
    const channelIds = listed.value.map((channel) => channel.id);
    await Promise.all(runner.all().map((call) => runner.submit(call.id, { kind: 'reconcile', channelIds })));
    // Read the open logs first: a call that starts meanwhile is already known by the time its log row exists.
    const open = await openCallLogIds(db);
    const known = new Set(runner.all().map((call) => call.id));
    for (const callId of open) if (!known.has(callId)) await closeLostCallLog(db, callId, now());
    for (const listener of reconciled) await listener(new Set(runner.all().map((call) => call.id)));
  }

  function requireAsterisk(): void {
    if (connection.state() !== 'connected')
      throw new AppError('asterisk-unreachable', 'Asterisk is not reachable');
  }

  function visibleCall(callId: string, principal: Principal): CallView {
    const call = runner.get(callId);
    const view = call ? toCallView(call) : undefined;
    if (!view || !canSeeCall(principal, view)) throw new AppError('no-such-call', `call ${callId} not found`);
    return view;
  }

  const clickToCall = createClickToCall({
    directory,
    destinationOf,
    runner,
    newCallId,
    requireAsterisk,
    dialTimeoutSeconds: deps.dialTimeoutSeconds,
    // Outside numbers only through a per-caller route (the user's permission and caller ID): `useOutsideNumbers`
    // resolves numbers for forwards and does not ask who calls. The trunks feature gives it (`useOutboundCalls`).
    outbound: {
      destinationOf: (number, caller) =>
        outboundCalls?.destinationOf(number, caller) ?? Promise.resolve(undefined),
    },
    contactCalls: deps.contactCalls,
  });

  return {
    start(): void {
      if (cache) {
        void cache.start();
        unsubscribes.push(() => cache.stop());
      }
      unsubscribes.push(connection.onFact(onFact), connection.onConnected(reconcile));
      // Started after the connection came up: the first reconcile would otherwise wait for the next reconnect.
      if (connection.state() === 'connected')
        void reconcile().catch((error: unknown) => logger.error({ err: error }, 'reconcile failed'));
    },
    async stop(): Promise<void> {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      dialRouter.stop();
      runner.stop();
      await runner.idle();
    },
    list: (principal: Principal): CallView[] =>
      runner
        .all()
        .map(toCallView)
        .filter((view) => canSeeCall(principal, view))
        .sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
    get: visibleCall,
    clickToCall,
    async hangup(callId: string, principal: Principal): Promise<void> {
      visibleCall(callId, principal);
      requireAsterisk();
      await runner.submit(callId, { kind: 'hangup-call' });
    },
    reconcile,
    /** Another feature's dialled call becomes a call of this feature, ringing what `destinationFor` says. */
    startDialled: (call: DialledCall, destinationFor: DialledDestination) =>
      startPhoneCall(call, destinationFor),
    /** The trunks feature: outside numbers (forward targets) become destinations through the trunk. */
    useOutsideNumbers(resolver: OutsideNumbers): void {
      outsideNumbers = resolver;
    },
    /** The trunks feature: click-to-call's outside numbers, for the clicking user (their permission and caller ID). */
    useOutboundCalls(route: OutboundCalls): void {
      outboundCalls = route;
    },
    /** The numbering plan's routes: another feature takes the dialled strings of a route (e.g. parking: 700, 7NN). */
    dialPlan: { handle: dialRouter.handle, guard: dialRouter.guard, redial: dialRouter.redial },
    /** Who sets `#72` in motion: the parking feature. */
    onParkCode(handler: (request: ParkCodeRequest) => void): void {
      parkHandler = handler;
    },
    /** Who toggles a call's recording on `*1`: the recording feature (issue 17). */
    onRecordCode(handler: (request: RecordCodeRequest) => void): void {
      recordHandler = handler;
    },
    /** Who takes unanswered calls to users with a mailbox: the voicemail feature (issue 17). */
    onVoicemail(handler: VoicemailHandler): void {
      voicemail = handler;
    },
    /** The talking call a channel is a leg of, with both sides (for parking). */
    partiesOf(channelId: string): CallParties | undefined {
      const callId = runner.callOfChannel(channelId);
      const call = callId ? runner.get(callId) : undefined;
      return call ? partiesOfCall(call) : undefined;
    },
    partiesOfCall(callId: string): CallParties | undefined {
      const call = runner.get(callId);
      return call ? partiesOfCall(call) : undefined;
    },
    /**
     * A blind transfer of this channel was refused and its phone is about to be told (a failure NOTIFY): should the
     * phone hang up by itself right after, its other party rings it back instead of being lost.
     */
    async transferRefused(channelId: string): Promise<void> {
      const callId = runner.callOfChannel(channelId);
      if (callId) await runner.submit(callId, { kind: 'transfer-refused', channelId });
    },
    /**
     * A phone's REFER that parking did not take (its numbers, its parked consultation legs): a blind or attended
     * transfer between ordinary calls, carried out or refused with a failure NOTIFY (`call-transfer.ts`).
     */
    transfer: (fact: Extract<PbxFact, { kind: 'transfer-requested' }>) => transfers.onTransfer(fact),
    /** Hands legs over to another feature: they leave the call without being hung up; the call's bridge goes too. */
    async release(callId: string, channelIds: string[]): Promise<void> {
      await runner.submit(callId, { kind: 'release', channelIds });
    },
    /** Two existing channels become a talking call (a parked call picked up); resolves once it is decided. */
    async adopt(request: { caller: AdoptedParty; answerer: AdoptedParty; dialled: string }): Promise<string> {
      const callId = newCallId();
      runner.claim(request.caller.channelId, callId);
      runner.claim(request.answerer.channelId, callId);
      const call = await runner.submit(callId, { kind: 'adopt', callId, ...request });
      if (!call) throw new Error(`call ${callId} could not be set up`);
      return callId;
    },
    /** Call handling's operations on calls (pick-up, handoff, lookups for the feature codes). */
    ...handlingOps(runner, directory),
    /** A call from a trunk that another feature routes (contact centre: `../routing/`). */
    startRoutedCall,
    /** Who a number is and how to ring them now (the directory, then call handling). */
    destinationOf,
    /** Who a number is (the directory only: every account of the user). */
    resolve,
    /** Told after every reconcile which calls live (claims of calls that are gone can go). */
    onReconciled(listener: (liveCallIds: Set<string>) => Promise<void>): void {
      reconciled.push(listener);
    },
    /** Waits until every queued input has been handled (tests, shutdown). */
    idle: () => runner.idle(),
  };
}

export type CallsService = ReturnType<typeof createCallsService>;
export type { ClickToCall, ContactCallGuard, OutboundCalls } from './click-to-call.js';
export type { RoutedStart } from './routed-call.js';
export type { CallParties, CallSide } from './call-parties.js';
