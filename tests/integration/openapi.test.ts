import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorStatus } from '../../controller/errors.js';
import { startTelephony, type Telephony } from '../helpers/telephony.js';

/** An app wired to the ARI double (not started), so the calls and parking routes are documented too. */
let t: Telephony;
interface Operation {
  operationId?: string;
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
}
interface Schema {
  $ref?: string;
  properties?: Record<string, Schema & { pattern?: string; description?: string }>;
  items?: Schema;
}
let doc: {
  info: { description?: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema & { properties: Record<string, Schema> }> };
};
let operations: { method: string; path: string; op: Operation }[];

beforeAll(async () => {
  t = await startTelephony();
  const response = await t.app.server.inject('/api/docs/json');
  expect(response.statusCode).toBe(200);
  doc = response.json();
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
});
afterAll(async () => t?.close());

const errorRef = { $ref: '#/components/schemas/Error' };
const statuses = (op: Operation) => Object.keys(op.responses);

describe('OpenAPI document', () => {
  it('documents the REST API (calls and parking included) and hides the rest', () => {
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/users', '/api/calls', '/api/parking/slots']));
    for (const hidden of ['/metrics', '/healthz', '/readyz', '/api/events', '/api/docs/json', '/']) {
      expect(paths).not.toContain(hidden);
    }
  });

  it('has the error envelope as components.schemas.Error, with every code', () => {
    const error = doc.components.schemas.Error!;
    expect(error.properties.error!.properties!.code).toMatchObject({
      type: 'string',
      enum: Object.keys(errorStatus),
    });
    expect(Object.keys(error.properties.error!.properties!)).toEqual(['code', 'message', 'details']);
  });

  it('gives every operation a unique camelCase operationId', () => {
    const ids = operations.map(({ op }) => op.operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
    const byRoute = Object.fromEntries(
      operations.map(({ method, path, op }) => [`${method} ${path}`, op.operationId]),
    );
    expect(byRoute).toMatchObject({
      'GET /api/users': 'listUsers',
      'GET /api/users/{id}': 'getUser',
      'POST /api/users': 'createUser',
      'PATCH /api/users/{id}': 'updateUser',
      'DELETE /api/users/{id}': 'deleteUser',
      'GET /api/users/me': 'getMyUser',
      'GET /api/users/me/sip-credentials': 'getMySipCredentials',
      'DELETE /api/contacts/{id}/assignments/{userId}': 'deleteContactAssignment',
      'GET /api/contacts/{id}/notes': 'listContactNotes',
      'POST /api/auth/login': 'authLogin',
      'GET /api/audit': 'listAudit',
      'GET /api/parking/slots': 'listParkingSlots',
    });
  });

  it('references the Error schema for every 4xx and 5xx, and lists the ones each operation can give', () => {
    for (const { method, path, op } of operations) {
      const where = `${method} ${path}`;
      const got = statuses(op);
      const errors = got.filter((s) => Number(s) >= 400);
      for (const status of errors) {
        expect(op.responses[status]!.content?.['application/json']?.schema, `${where} ${status}`).toEqual(
          errorRef,
        );
      }
      expect(got, where).toEqual(expect.arrayContaining(['500', '503']));
      const authenticated = op.security === undefined; // login and refresh say `security: []`
      if (authenticated) expect(got, where).toEqual(expect.arrayContaining(['401', '403']));
      else expect(got, where).not.toContain('403');
      if (op.parameters?.some((p) => p.in === 'path'))
        expect(got, where).toEqual(expect.arrayContaining(['400', '404']));
      if (op.parameters?.length || op.requestBody) expect(got, where).toContain('400');
      if (op.requestBody) expect(got, where).toContain('415');
      const exchange = path.startsWith('/api/auth/') || path === '/api/events/ticket';
      if (method !== 'GET' && !exchange) expect(got, where).toContain('409');
    }
    const login = statuses(doc.paths['/api/auth/login']!.post!);
    expect(login).toEqual(['200', '400', '401', '415', '429', '500', '503']);
    expect(statuses(doc.paths['/api/auth/refresh']!.post!)).toContain('401');
  });

  it('documents DELETE operations as 204 with no body', () => {
    const deletes = operations.filter(({ method }) => method === 'DELETE');
    expect(deletes.length).toBeGreaterThan(4);
    for (const { path, op } of deletes) {
      const success = statuses(op).filter((s) => s.startsWith('2'));
      expect(success, path).toEqual(['204']);
      expect(op.responses['204']!.content, path).toBeUndefined();
    }
  });

  it("shows users' extension pattern, in answers and in writes", () => {
    const user = doc.paths['/api/users/{id}']!.get!.responses['200']!.content!['application/json']!.schema;
    expect(user.properties!.extension).toMatchObject({ pattern: '^\\d{3,5}$' });
    expect(user.properties!.extension!.description).toMatch(/700-799 \(parking\).*800-899 \(paging\)/);
    const create = doc.paths['/api/users']!.post!.requestBody!.content['application/json']!.schema;
    expect(create.properties!.extension).toMatchObject({ pattern: '^\\d{3,5}$' });
  });

  it('describes the WebSocket, /healthz, /readyz and /metrics in info.description', () => {
    const text = doc.info.description ?? '';
    for (const needle of [
      '/api/events',
      'POST /api/events/ticket',
      'Authorization: Bearer',
      '4401',
      '"type":"snapshot"',
      '{"type":"<dotted.type>","at":"<ISO-8601>","data":{…}}',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
      'METRICS_TOKEN',
    ]) {
      expect(text).toContain(needle);
    }
  });
});
