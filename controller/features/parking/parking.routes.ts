import type { Auth } from '../../http/auth.js';
import { principalOf } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import {
  parkBody,
  parkSlotListSchema,
  parkSlotSchema,
  retrieveAcceptedSchema,
  retrieveBody,
} from './parking.schemas.js';
import type { ParkingService } from './parking.service.js';

const tags = ['parking'];

export function parkingRoutes(service: ParkingService, auth: Auth) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    app.get(
      '/parking/slots',
      {
        ...anyone,
        schema: {
          tags,
          summary: 'All 99 park slots (701-799), occupied or not',
          response: { 200: parkSlotListSchema },
        },
      },
      async () => ({ items: await service.slots() }),
    );
    app.post(
      '/parking/park',
      {
        ...anyone,
        schema: {
          tags,
          summary:
            'Park a live call (or a channel) on a slot; answers once Asterisk confirmed it is on hold there',
          body: parkBody,
          response: { 201: parkSlotSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.park(principalOf(request), request.body)),
    );
    app.post(
      '/parking/retrieve',
      {
        ...anyone,
        schema: {
          tags,
          summary: "Ring an extension's devices and connect the parked call to the one that answers",
          body: retrieveBody,
          response: { 202: retrieveAcceptedSchema },
        },
      },
      async (request, reply) =>
        reply.status(202).send(await service.retrieve(principalOf(request), request.body)),
    );
  };
}
