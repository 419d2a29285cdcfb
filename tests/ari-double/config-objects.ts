/** PJSIP objects (pjsip.conf seeds + ARI dynamic config), endpoints, and phone registrations. */
import { readFileSync } from 'node:fs';
import type { Sim } from './sim.js';
import type { CallerId } from './types.js';
import { emit } from './events.js';
import { SimPhone, type PhoneOptions } from './phones.js';
import { parseCallerId } from './outbound.js';

export type ObjectType = 'endpoint' | 'aor' | 'auth';
type Fields = Map<string, string>;

const DEFAULTS = JSON.parse(
  readFileSync(new URL('./pjsip-defaults.json', import.meta.url), 'utf8'),
) as Record<ObjectType, [string, string][]>;

export interface SeedOptions {
  password: string;
  /** Caller id name (default `Ext <id>`). */
  callerName?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** yes/no → true/false, codec lists → (a|b), callerid → "Name" <num>, as Asterisk reports them. */
function normalize(type: ObjectType, attr: string, value: string, def: string | undefined): string {
  if ((def === 'true' || def === 'false') && /^(yes|no|true|false|on|off|1|0)$/i.test(value)) {
    return /^(yes|true|on|1)$/i.test(value) ? 'true' : 'false';
  }
  if (type === 'endpoint' && attr === 'allow')
    return `(${value
      .split(',')
      .map((s) => s.trim())
      .join('|')})`;
  if (type === 'endpoint' && attr === 'callerid') {
    const c = parseCallerId(value);
    return c.name ? `"${c.name}" <${c.number}>` : `<${c.number}>`;
  }
  return value;
}

export class ConfigStore {
  private readonly seeded = new Map<string, SeedOptions>();
  private readonly dynamic: Record<ObjectType, Map<string, Fields>> = {
    endpoint: new Map(),
    aor: new Map(),
    auth: new Map(),
  };
  private readonly registrations = new Map<string, SimPhone>();

  constructor(private readonly sim: Sim) {}

  seedEndpoint(id: string, opts: SeedOptions): void {
    this.seeded.set(id, opts);
  }

  put(
    type: ObjectType,
    id: string,
    fields: { attribute: string; value: string }[],
  ): { attribute: string; value: string }[] {
    const defaults = new Map(DEFAULTS[type]);
    const obj: Fields = new Map(this.dynamic[type].get(id) ?? defaults);
    for (const f of fields) {
      if (type === 'endpoint' && f.attribute === 'disallow') continue;
      obj.set(f.attribute, normalize(type, f.attribute, String(f.value), defaults.get(f.attribute)));
    }
    const isNew = type === 'endpoint' && !this.endpointExists(id);
    this.dynamic[type].set(id, obj);
    if (isNew) this.announceNewEndpoint(id);
    return this.get(type, id);
  }

  get(type: ObjectType, id: string): { attribute: string; value: string }[] {
    const obj = this.dynamic[type].get(id);
    if (obj) return [...obj].map(([attribute, value]) => ({ attribute, value }));
    if (this.seeded.has(id)) return this.seededObject(type, id);
    throw new ConfigError(404, `Object '${id}' not found`);
  }

  delete(type: ObjectType, id: string): void {
    if (this.dynamic[type].delete(id)) return;
    if (this.seeded.has(id)) throw new ConfigError(403, `Could not delete object with id '${id}'`);
    throw new ConfigError(404, `Object '${id}' not found`);
  }

  endpointExists(id: string): boolean {
    return this.seeded.has(id) || this.dynamic.endpoint.has(id);
  }

  endpointIds(): string[] {
    return [...new Set([...this.seeded.keys(), ...this.dynamic.endpoint.keys()])];
  }

  callerIdOf(id: string): CallerId {
    const dyn = this.dynamic.endpoint.get(id)?.get('callerid');
    if (dyn) return parseCallerId(dyn);
    return { name: this.seeded.get(id)?.callerName ?? `Ext ${id}`, number: id };
  }

  /** The phone registered for this endpoint, if the endpoint exists (else calls cannot reach it). */
  registeredPhone(id: string): SimPhone | undefined {
    const phone = this.registrations.get(id);
    return phone && phone.state === 'registered' && this.endpointExists(id) ? phone : undefined;
  }

