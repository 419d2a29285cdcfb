import type { AutoAnswerHeaders } from '../../ari/auto-answer.js';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChannelInfo, PbxFact } from '../../ari/pbx.facts.js';
import type { PbxConnection } from '../../ari/pbx.port.js';
import type { EventBus } from '../../bus/event-bus.js';
import { auditTarget, writeAudit } from '../../db/audit.repository.js';
import { findByExtension } from '../../db/calls-directory.repository.js';
import type { Db } from '../../db/database.js';
import { AppError } from '../../errors.js';
import type { Principal } from '../../http/auth.js';
import { createCallDirectory, targetsOf } from '../calls/call-directory.js';
import type { DialledCall } from '../calls/dial-router.js';
import {
  candidatesOf,
  memberExtensions,
  readPresence,
  resolveTarget,
  settingsOf,
  type PageTarget,
} from './page-setup.js';
import { createIntercom } from './intercom.js';
import { createPageFactRouter } from './page-fact-router.js';
import { createPageStore } from './page-store.js';
import { pageViewOf, type PageView } from './page-view.js';
import { createPagingRunner } from './paging.runner.js';
import type { PagePriority, PageSetup, PageState } from './paging.types.js';
import './paging.events.js';

export interface PagingServiceDeps {
  connection: PbxConnection;
  db: Db;
  redis: Redis;
  redisPrefix: string;
  bus: EventBus;
  logger: Logger;
  /** The host in the auto-answer headers' URIs (SIP_DOMAIN). */
  /** The SPEC's auto-answer headers (controller/ari/auto-answer.ts). */
  autoAnswer: AutoAnswerHeaders;
  now?: () => Date;
}

type PagerSource = { origin: 'dial'; channel: ChannelInfo } | { origin: 'api'; extension: string };

export interface PageRequest {
  target: PageTarget;
  priority?: PagePriority;
  pager: PagerSource;
  /** Who asked (audit); null for a phone's call. */
  actor: Principal | null;
}

const newPageId = () => randomBytes(6).toString('hex');

/**
 * Paging: one page per group at a time (Redis keys), members resolved from the database and Asterisk, each page run
 * by the decider through the runner. The numbering plan's `page` route (800-899) and the API start pages here.
 */
