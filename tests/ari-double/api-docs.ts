/** Serves Asterisk 22's own Swagger 1.1 docs (shared/ari-api-docs/asterisk-22) with basePath rewritten. */
import { readFileSync, readdirSync } from 'node:fs';

const DOCS_DIR = new URL('../../../shared/ari-api-docs/asterisk-22/', import.meta.url);

let cache: Map<string, Record<string, unknown>> | undefined;

function load(): Map<string, Record<string, unknown>> {
  if (cache) return cache;
  cache = new Map();
  cache.set(
    'resources',
    JSON.parse(readFileSync(new URL('resources.json', DOCS_DIR), 'utf8')) as Record<string, unknown>,
  );
  const dir = new URL('api-docs/', DOCS_DIR);
  for (const f of readdirSync(dir)) {
    if (f.endsWith('.json'))
      cache.set(f.slice(0, -5), JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Record<string, unknown>);
  }
  return cache;
}

/** `/ari/api-docs/resources.json` → "resources"; `/ari/api-docs/channels.json` → "channels". */
export function apiDocName(pathname: string): string | undefined {
  const m = /^\/ari\/api-docs\/([A-Za-z]+)\.json$/.exec(pathname);
  return m?.[1];
}

export function apiDoc(name: string, baseUrl: string): Record<string, unknown> | undefined {
  const doc = load().get(name);
  return doc ? { ...doc, basePath: `${baseUrl}/ari` } : undefined;
}
