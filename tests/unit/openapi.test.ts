import { describe, expect, it } from 'vitest';
import { errorStatuses, operationIdOf } from '../../controller/http/openapi.js';

describe('operationIdOf', () => {
  it.each([
    ['GET', '/api/users', 'listUsers'],
    ['POST', '/api/users', 'createUser'],
    ['GET', '/api/users/:id', 'getUser'],
    ['PATCH', '/api/users/:id', 'updateUser'],
    ['DELETE', '/api/users/:id', 'deleteUser'],
    ['GET', '/api/users/me', 'getMyUser'],
    ['GET', '/api/users/me/sip-credentials', 'getMySipCredentials'],
    ['GET', '/api/contacts/:id/assignments', 'listContactAssignments'],
    ['PUT', '/api/contacts/:id/assignments/:userId', 'setContactAssignment'],
    ['DELETE', '/api/contacts/:id/assignments/:userId', 'deleteContactAssignment'],
    ['GET', '/api/call-logs/:id/notes', 'listCallLogNotes'],
    ['POST', '/api/call-logs/:id/notes', 'createCallLogNote'],
    ['GET', '/api/audit', 'listAudit'],
    ['GET', '/api/contacts/lookup', 'contactLookup'],
    ['POST', '/api/auth/login', 'authLogin'],
    ['POST', '/api/events/ticket', 'eventTicket'],
    ['POST', '/api/parking/park', 'parkingPark'],
    ['GET', '/api/parking/slots', 'listParkingSlots'],
    ['GET', '/api/directories', 'listDirectories'],
    ['GET', '/api/directories/:id', 'getDirectory'],
  ])('%s %s: %s', (method, url, id) => {
    expect(operationIdOf(method, url)).toBe(id);
  });
});

describe('errorStatuses', () => {
  const hook = Object.assign(async () => undefined, { roles: ['admin'] as const });
  it.each([
    ['a public read', { method: 'GET', url: '/api/things' }, [500, 503]],
    [
      'an authenticated read with a query',
      { method: 'GET', url: '/api/things', schema: { querystring: {} }, onRequest: hook },
      [400, 401, 403, 500, 503],
    ],
    [
      'an authenticated item write',
      { method: 'PATCH', url: '/api/things/:id', schema: { body: {} }, onRequest: [hook] },
      [400, 401, 403, 404, 409, 415, 500, 503],
    ],
    [
      'log-in',
      { method: 'POST', url: '/api/auth/login', schema: { body: {} } },
      [400, 401, 415, 429, 500, 503],
    ],
    [
      'a hook without roles is not authentication',
      { method: 'GET', url: '/api/x', preHandler: async () => undefined },
      [500, 503],
    ],
  ])('%s', (_name, route, expected) => {
    expect(errorStatuses(route)).toEqual(expected);
  });
});