export function createPagingService(deps: PagingServiceDeps) {
  const { connection, db, logger, bus } = deps;
  const now = deps.now ?? (() => new Date());
  const store = createPageStore(deps.redis, deps.redisPrefix);
  const directory = createCallDirectory(db);
  const unsubscribes: (() => void)[] = [];
  const runner = createPagingRunner({
    pbx: connection.pbx,
    bus,
    store,
    logger,
    now,
    autoAnswerHeaders: deps.autoAnswer,
    onEnded: async (page) => {
      await store.releaseGroups(page.id, page.groupIds, page.priority);
      if (page.priority === 'emergency') await auditEmergency(page, 'page.emergency-ended', null);
    },
  });

  async function auditEmergency(page: PageState, action: string, actor: Principal | null): Promise<void> {
    try {
      await writeAudit(db, {
        actorUserId: actor?.userId ?? null,
        actor: actor ? `${actor.username} (${actor.extension})` : `phone (${page.pager.extension})`,
        action,
        target: auditTarget.page(page.id),
        details: pageViewOf(page) as unknown as Record<string, unknown>,
      });
    } catch (error) {
      logger.error({ err: error, pageId: page.id }, 'could not audit an emergency page');
    }
  }

  function requireAsterisk(): void {
    if (connection.state() !== 'connected')
      throw new AppError('asterisk-unreachable', 'Asterisk cannot be reached');
  }

  async function pagerOf(pageId: string, source: PagerSource): Promise<PageSetup['pager']> {
    if (source.origin === 'dial') {
      const person = await directory.identifyCaller(source.channel);
      return { extension: person.number, name: person.name, origin: 'dial', channelId: source.channel.id };
    }
    const entry = await findByExtension(db, source.extension);
    if (!entry) throw new AppError('no-such-extension', `no user has the extension ${source.extension}`);
    return { extension: entry.extension, name: entry.displayName, origin: 'api', endpoints: [] };
  }

  /** Resolves, takes the groups, and starts the page; its first decision is made before this resolves. */
  async function startPage(pageId: string, request: PageRequest): Promise<PageState | undefined> {
    const resolved = await resolveTarget(db, request.target);
    const settings = settingsOf(resolved.groups, request.priority);
    const groupIds = resolved.groups.map((g) => g.id);
    const pager = await pagerOf(pageId, request.pager);
    if (!(await store.claimGroups(pageId, groupIds, settings.priority, settings.maxSeconds + 120)))
      throw new AppError('page-busy', `${resolved.number} is being paged already`);
    try {
      const presence = await readPresence(connection.pbx, (id) => runner.pageOfChannel(id) !== undefined);
      if (pager.origin === 'api') {
        const entry = await findByExtension(db, pager.extension);
        pager.endpoints = entry
          ? targetsOf(entry)
              .map((t) => t.endpoint)
              .filter((e) => presence.registered.get(e.replace(/^PJSIP\//, '')))
          : [];
      }
      if (pager.origin === 'api' && pager.endpoints.length === 0)
        throw new AppError('extension-unavailable', `none of the devices of ${pager.extension} can be rung`);
      const everyone = resolved.groups.some((g) => g.everyone);
      const extensions = await memberExtensions(db, resolved.groups);
      const candidates = await candidatesOf(db, extensions, presence, runner.all(), everyone);
      const setup: PageSetup = {
        id: pageId,
        mode: 'page',
        number: resolved.number,
        name: resolved.name,
        groupIds,
        ...settings,
        pager,
        candidates,
      };
      const page = await runner.submit(pageId, { kind: 'start', setup });
      if (page?.priority === 'emergency') await auditEmergency(page, 'page.emergency-started', request.actor);
      return page;
    } catch (error) {
      await store.releaseGroups(pageId, groupIds, settings.priority);
      throw error;
    }
  }

  /** The numbering plan's `page` route: a phone dialled 800-899. */
  function onDialled(call: DialledCall): void {
    const pageId = newPageId();
    runner.claim(call.channel.id, pageId);
    void startPage(pageId, {
      target: { number: call.dialled },
      pager: { origin: 'dial', channel: call.channel },
      actor: null,
    }).catch((error: unknown) => {
      const code = error instanceof AppError ? error.code : undefined;
      if (!code) logger.error({ err: error, dialled: call.dialled }, 'a page could not start');
      const reason =
        code === 'page-busy' ? 'busy' : code === 'no-such-paging-number' ? 'unallocated' : 'congestion';
      void connection.pbx.hangup(call.channel.id, reason);
    });
  }

  const pageFacts = createPageFactRouter(runner);
  const intercom = createIntercom({ pbx: connection.pbx, db, logger, runner, directory });
  const onFact = (fact: PbxFact) => {
    pageFacts(fact);
    intercom.onFact(fact);
  };

  /** On every (re)connect: adopt saved pages, feed them Asterisk's channels, end orphan page bridges. */
  async function reconcile(): Promise<void> {
    runner.restore(await store.loadAll());
    const [channels, bridges] = await Promise.all([
      connection.pbx.listChannels(),
      connection.pbx.listBridges(),
    ]);
    if (!channels.ok || !bridges.ok) return;
    const channelIds = channels.value.map((c) => c.id);
    for (const page of runner.all()) await runner.submit(page.id, { kind: 'reconcile', channelIds });
    const known = new Set(runner.all().map((p) => p.bridgeId));
    for (const bridge of bridges.value) {
      if (!/^page-[0-9a-f]+$/.test(bridge.id) || known.has(bridge.id)) continue;
      logger.info({ bridgeId: bridge.id }, 'ending a page nobody knows (its state was lost)');
      for (const channelId of bridge.channelIds) await connection.pbx.hangup(channelId, 'normal');
      await connection.pbx.destroyBridge(bridge.id);
    }
  }

  const ofRole = (principal: Principal) => principal.role === 'admin' || principal.role === 'supervisor';

  return {
    start(): void {
      unsubscribes.push(connection.onFact(onFact), connection.onConnected(reconcile));
      if (connection.state() === 'connected')
        void reconcile().catch((error: unknown) => logger.error({ err: error }, 'page reconcile failed'));
    },
    async stop(): Promise<void> {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      runner.stop();
      intercom.stop();
      await runner.idle();
    },
    onDialled,
    /** The numbering plan's `intercom` route (`*80<ext>`). */
    onIntercom: intercom.onDialled,
    list: (): PageView[] =>
      runner
        .all()
        .filter((p) => p.phase !== 'ended' && p.mode === 'page')
        .map(pageViewOf)
        .sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
    /** `POST /api/paging/pages`: supervisors and admins; an agent only groups they are in, from their own extension. */
    async startFromApi(
      principal: Principal,
      body: { target: PageTarget; fromExtension: string; priority?: PagePriority | undefined },
    ): Promise<PageView> {
      requireAsterisk();
      if (principal.role !== 'admin' && body.fromExtension !== principal.extension)
        throw new AppError('forbidden', 'you may page only from your own extension');
      if (!ofRole(principal)) {
        const resolved = await resolveTarget(db, body.target);
        const member = resolved.groups.every((g) => g.everyone || g.members.includes(principal.extension));
        if (!member) throw new AppError('forbidden', 'agents may page only groups they belong to');
      }
      const pageId = newPageId();
      const page = await startPage(pageId, {
        target: body.target,
        ...(body.priority ? { priority: body.priority } : {}),
        pager: { origin: 'api', extension: body.fromExtension },
        actor: principal,
      });
      if (!page) throw new AppError('page-failed', 'the page could not start');
      return pageViewOf(page);
    },
    /** `DELETE /api/paging/pages/{id}`: supervisors, admins and the pager; answers once every leg has gone (≤ 2 s). */
    async end(principal: Principal, pageId: string): Promise<void> {
      const page = runner.get(pageId);
      if (!page) throw new AppError('no-such-page', 'page not found');
      if (!ofRole(principal) && page.pager.extension !== principal.extension)
        throw new AppError('forbidden', 'only the pager, supervisors and admins end a page');
      await runner.submit(pageId, { kind: 'stop' });
      await runner.waitFor(() => !runner.get(pageId), 2000);
    },
    get: (pageId: string) => runner.get(pageId),
    reconcile,
  };
}

export type PagingService = ReturnType<typeof createPagingService>;
