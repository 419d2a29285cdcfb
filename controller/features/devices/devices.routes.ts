import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import {
  createDeviceBody,
  deviceIdParams,
  devicePageSchema,
  deviceSchema,
  listDevicesQuery,
  updateDeviceBody,
} from './devices.schemas.js';
import type { DevicesService } from './devices.service.js';

const tags = ['devices'];

export function devicesRoutes(service: DevicesService, auth: Auth) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    const admin = { onRequest: auth.allow('admin') };
    app.get(
      '/devices',
      {
        ...anyone,
        schema: {
          tags,
          summary: 'List desk phones and shared phones',
          querystring: listDevicesQuery,
          response: { 200: devicePageSchema },
        },
      },
      async (request) => {
        const { limit, cursor, ...filter } = request.query;
        return service.list(principalOf(request), filter, { limit, cursor });
      },
    );
    app.get(
      '/devices/:id',
      {
        ...anyone,
        schema: { tags, summary: 'One device', params: deviceIdParams, response: { 200: deviceSchema } },
      },
      async (request) => service.get(principalOf(request), request.params.id),
    );
    app.post(
      '/devices',
      {
        ...admin,
        schema: {
          tags,
          summary: 'Create a device (SIP password generated when absent)',
          body: createDeviceBody,
          response: { 201: deviceSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.create(principalOf(request), request.body)),
    );
    app.patch(
      '/devices/:id',
      {
        ...admin,
        schema: {
          tags,
          summary: 'Change a device',
          params: deviceIdParams,
          body: updateDeviceBody,
          response: { 200: deviceSchema },
        },
      },
      async (request) => service.update(principalOf(request), request.params.id, request.body),
    );
    app.delete(
      '/devices/:id',
      { ...admin, schema: { tags, summary: 'Delete a device', params: deviceIdParams } },
      async (request, reply) => {
        await service.remove(principalOf(request), request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
