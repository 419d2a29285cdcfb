import { z } from 'zod';
import { AppError } from '../../errors.js';
import { principalOf, type Auth, type Principal } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import { callSchema } from '../calls/calls.schemas.js';
import type { CallsService } from '../calls/calls.service.js';
import type { CallView } from '../calls/call-view.js';

/**
 * `POST /api/calls/{id}/handoff {device}`: the calling user moves their side of a talking call to another of their own
 * devices (`device`: an account name, `1002`, `1002-web` or a device id). Only a party of the call may (admins too
 * only for their own calls: a handoff rings the user's own phone). 202: the new device rings; the call view follows on
 * the WebSocket. The new device rings for `ringSeconds` (the dial timeout) before the handoff gives up.
 */
export function createHandoff(calls: CallsService, ringSeconds: number) {
  return async function handoff(principal: Principal, callId: string, device: string): Promise<CallView> {
    const view = calls.get(callId, principal);
    const call = calls.stateOf(callId);
    if (!call || call.stage !== 'talking')
      throw new AppError('handoff-failed', 'only a talking call can be handed off');
    const side =
      call.caller.userId === principal.userId
        ? call.aLegId
        : call.answeredBy?.userId === principal.userId
          ? call.answeredLegId
          : null;
    if (!side) throw new AppError('forbidden', 'only a party of the call hands it off');
    const endpoint = `PJSIP/${device}`;
    const accounts = await calls.accountsOf(principal.extension);
    const current = call.legs.find((l) => l.id === side)?.endpoint;
    if (!accounts.includes(endpoint) || endpoint === current)
      throw new AppError('no-such-device-of-yours', `${device} is not another device of yours`);
    const person = side === call.aLegId ? call.caller : call.answeredBy!;
    const started = await calls.handoff(callId, { replaces: side, endpoint, person, ringSeconds });
    if (!started)
      throw new AppError('handoff-failed', 'the call could not be handed off (a handoff is under way?)');
    return calls.get(callId, principal) ?? view;
  };
}

const params = z.strictObject({ id: z.string().regex(/^[\w-]{1,64}$/, 'a call id') });
const body = z.strictObject({
  device: z.string().regex(/^[\w-]{1,64}$/, 'an account: an extension, <extension>-web or a device id'),
});

export function handoffRoutes(calls: CallsService, auth: Auth, ringSeconds: number) {
  const handoff = createHandoff(calls, ringSeconds);
  return async (app: Server) => {
    app.post(
      '/calls/:id/handoff',
      {
        onRequest: auth.allow(),
        schema: {
          tags: ['calls'],
          operationId: 'handoffCall',
          summary:
            'Move your side of a talking call to another of your devices (it rings; answered, it takes over)',
          params,
          body,
          response: { 202: callSchema },
        },
      },
      async (request, reply) => {
        const view = await handoff(principalOf(request), request.params.id, request.body.device);
        return reply.status(202).send(view);
      },
    );
  };
}
