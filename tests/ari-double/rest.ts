/** Minimal REST plumbing: routes, parameters (query + JSON body, as Asterisk merges them), auth. */
import type { IncomingMessage } from 'node:http';
import type { Sim } from './sim.js';

export interface RestRequest {
  sim: Sim;
  method: string;
  /** Path parameters by name. */
  path: Record<string, string>;
  /** Query parameters merged with the scalar fields of a JSON object body. */
  params: Record<string, string>;
  body: unknown;
}

export interface RestResponse {
  status: number;
  /** JSON, or the bytes of a file (a stored recording) sent as `contentType`. */
  body?: unknown;
  contentType?: string;
}

export type Handler = (req: RestRequest) => RestResponse;

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const regex = new RegExp(
      '^' +
        pattern.replace(/\{(\w+)\}/g, (_, n: string) => {
          names.push(n);
          return '([^/]+)';
        }) +
        '$',
    );
    this.routes.push({ method, regex, names, handler });
    return this;
  }

  handle(
    sim: Sim,
    method: string,
    path: string,
    params: Record<string, string>,
    body: unknown,
  ): RestResponse {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      const p: Record<string, string> = {};
      r.names.forEach((n, i) => {
        p[n] = decodeURIComponent(m[i + 1] ?? '');
      });
      return r.handler({ sim, method, path: p, params, body });
    }
    return pathMatched ? err(405, 'Invalid method') : err(404, 'Resource not found');
  }
}

export function ok(body?: unknown): RestResponse {
  return body === undefined ? { status: 204 } : { status: 200, body };
}

export function err(status: number, message: string): RestResponse {
  return { status, body: { message } };
}

export function requireParam(params: Record<string, string>, name: string): string | undefined {
  const v = params[name];
  return v === undefined || v === '' ? undefined : v;
}

/** Basic auth header or `api_key=user:pass`. */
export function authorized(sim: Sim, req: IncomingMessage, query: URLSearchParams): boolean {
  const want = `${sim.opts.username}:${sim.opts.password}`;
  if (query.get('api_key') === want) return true;
  const h = req.headers.authorization ?? '';
  const m = /^Basic\s+(.+)$/i.exec(h);
  return !!m?.[1] && Buffer.from(m[1], 'base64').toString('utf8') === want;
}

export function mergeParams(query: URLSearchParams, body: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of query) if (k !== 'api_key') params[k] = v;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') params[k] = String(v);
    }
  }
  return params;
}