  endpointState(id: string): 'online' | 'offline' {
    return this.registeredPhone(id) ? 'online' : 'offline';
  }

  endpointSnapshot(id: string): Record<string, unknown> {
    const channelIds = [...this.sim.channels.values()]
      .filter((c) => c.endpointId === id && !c.gone)
      .map((c) => c.id);
    return { technology: 'PJSIP', resource: id, state: this.endpointState(id), channel_ids: channelIds };
  }

  registerPhone(id: string, opts: PhoneOptions): SimPhone {
    const expected = this.passwordOf(id);
    if (expected === undefined)
      throw new Error(`REGISTER ${id}: 404 Not Found (endpoint, aor or auth missing)`);
    if (expected !== opts.password) throw new Error(`REGISTER ${id}: 401 Unauthorized (wrong password)`);
    const wasOnline = this.endpointState(id) === 'online';
    const phone = new SimPhone(this.sim, id, opts.password, opts);
    this.registrations.set(id, phone);
    this.sim.phones.set(id, phone);
    phone.record('registered');
    if (!wasOnline) this.announceContact(id, 'Reachable', 'NonQualified');
    return phone;
  }

  unregisterPhone(phone: SimPhone): void {
    if (this.registrations.get(phone.id) !== phone) return;
    const wasOnline = this.endpointState(phone.id) === 'online';
    phone.state = 'unregistered';
    this.registrations.delete(phone.id);
    phone.record('unregistered');
    if (wasOnline) this.announceContact(phone.id, 'Unreachable', 'Removed');
  }

  /** Asterisk restart: dynamic objects vanish, WebSocket-transport contacts are removed. */
  restart(): void {
    for (const m of Object.values(this.dynamic)) m.clear();
    for (const [id, phone] of this.registrations) {
      if (phone.transport !== 'ws') continue;
      phone.state = 'unregistered';
      this.registrations.delete(id);
    }
  }

  private passwordOf(id: string): string | undefined {
    const seed = this.seeded.get(id);
    if (seed) return seed.password;
    const ep = this.dynamic.endpoint.get(id);
    if (!ep || !this.dynamic.aor.has(ep.get('aors') || id)) return undefined;
    return this.dynamic.auth.get(ep.get('auth') || id)?.get('password');
  }

  private seededObject(type: ObjectType, id: string): { attribute: string; value: string }[] {
    const seed = this.seeded.get(id);
    const obj = new Map(DEFAULTS[type]);
    if (type === 'auth') obj.set('username', id).set('password', seed?.password ?? '');
    if (type === 'endpoint')
      obj
        .set('context', 'from-internal')
        .set('aors', id)
        .set('auth', id)
        .set('callerid', `"${seed?.callerName ?? `Ext ${id}`}" <${id}>`);
    return [...obj].map(([attribute, value]) => ({ attribute, value }));
  }

  private announceNewEndpoint(id: string): void {
    const scope = { endpoint: `PJSIP/${id}` };
    emit(
      this.sim,
      'EndpointStateChange',
      { endpoint: { ...this.endpointSnapshot(id), state: 'unknown' } },
      scope,
    );
    emit(this.sim, 'EndpointStateChange', { endpoint: this.endpointSnapshot(id) }, scope);
  }

  private announceContact(id: string, peerStatus: string, contactStatus: string): void {
    if (!this.endpointExists(id)) return;
    const scope = { endpoint: `PJSIP/${id}` };
    const endpoint = this.endpointSnapshot(id);
    const contact = {
      uri: `sip:${id}@127.0.0.1:5060`,
      contact_status: contactStatus,
      aor: id,
      roundtrip_usec: '0',
    };
    const events: [string, Record<string, unknown>][] = [
      ['EndpointStateChange', { endpoint }],
      ['PeerStatusChange', { endpoint, peer: { peer_status: peerStatus } }],
      ['ContactStatusChange', { endpoint, contact_info: contact }],
    ];
    if (contactStatus === 'Removed') events.reverse();
    for (const [type, fields] of events) emit(this.sim, type, fields, scope);
  }
}
