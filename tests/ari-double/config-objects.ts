/** PJSIP objects (pjsip.conf seeds + ARI dynamic config), endpoints, and phone registrations. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Sim } from './sim.js';
import type { CallerId } from './types.js';
import { emit } from './events.js';
import { SimPhone, type PhoneOptions } from './phones.js';
import { parseCallerId } from './outbound.js';

/** res_pjsip's sorcery types with a writable (memory) wizard in asterisk-config/sorcery.conf. */
export type ObjectType = 'endpoint' | 'aor' | 'auth' | 'identify' | 'registration';
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
    identify: new Map(),
    registration: new Map(),
  };
  private readonly registrations = new Map<string, SimPhone>();
  /**
   * Permanent contacts of dynamic AORs, by AOR id. ARI's PUT of an existing object applies the fields over a copy of
   * it, and an AOR's copy takes its `contact` field — every contact, registered ones included — as permanent
   * contacts (sorcery objectset round trip, location.c `contacts_to_var_list` / `permanent_uri_handler`). No
   * un-REGISTER removes them; deleting the AOR does.
   */
  private readonly permanent = new Map<string, string[]>();

  constructor(private readonly sim: Sim) {}

  /** The URI of the contact a phone registers (what ARI lists in its AOR's `contact`). */
  static contactUriOf(phoneId: string): string {
    return `sip:${phoneId}@127.0.0.1:5060`;
  }

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
    if (type === 'aor' && this.dynamic.aor.has(id)) this.permanent.set(id, this.contactsOfAor(id));
    this.dynamic[type].set(id, obj);
    if (isNew) this.announceNewEndpoint(id);
    return this.get(type, id);
  }

  get(type: ObjectType, id: string): { attribute: string; value: string }[] {
    const obj = this.dynamic[type].get(id);
    if (obj && type === 'aor') {
      // One `contact` attribute per contact, registered and permanent alike (none: one empty one).
      const contacts = this.contactsOfAor(id);
      return [...obj].flatMap(([attribute, value]) =>
        attribute === 'contact' && contacts.length > 0
          ? contacts.map((uri) => ({ attribute, value: uri }))
          : [{ attribute, value }],
      );
    }
    if (obj) return [...obj].map(([attribute, value]) => ({ attribute, value }));
    if (this.seeded.has(id)) return this.seededObject(type, id);
    throw new ConfigError(404, `Object '${id}' not found`);
  }

  /**
   * GET of a `contact` object: a registration's contact is `<aor>;@<md5 of its URI>` (location.c); permanent ones are
   * not sorcery objects of their own.
   */
  getContact(id: string): { attribute: string; value: string }[] {
    const [aorId = '', hash = ''] = id.split(';@');
    const phone = this.registeredPhoneOfAor(aorId);
    const uri = phone ? ConfigStore.contactUriOf(phone.id) : undefined;
    if (!uri || createHash('md5').update(uri).digest('hex') !== hash)
      throw new ConfigError(404, `Object '${id}' not found`);
    return [
      { attribute: 'uri', value: uri },
      { attribute: 'endpoint', value: phone!.id },
    ];
  }

  /** An AOR with a permanent contact: calls to its endpoint are sent there, answered or not. */
  hasPermanentContact(endpointId: string): boolean {
    return (this.permanent.get(this.aorOf(endpointId)) ?? []).length > 0;
  }

  delete(type: ObjectType, id: string): void {
    if (type === 'aor' && this.dynamic.aor.has(id)) this.dropContactsOf(id);
    if (this.dynamic[type].delete(id)) return;
    if (this.seeded.has(id)) throw new ConfigError(403, `Could not delete object with id '${id}'`);
    throw new ConfigError(404, `Object '${id}' not found`);
  }

  /** Every dynamic object of a type (identify lookups). */
  objectsOf(type: ObjectType): [string, Fields][] {
    return [...this.dynamic[type]];
  }

  /** One field of a dynamic endpoint (e.g. its `context`). */
  endpointField(id: string, attribute: string): string | undefined {
    return this.dynamic.endpoint.get(id)?.get(attribute);
  }

  /** The permanent contact an endpoint's aor was pushed with (a trunk's carrier), if any. */
  aorContact(endpointId: string): string | undefined {
    return this.dynamic.aor.get(this.aorOf(endpointId))?.get('contact') || undefined;
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
    this.permanent.clear();
    for (const [id, phone] of this.registrations) {
      if (phone.transport !== 'ws') continue;
      phone.state = 'unregistered';
      this.registrations.delete(id);
    }
  }

  private aorOf(endpointId: string): string {
    return this.dynamic.endpoint.get(endpointId)?.get('aors') || endpointId;
  }

  private registeredPhoneOfAor(aorId: string): SimPhone | undefined {
    for (const [endpointId, phone] of this.registrations)
      if (this.aorOf(endpointId) === aorId && phone.state === 'registered') return phone;
    return undefined;
  }

  /** Every contact of an AOR as ARI lists them: the registered one, then the permanent ones. */
  private contactsOfAor(aorId: string): string[] {
    const phone = this.registeredPhoneOfAor(aorId);
    return [...(phone ? [ConfigStore.contactUriOf(phone.id)] : []), ...(this.permanent.get(aorId) ?? [])];
  }

  /** Deleting an AOR destroys its contacts (location.c `aor_deleted_observer`): its phones must register again. */
  private dropContactsOf(aorId: string): void {
    this.permanent.delete(aorId);
    for (const endpointId of [...this.registrations.keys()]) {
      if (this.aorOf(endpointId) !== aorId) continue;
      this.registrations.delete(endpointId);
      this.announceContact(endpointId, 'Unreachable', 'Removed');
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
      uri: ConfigStore.contactUriOf(id),
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
