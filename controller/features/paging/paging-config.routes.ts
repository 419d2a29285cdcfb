import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import {
  createGroupBody,
  createZoneBody,
  groupListSchema,
  idParams,
  pagingGroupSchema,
  pagingZoneSchema,
  updateGroupBody,
  updateZoneBody,
  zoneListSchema,
} from './paging.schemas.js';
import type { PagingConfigService } from './paging-config.service.js';

const tags = ['paging'];

/** `/paging/groups` and `/paging/zones`: every role reads (a phone user needs the numbers), admins write. */
export function pagingConfigRoutes(service: PagingConfigService, auth: Auth) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    const admin = { onRequest: auth.allow('admin') };

    app.get(
      '/paging/groups',
      {
        ...anyone,
        schema: { tags, summary: 'Paging groups, by number', response: { 200: groupListSchema } },
      },
      async () => service.listGroups(),
    );
    app.get(
      '/paging/groups/:id',
      {
        ...anyone,
        schema: { tags, summary: 'One paging group', params: idParams, response: { 200: pagingGroupSchema } },
      },
      async (request) => service.getGroup(request.params.id),
    );
    app.post(
      '/paging/groups',
      {
        ...admin,
        schema: {
          tags,
          summary: 'Create a paging group (800-899)',
          body: createGroupBody,
          response: { 201: pagingGroupSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.createGroup(principalOf(request), request.body)),
    );
    app.patch(
      '/paging/groups/:id',
      {
        ...admin,
        schema: {
          tags,
          summary: 'Change a paging group',
          params: idParams,
          body: updateGroupBody,
          response: { 200: pagingGroupSchema },
        },
      },
      async (request) => service.updateGroup(principalOf(request), request.params.id, request.body),
    );
    app.delete(
      '/paging/groups/:id',
      {
        ...admin,
        schema: { tags, summary: 'Delete a paging group (not while a zone lists it)', params: idParams },
      },
      async (request, reply) => {
        await service.removeGroup(principalOf(request), request.params.id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/paging/zones',
      { ...anyone, schema: { tags, summary: 'Paging zones, by number', response: { 200: zoneListSchema } } },
      async () => service.listZones(),
    );
    app.get(
      '/paging/zones/:id',
      {
        ...anyone,
        schema: { tags, summary: 'One paging zone', params: idParams, response: { 200: pagingZoneSchema } },
      },
      async (request) => service.getZone(request.params.id),
    );
    app.post(
      '/paging/zones',
      {
        ...admin,
        schema: {
          tags,
          summary: 'Create a paging zone (a group of groups)',
          body: createZoneBody,
          response: { 201: pagingZoneSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(await service.createZone(principalOf(request), request.body)),
    );
    app.patch(
      '/paging/zones/:id',
      {
        ...admin,
        schema: {
          tags,
          summary: 'Change a paging zone',
          params: idParams,
          body: updateZoneBody,
          response: { 200: pagingZoneSchema },
        },
      },
      async (request) => service.updateZone(principalOf(request), request.params.id, request.body),
    );
    app.delete(
      '/paging/zones/:id',
      { ...admin, schema: { tags, summary: 'Delete a paging zone', params: idParams } },
      async (request, reply) => {
        await service.removeZone(principalOf(request), request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
