/** /applications, /endpoints, /asterisk (info, ping, dynamic config), /deviceStates, /sounds routes. */
import type { Router } from './rest.js';
import { err, ok, requireParam, type RestRequest, type RestResponse } from './rest.js';
import { appSnapshot } from './events.js';
import { ConfigError, type ObjectType } from './config-objects.js';
import {
  DeviceStateError,
  deleteDeviceState,
  getDeviceState,
  listDeviceStates,
  putDeviceState,
} from './device-states.js';
import { timestamp } from './sim.js';

function subscription(req: RestRequest, add: boolean): RestResponse {
  const app = req.sim.apps.get(req.path.app ?? '');
  if (!app) return err(404, 'Application not found');
  const sources = (requireParam(req.params, 'eventSource') ?? '').split(',').filter(Boolean);
  if (sources.length === 0) return err(400, 'Missing parameter eventSource');
  for (const src of sources) {
    const [scheme, ...rest] = src.split(':');
    const id = rest.join(':');
    const set =
      scheme === 'channel'
        ? app.channels
        : scheme === 'bridge'
          ? app.bridges
          : scheme === 'endpoint'
            ? app.endpoints
            : scheme === 'deviceState'
              ? app.devices
              : undefined;
    if (!set || !id) return err(400, 'Invalid event source');
    if (scheme === 'channel' && !req.sim.liveChannel(id)) return err(422, 'Event source does not exist');
    if (scheme === 'bridge' && !req.sim.bridges.has(id)) return err(422, 'Event source does not exist');
    if (scheme === 'endpoint' && !endpointSourceExists(req, id)) return err(422, 'Event source does not exist');
    if (!add && !set.has(id)) return err(409, 'Application not subscribed to event source');
    if (add) set.add(id);
    else set.delete(id);
  }
  return ok(appSnapshot(app));
}

/**
 * `endpoint:PJSIP` exists once a PJSIP endpoint does (measured on Asterisk 22.10.1: 422 on a fresh Asterisk with none,
 * 200 after the first dynamic one was pushed; the technology's endpoint is made with its first endpoint);
 * `endpoint:PJSIP/<id>` while that endpoint exists.
 */
function endpointSourceExists(req: RestRequest, id: string): boolean {
  const [tech, resource] = id.split('/');
  if (tech !== 'PJSIP') return false;
  return resource ? req.sim.config.endpointExists(resource) : req.sim.config.endpointIds().length > 0;
}

function eventFilter(req: RestRequest): RestResponse {
  const app = req.sim.apps.get(req.path.app ?? '');
  if (!app) return err(404, 'Application not found');
  const body = (req.body ?? {}) as { allowed?: { type: string }[]; disallowed?: { type: string }[] };
  app.allowed = Array.isArray(body.allowed) ? body.allowed : [];
  app.disallowed = Array.isArray(body.disallowed) ? body.disallowed : [];
  return ok(appSnapshot(app));
}

function endpoint(req: RestRequest): RestResponse {
  const { tech, resource } = req.path;
  if (tech !== 'PJSIP' || !resource || !req.sim.config.endpointExists(resource))
    return err(404, 'Endpoint not found');
  return ok(req.sim.config.endpointSnapshot(resource));
}

function dynamic(
  fn: (req: RestRequest, type: ObjectType, id: string) => RestResponse,
): (req: RestRequest) => RestResponse {
  return (req) => {
    const { configClass, objectType, id = '' } = req.path;
    if (configClass !== 'res_pjsip' || !['endpoint', 'aor', 'auth', 'identify', 'registration'].includes(objectType ?? '')) {
      return err(404, 'configClass or objectType not found');
    }
    try {
      return fn(req, objectType as ObjectType, id);
    } catch (e) {
      if (e instanceof ConfigError) return err(e.status, e.message);
      throw e;
    }
  };
}

/** GET of a res_pjsip `contact` object (a registration's contact). */
function contactObject(req: RestRequest): RestResponse {
  try {
    return ok(req.sim.config.getContact(req.path.id ?? ''));
  } catch (e) {
    if (e instanceof ConfigError) return err(e.status, e.message);
    throw e;
  }
}

function putObject(req: RestRequest, type: ObjectType, id: string): RestResponse {
  const fields = (req.body as { fields?: unknown } | null)?.fields;
  if (fields !== undefined && !Array.isArray(fields)) return err(400, 'Bad request body');
  return ok(req.sim.config.put(type, id, (fields ?? []) as { attribute: string; value: string }[]));
}

