import type { Logger } from 'pino';
import type { PbxFact } from '../../ari/pbx.facts.js';
import type { Pbx } from '../../ari/pbx.port.js';
import { AppError } from '../../errors.js';
import type { CallRunner, TransferCallRequest } from './call-runner.js';
import { blindTargetOf, planTransfer, type TransferPlan } from './call-transfer.js';
import type { CallTransfer, Destination } from './call.types.js';
import type { OutboundCalls } from './click-to-call.js';
import type { DialRouter } from './dial-router.js';

type TransferFact = Extract<PbxFact, { kind: 'transfer-requested' }>;

export interface TransfersDeps {
  runner: CallRunner;
  pbx: Pbx;
  logger: Logger;
  now: () => Date;
  newCallId: () => string;
  dialTimeoutSeconds: number;
  emergencyNumbers: ReadonlySet<string>;
  /** An extension as a destination now (the directory, call handling: DND, forwards, ring settings, mailbox). */
  destinationOf(number: string): Promise<Destination>;
  /** Outside numbers for a caller (the trunks feature: their permission and outbound caller ID), once there is one. */
  outbound(): OutboundCalls | undefined;
  /** The numbering plan's restrictions on a caller (a guest hot desk device). */
  dialRouter: Pick<DialRouter, 'refusal'>;
}

/**
 * The shell of transfers between ordinary calls: a phone's REFER (a `transfer-requested` fact that parking did not
 * take) → the plan (`call-transfer.ts`) → the lookups a blind transfer needs → the inputs of the calls involved, each
 * under its own call's lock. Refusals reach the phone as a failure NOTIFY from the transferer's own call.
 */
export function createTransfers(deps: TransfersDeps) {
  const { runner, logger } = deps;
  /** Transferers whose REFER is being looked up (Asterisk sends each ChannelTransfer twice). */
  const inFlight = new Set<string>();

  async function onTransfer(fact: TransferFact): Promise<void> {
    const id = fact.transfererChannelId;
    if (fact.state || inFlight.has(id)) return;
    inFlight.add(id);
    try {
      const callId = runner.callOfChannel(id);
      const consultationId = fact.replaces ? runner.callOfChannel(fact.replaces.channelId) : undefined;
      const plan = planTransfer(
        fact,
        callId ? runner.get(callId) : undefined,
        consultationId ? runner.get(consultationId) : undefined,
      );
      await carryOut(fact, plan, callId);
    } finally {
      inFlight.delete(id);
    }
  }

  async function carryOut(fact: TransferFact, plan: TransferPlan, callId: string | undefined): Promise<void> {
    switch (plan.kind) {
      case 'ignore':
        return;
      case 'refuse':
        return refuse(fact.transfererChannelId, callId, plan.why);
      case 'blind':
        return blind(fact, plan);
      case 'attended':
        return attended(plan);
      default: {
        const never: never = plan;
        throw new Error(`unknown transfer plan ${JSON.stringify(never)}`);
      }
    }
  }

  async function refuse(channelId: string, callId: string | undefined, why: string): Promise<void> {
    logger.info({ channelId, why }, 'transfer refused');
    if (callId) await runner.submit(callId, { kind: 'transfer', channelId, target: { kind: 'refuse', why } });
    else await deps.pbx.transferProgress(channelId, 'channel_declined');
  }

  /** Where the blind transfer goes, for the transferer (their restrictions and outbound right), or why not. */
  async function destinationFor(
    fact: TransferFact,
    plan: Extract<TransferPlan, { kind: 'blind' }>,
  ): Promise<Destination | { why: string }> {
    const target = blindTargetOf(plan.dialled, deps.emergencyNumbers);
    if (target.kind === 'refuse') return { why: target.why };
    const refusal = fact.transferer
      ? deps.dialRouter.refusal({ channel: fact.transferer, dialled: plan.dialled, origin: 'phone' })
      : undefined;
    if (refusal) return { why: refusal.why };
    if (target.kind === 'extension') return deps.destinationOf(target.number);
    const outbound = deps.outbound();
    if (!outbound) return { why: 'no trunk carries outside calls' };
    try {
      return (await outbound.destinationOf(target.number, plan.transferer.person)) ?? { why: 'no trunk' };
    } catch (error) {
      if (error instanceof AppError) return { why: error.message };
      throw error;
    }
  }

  async function blind(fact: TransferFact, plan: Extract<TransferPlan, { kind: 'blind' }>): Promise<void> {
    const found = await destinationFor(fact, plan).catch((error: unknown) => {
      logger.error({ err: error, dialled: plan.dialled }, 'could not look the transfer destination up');
      return { why: 'lookup failed' };
    });
    if ('why' in found || found.kind === 'unknown')
      return refuse(plan.transferer.channelId, plan.callId, 'why' in found ? found.why : 'no such number');
    await runner.submit(plan.callId, {
      kind: 'transfer',
      channelId: plan.transferer.channelId,
      target: { kind: 'blind', callId: deps.newCallId(), dialled: plan.dialled, destination: found },
    });
  }

  /** The consultation call takes the transferee over first; only then does the transferer's call let it go. */
  async function attended(plan: Extract<TransferPlan, { kind: 'attended' }>): Promise<void> {
    const bridgeId = runner.get(plan.callId)?.bridgeId ?? null;
    const transfer: CallTransfer = {
      direction: 'in',
      kind: 'attended',
      by: plan.transferer.person,
      to: plan.to,
      callId: plan.callId,
      at: deps.now().toISOString(),
    };
    const consultation = await runner.submit(plan.consultationId, {
      kind: 'take-over',
      survivor: plan.transferee,
      bridgeId,
      replaces: plan.replaces,
      transfer,
    });
    const joined = consultation?.legs.some(
      (leg) => leg.id === plan.transferee.channelId && leg.status !== 'gone',
    );
    if (!consultation || !joined)
      return refuse(
        plan.transferer.channelId,
        plan.callId,
        'the consultation call could not take the transferee',
      );
    await runner.submit(plan.callId, {
      kind: 'transfer',
      channelId: plan.transferer.channelId,
      target: {
        kind: 'attended',
        callId: plan.consultationId,
        to: plan.to,
        bridgeMoved: consultation.bridgeId !== bridgeId,
      },
    });
  }

  /** A blind transfer's new call, claimed at once (the transferee's facts queue behind it). */
  function startTransferCall(request: TransferCallRequest): void {
    runner.claim(request.survivor.channelId, request.callId);
    void runner.submit(request.callId, {
      kind: 'transfer-call',
      ...request,
      dialTimeoutSeconds: deps.dialTimeoutSeconds,
    });
  }

  return { onTransfer, startTransferCall };
}
