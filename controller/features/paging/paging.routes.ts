import { principalOf, type Auth } from '../../http/auth.js';
import type { Server } from '../../http/server.js';
import type { PageTarget } from './page-setup.js';
import { pageBody, pageIdParams, pageListSchema, pageSchema, type PageBody } from './paging.schemas.js';
import type { PagingService } from './paging.service.js';

const tags = ['paging'];

const targetOf = (body: PageBody): PageTarget =>
  body.number !== undefined
    ? { number: body.number }
    : body.groupId
      ? { groupId: body.groupId }
      : { zoneId: body.zoneId! };

/** Live pages: everyone sees them (a page is heard by a whole floor); supervisors and admins start any. */
export function pagingRoutes(service: PagingService, auth: Auth) {
  return async (app: Server) => {
    const anyone = { onRequest: auth.allow() };
    app.get(
      '/paging/pages',
      {
        ...anyone,
        schema: { tags, operationId: 'listPages', summary: 'Live pages', response: { 200: pageListSchema } },
      },
      async () => ({ items: service.list() }),
    );
    app.post(
      '/paging/pages',
      {
        ...anyone,
        schema: {
          tags,
          operationId: 'startPage',
          summary:
            "Page a group or zone: the pager's devices ring, then every member's phone is called with auto-answer (agents: groups they are in)",
          body: pageBody,
          response: { 201: pageSchema },
        },
      },
      async (request, reply) =>
        reply.status(201).send(
          await service.startFromApi(principalOf(request), {
            target: targetOf(request.body),
            fromExtension: request.body.fromExtension,
            priority: request.body.priority,
          }),
        ),
    );
    app.delete(
      '/paging/pages/:id',
      {
        ...anyone,
        schema: {
          tags,
          operationId: 'endPage',
          summary: 'End a page (every leg hangs up)',
          params: pageIdParams,
        },
      },
      async (request, reply) => {
        await service.end(principalOf(request), request.params.id);
        return reply.status(204).send();
      },
    );
  };
}