function device(fn: (req: RestRequest, name: string) => void): (req: RestRequest) => RestResponse {
  return (req) => {
    try {
      fn(req, req.path.name ?? '');
      return ok();
    } catch (e) {
      if (e instanceof DeviceStateError) return err(e.status, e.message);
      throw e;
    }
  };
}

const INFO = {
  build: {
    os: 'Linux',
    kernel: '6.1.0',
    options: '',
    machine: 'x86_64',
    date: '2026-01-01 00:00:00 UTC',
    user: 'double',
  },
  system: { version: '22.10.1', entity_id: '02:fc:00:00:d0:0b' },
  config: { name: 'ari-double', default_language: 'en', setid: { user: 'asterisk', group: 'asterisk' } },
  status: { startup_time: timestamp(), last_reload_time: timestamp() },
};

export function miscRoutes(r: Router): void {
  r.add('GET', '/applications', ({ sim }) => ok([...sim.apps.values()].map(appSnapshot)))
    .add('GET', '/applications/{app}', ({ sim, path }) => {
      const app = sim.apps.get(path.app ?? '');
      return app ? ok(appSnapshot(app)) : err(404, 'Application not found');
    })
    .add('POST', '/applications/{app}/subscription', (req) => subscription(req, true))
    .add('DELETE', '/applications/{app}/subscription', (req) => subscription(req, false))
    .add('PUT', '/applications/{app}/eventFilter', eventFilter)
    .add('GET', '/endpoints', ({ sim }) =>
      ok(sim.config.endpointIds().map((id) => sim.config.endpointSnapshot(id))),
    )
    .add('GET', '/endpoints/{tech}', ({ sim, path }) =>
      path.tech === 'PJSIP'
        ? ok(sim.config.endpointIds().map((id) => sim.config.endpointSnapshot(id)))
        : err(404, 'Endpoint not found'),
    )
    .add('GET', '/endpoints/{tech}/{resource}', endpoint)
    .add('GET', '/asterisk/info', () => ok(INFO))
    // Reloading a module (res_pjsip_outbound_registration starts the registrations pushed since): 204, as Asterisk.
    .add('PUT', '/asterisk/modules/{moduleName}', ({ path }) =>
      /^res_pjsip[a-z_]*\.so$/.test(path.moduleName ?? '') ? ok() : err(404, 'Module not found'),
    )
    .add('GET', '/asterisk/ping', ({ sim }) =>
      ok({ asterisk_id: sim.asteriskId, ping: 'pong', timestamp: timestamp() }),
    )
    .add('GET', '/asterisk/config/dynamic/{configClass}/{objectType}/{id}', (req) =>
      req.path.configClass === 'res_pjsip' && req.path.objectType === 'contact'
        ? contactObject(req)
        : dynamic((r, t, id) => ok(r.sim.config.get(t, id)))(req),
    )
    .add('PUT', '/asterisk/config/dynamic/{configClass}/{objectType}/{id}', dynamic(putObject))
    .add(
      'DELETE',
      '/asterisk/config/dynamic/{configClass}/{objectType}/{id}',
      dynamic((req, t, id) => {
        req.sim.config.delete(t, id);
        return ok();
      }),
    )
    .add('GET', '/deviceStates', ({ sim }) => ok(listDeviceStates(sim)))
    .add('GET', '/deviceStates/{name}', ({ sim, path }) => ok(getDeviceState(sim, path.name ?? '')))
    .add(
      'PUT',
      '/deviceStates/{name}',
      device((req, name) => putDeviceState(req.sim, name, req.params.deviceState ?? '')),
    )
    .add(
      'DELETE',
      '/deviceStates/{name}',
      device((req, name) => deleteDeviceState(req.sim, name)),
    )
    .add('GET', '/sounds', () => ok(SOUNDS.map(sound)))
    .add('GET', '/sounds/{id}', ({ path }) => {
      const id = decodeURIComponent(path.id ?? '');
      return SOUNDS.includes(id) ? ok(sound(id)) : err(404, 'Sound not found');
    });
}

const SOUNDS = [
  'hello-world',
  'beep',
  'pbx-invalid',
  'vm-goodbye',
  ...'0123456789'.split('').map((d) => `digits/${d}`),
];

function sound(id: string): Record<string, unknown> {
  return {
    id,
    text: id,
    formats: [
      { language: 'en', format: 'gsm' },
      { language: 'en', format: 'ulaw' },
    ],
  };
}
