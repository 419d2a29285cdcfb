import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { sql } from 'kysely';
import { ariReadiness } from './ari/ari-readiness.js';
import { autoAnswerHeaders } from './ari/auto-answer.js';
import type { PbxConnection } from './ari/pbx.port.js';
import { createEventBus, type EventBus } from './bus/event-bus.js';
import { startRedisRelay, type RedisRelay } from './bus/redis-relay.js';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import { startAccountsService } from './features/accounts/accounts.service.js';
import { authEventVisible } from './features/auth/auth.events.js';
import { authRoutes } from './features/auth/auth.routes.js';
import { createAuthService } from './features/auth/auth.service.js';
import { createLoginThrottle } from './features/auth/login-throttle.js';
import { defaultThrottlePolicy } from './features/auth/login-throttle.rules.js';
import { createTokens } from './features/auth/tokens.js';
import { createWsTickets } from './features/auth/ws-tickets.js';
import { callEventVisible } from './features/calls/calls.events.js';
import { callsRoutes } from './features/calls/calls.routes.js';
import { createCallsService } from './features/calls/calls.service.js';
import type { SetupTrace } from './features/calls/setup-trace.js';
import { parkingRoutes } from './features/parking/parking.routes.js';
import { createParkingService } from './features/parking/parking.service.js';
import { supervisionEventVisible } from './features/supervision/supervision-view.js';
import { supervisionRoutes } from './features/supervision/supervision.routes.js';
import { createSupervisionService } from './features/supervision/supervision.service.js';
import { dndRoutes } from './features/dnd/dnd.routes.js';
import { handlingEventVisible } from './features/call-handling/call-handling.events.js';
import { createCallRouting } from './features/call-handling/call-routing.service.js';
import { createFeatureCodes } from './features/call-handling/feature-codes.js';
import { createHandlingSettingsService } from './features/call-handling/handling-settings.service.js';
import { handlingRoutes } from './features/call-handling/handling.routes.js';
import { handoffRoutes } from './features/call-handling/handoff.js';
import { createSpeedDialsService } from './features/call-handling/speed-dials.service.js';
import { accountsOnCalls } from './features/hotdesk/hotdesk-calls.js';
import { hotdeskEventVisible } from './features/hotdesk/hotdesk.events.js';
import { createHotdeskPhone } from './features/hotdesk/hotdesk-phone.js';
import { hotdeskRoutes } from './features/hotdesk/hotdesk.routes.js';
import { createHotdeskService } from './features/hotdesk/hotdesk.service.js';
import { createPinLock } from './features/hotdesk/pin-lock.js';
import { defaultPinLockPolicy } from './features/hotdesk/pin-lock.rules.js';
import { createDigitCollector } from './features/phone-input/digit-collector.js';
import type { DigitEntryRules } from './features/phone-input/digit-entry.js';
import { createDndService } from './features/dnd/dnd.service.js';
import { presenceEventVisible } from './features/presence/presence.events.js';
import { presenceRoutes } from './features/presence/presence.routes.js';
import { createPresenceService, type PresenceService } from './features/presence/presence.service.js';
import { createPresenceStatusService } from './features/presence/presence-status.service.js';
import { createPresenceStore } from './features/presence/presence-store.js';
import { sipDomain } from './features/users/sip-credentials.js';
import { pagingRoutes } from './features/paging/paging.routes.js';
import { createPagingService } from './features/paging/paging.service.js';
import { pagingConfigRoutes } from './features/paging/paging-config.routes.js';
import { createPagingConfigService } from './features/paging/paging-config.service.js';
import { auditRoutes } from './features/audit/audit.routes.js';
import { createAuditService } from './features/audit/audit.service.js';
import { callLogsRoutes } from './features/call-logs/call-logs.routes.js';
import { createCallLogsService } from './features/call-logs/call-logs.service.js';
import { contactAssignmentsRoutes } from './features/contacts/contact-assignments.routes.js';
import { createContactAssignmentsService } from './features/contacts/contact-assignments.service.js';
import { contactsRoutes } from './features/contacts/contacts.routes.js';
import { createContactsService } from './features/contacts/contacts.service.js';
import { devicesRoutes } from './features/devices/devices.routes.js';
import { createDevicesService } from './features/devices/devices.service.js';
import { teamsRoutes } from './features/teams/teams.routes.js';
import { createOutboundCalls } from './features/trunks/outbound-calls.js';
import { dialingPlanOf } from './features/contacts/phone-number.js';
import { startTrunkProvisioner } from './features/trunks/trunk-provisioner.service.js';
import { trunkEventVisible } from './features/trunks/trunks.events.js';
import { trunksRoutes } from './features/trunks/trunks.routes.js';
import { createTrunksService } from './features/trunks/trunks.service.js';
import { createTeamsService } from './features/teams/teams.service.js';
import { userEventVisible } from './features/users/users.events.js';
import { usersRoutes } from './features/users/users.routes.js';
import { createUsersService } from './features/users/users.service.js';
import { createAuth, type Auth } from './http/auth.js';
import { eventsGateway, visibleBy, type SnapshotSource } from './http/events.gateway.js';
import { healthRoutes, type ReadinessCheck } from './http/health.routes.js';
import { createMetrics } from './http/metrics.js';
import { refusalAudit } from './http/refusal-audit.js';
import { createServer, type Server } from './http/server.js';
import { rejectUnstorableText } from './http/text-guard.js';
import { hasWebphone, webphoneMissingRoute, webphoneRoutes } from './http/webphone.routes.js';
import { createClaimsStore } from './features/routing/claims-store.js';
import { createClaimsService } from './features/routing/claims.service.js';
import { inboundRouteEventVisible } from './features/routing/inbound-routes.events.js';
import { inboundRoutesRoutes } from './features/routing/inbound-routes.routes.js';
import { createInboundRoutesService } from './features/routing/inbound-routes.service.js';
import { createRoutingService } from './features/routing/routing.service.js';
import { createVoicemail } from './features/voicemail/voicemail.feature.js';
import { voicemailEventVisible } from './features/voicemail/voicemail.events.js';
import { voicemailRoutes } from './features/voicemail/voicemail.routes.js';
import { createQuality, type Quality } from './features/quality/quality.feature.js';
import { qualityEventVisible } from './features/quality/quality.events.js';
import type { CallAnnotator } from './features/calls/calls.routes.js';
import { createRecording } from './features/recording/recording.feature.js';
import { recordingEventVisible } from './features/recording/recording.events.js';
import { recordingRoutes } from './features/recording/recording.routes.js';
import { forwardToOwner } from './ha/owner-forwarding.js';
import { ownerSnapshot } from './ha/owner-snapshot.js';
import { soleOwner, type Ownership } from './ha/ownership.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  db: Db;
  /** Commands and publishing. */
  redis: Redis;
  /** A second connection, used only for pub/sub subscriptions. */
  redisSubscriber: Redis;
  /**
   * The live connection to Asterisk (main.ts: ARI from the config; tests: one pointed at the ARI double). Its owner
   * starts and stops it; the app only subscribes. Without it the telephony features are not wired at all.
   */
  pbxConnection?: PbxConnection;
  /** Told each set-up step of each phone call (`npm run bench` and the live suite measure with it). */
  callSetupTrace?: SetupTrace;
  /** The clock of hot desking (sessions, idle and scheduled log-outs, PIN locks); tests move it. Default: real time. */
  now?: () => Date;
  /** Hot desk tunables for tests: how often to sweep for log-outs, keypad entry timings. */
  hotdesk?: { sweepMs?: number; entryRules?: Partial<DigitEntryRules> };
  /** Presence tunables for tests: how long ARI may be down before the views are marked stale (default 5 s). */
  presence?: { staleAfterMs?: number };
  /** Call quality tunables for tests and the bench: the sampling period in ms (default QUALITY_SAMPLE_SECONDS). */
  quality?: { sampleMs?: number };
  /**
   * Who owns the ARI app (issue 15; main.ts: the ARI lease). Without it this instance owns it alone. A standby
   * forwards owner routes and asks the owner for the WebSocket snapshot's live parts.
   */
  ownership?: Ownership;
}

export interface App {
  server: Server;
  bus: EventBus;
  auth: Auth;
  relay: RedisRelay;
  /** Who is offline / available / ringing / on-call / dnd (routing asks `presence.stateOf(userId)`). */
  presence: PresenceService;
  /** Call quality sampling (with Asterisk only): `quality.sampler.sample()` runs a round now (the bench). */
  quality?: Quality;
  close(): Promise<void>;
}

/** Who the controller itself is when it reads every live call (hot desking: which devices are on a call). */
const systemPrincipal = {
  userId: '00000000-0000-0000-0000-000000000000',
  username: 'system',
  role: 'admin',
  extension: '',
  teamId: null,
} as const;

/** The composition root: adapters -> repositories -> bus -> services -> routes, wired by hand. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, logger, db, redis } = deps;
  const ownership = deps.ownership ?? soleOwner();
  const bus = createEventBus();
  const relay = startRedisRelay(
    bus,
    redis,
    deps.redisSubscriber,
    `${config.REDIS_PREFIX}events`,
    ownership.instanceId,
  );
  const tokens = createTokens(config.JWT_SECRET, config.JWT_TTL_SECONDS, config.REFRESH_TTL_SECONDS);
  const auth = createAuth(db, tokens);
  const metrics = createMetrics();
  const tickets = createWsTickets(redis, config.REDIS_PREFIX, 30);
  const throttle = createLoginThrottle(redis, config.REDIS_PREFIX, {
    ...defaultThrottlePolicy,
    pairFree: config.LOGIN_FREE_FAILURES,
    userFree: config.LOGIN_USER_FREE_FAILURES,
    addressMax: config.LOGIN_ADDRESS_MAX_FAILURES,
    windowSeconds: config.LOGIN_WINDOW_SECONDS,
  });
  const authService = createAuthService({
    db,
    auth,
    bus,
    throttle,
    tickets,
    refreshTtlSeconds: config.REFRESH_TTL_SECONDS,
  });

  const readiness: Record<string, ReadinessCheck> = {
    postgres: async () => (await sql`select 1`.execute(db), true),
    redis: async () => (await redis.ping()) === 'PONG',
  };
  const pbxConnection = deps.pbxConnection;
  // A standby is ready while an owner is known: it forwards what needs Asterisk there.
  if (pbxConnection) {
    const ari = ariReadiness(pbxConnection);
    readiness.ari = async () => (ownership.isOwner() ? ari() : ownership.owner() !== undefined);
  }
  const accounts = pbxConnection && startAccountsService({ db, bus, connection: pbxConnection, logger });
  // Presence (issue 13): computed by the instance holding the ARI app, shared through Redis.
  const presence = createPresenceService({
    db,
    bus,
    logger,
    store: createPresenceStore(redis, config.REDIS_PREFIX, relay.instanceId),
    connection: pbxConnection,
    reconcileSeconds: config.PRESENCE_RECONCILE_SECONDS,
    staleAfterMs: deps.presence?.staleAfterMs,
  });
  await presence.start();
  // Trunks (issue 13): pushed to Asterisk as PJSIP objects trunk-<id>, like the accounts.
  const trunkProvisioner =
    pbxConnection && startTrunkProvisioner({ db, bus, connection: pbxConnection, logger });
  // Personal call handling (issue 12): DND, forwarding, ring strategies and schedules when a call is routed.
  const routing = createCallRouting({
    db,
    bus,
    dialTimeoutSeconds: config.DIAL_TIMEOUT_SECONDS,
    screeningSeconds: config.SCREENING_SECONDS,
    logger,
  });
  void routing.preload();
  // Contact centre (issue 13): one agent per routed call and one call per contact, claimed in Redis.
  const phonePlan = dialingPlanOf(config);
  // Who can take a routed call: presence (registrations, channels, DND), never what a browser claims.
  const availability = presence;
  const claimTtlMs = config.ROUTING_CLAIM_TTL_SECONDS * 1000;
  const claims = createClaimsService({
    db,
    bus,
    store: createClaimsStore(redis, config.REDIS_PREFIX, claimTtlMs),
    availability,
    plan: phonePlan,
    logger,
    refreshMs: claimTtlMs / 3,
  });
  claims.start();
  const calls =
    pbxConnection &&
    createCallsService({
      connection: pbxConnection,
      db,
      redis,
      redisPrefix: config.REDIS_PREFIX,
      bus,
      logger,
      dialTimeoutSeconds: config.DIAL_TIMEOUT_SECONDS,
      trace: deps.callSetupTrace,
      routing,
      emergencyNumbers: config.EMERGENCY_NUMBERS,
      agents: claims.agents,
      contactCalls: claims.contacts,
    });
  calls?.onReconciled(claims.reconcile);
  calls?.start();
  // Outside calls (issue 13): `9` + number and the emergency numbers out of the first trunk; outside forward targets.
  const outbound = calls && createOutboundCalls({ db, calls, plan: dialingPlanOf(config), logger });
  if (calls && outbound) {
    calls.dialPlan.handle('outbound', outbound.onDialled);
    calls.useOutsideNumbers(outbound.outsideNumber);
    calls.useOutboundCalls(outbound);
  }
  // Calls from a trunk: the inbound route of the dialled DID rings the caller's contact's agents, then the team.
  let inbound: ReturnType<typeof createRoutingService> | undefined;
  if (pbxConnection && calls) {
    inbound = createRoutingService({
      db,
      bus,
      pbx: pbxConnection.pbx,
      calls,
      ringEntriesFor: routing.ringEntriesFor,
      availability,
      claims,
      plan: phonePlan,
      logger,
      teamRingSeconds: config.DIAL_TIMEOUT_SECONDS,
    });
    calls.dialPlan.handle('inbound', inbound.onInbound);
  }
  // Call handling (issue 12): DND and forwarding shared by the API and the phone codes *76/*78/*79, *72/*73, **ext.
  const dnd = createDndService(db, bus);
  const handlingSettings = createHandlingSettingsService({ db, bus });
  const speedDials = createSpeedDialsService({ db, bus });
  const featureCodes =
    pbxConnection &&
    calls &&
    createFeatureCodes({
      connection: pbxConnection,
      db,
      logger,
      calls,
      dnd,
      settings: handlingSettings,
      speedDials,
    });
  featureCodes?.start();
  const parking =
    pbxConnection &&
    calls &&
    createParkingService({
      connection: pbxConnection,
      db,
      bus,
      logger,
      calls,
      settings: {
        timeoutSeconds: config.PARK_TIMEOUT_SECONDS,
        ringSeconds: config.PARK_RECALL_RING_SECONDS,
        fallbackExtension: config.PARK_FALLBACK_EXTENSION,
      },
    });
  parking?.start();
  const autoAnswer = autoAnswerHeaders(sipDomain(config));
  const supervision =
    pbxConnection &&
    calls &&
    createSupervisionService({
      connection: pbxConnection,
      db,
      bus,
      logger,
      calls,
      redis,
      redisPrefix: config.REDIS_PREFIX,
      idlePolicy: config.SUPERVISION_IDLE_POLICY,
      autoAnswer,
      featureCodes: true,
    });
  supervision?.start();
  const paging =
    pbxConnection &&
    createPagingService({
      connection: pbxConnection,
      db,
      redis,
      redisPrefix: config.REDIS_PREFIX,
      bus,
      logger,
      autoAnswer,
    });
  paging?.start();
  // The numbering plan's 800-899: a phone dialling a paging number pages it (the trunk never reaches this route).
  if (paging && calls) calls.dialPlan.handle('page', paging.onDialled);
  // *80<ext>: intercom, through the paging machinery (one member, two-way).
  if (paging && calls) calls.dialPlan.handle('intercom', paging.onIntercom);
  // Hot desking: sessions in PostgreSQL (the API works without Asterisk), *11/*12 and the guest rule on the phone.
  const clock = deps.now ?? (() => new Date());
  const hotdesk = createHotdeskService({
    db,
    bus,
    logger,
    lock: createPinLock(redis, config.REDIS_PREFIX, defaultPinLockPolicy, () => clock().getTime()),
    autoLogout: {
      idleMinutes: config.HOTDESK_IDLE_MINUTES,
      logoutAt: config.HOTDESK_LOGOUT_AT,
      timeZone: config.PBX_TIME_ZONE,
    },
    devicesOnCall: () => accountsOnCalls(calls ? calls.list(systemPrincipal) : []),
    now: clock,
    sweepMs: deps.hotdesk?.sweepMs,
    sweeps: ownership.isOwner,
  });
  await hotdesk.start();
  const collector =
    pbxConnection && createDigitCollector({ pbx: pbxConnection.pbx, rules: deps.hotdesk?.entryRules });
  const stopCollector = pbxConnection && collector && pbxConnection.onFact(collector.onFact);
  if (pbxConnection && calls && collector) {
    const phone = createHotdeskPhone({ pbx: pbxConnection.pbx, logger, service: hotdesk, collector });
    calls.dialPlan.handle('hotdesk-login', phone.onLogin);
    calls.dialPlan.handle('hotdesk-logout', phone.onLogout);
    calls.dialPlan.guard(phone.guestGuard);
  }
  // Voicemail (issue 17): unanswered calls to a user with a mailbox, *97/*98, the message lamps.
  const voicemail = createVoicemail({
    db,
    bus,
    logger,
    redis,
    redisPrefix: config.REDIS_PREFIX,
    settings: {
      dir: config.VOICEMAIL_DIR,
      maxSeconds: config.VOICEMAIL_MAX_SECONDS,
      silenceSeconds: config.VOICEMAIL_SILENCE_SECONDS,
    },
    telephony:
      pbxConnection && calls && collector ? { connection: pbxConnection, calls, collector } : undefined,
  });
  voicemail.start();
  // Call quality (issue 17): RTCP of every answered leg sampled, figures on the call log, call.quality-poor.
  const quality =
    pbxConnection &&
    calls &&
    createQuality({
      db,
      bus,
      logger,
      connection: pbxConnection,
      liveCalls: () => calls.list(systemPrincipal),
      settings: {
        sampleMs: deps.quality?.sampleMs ?? config.QUALITY_SAMPLE_SECONDS * 1000,
        poorMos: config.QUALITY_POOR_MOS,
      },
    });
  quality?.start();
  const annotateCall: CallAnnotator = (call, principal) => ({
    ...supervision?.annotateCall(call, principal),
    ...quality?.annotateCall(call, principal),
  });
  // Call recording (issue 17): *1 and the API, team policies, files in RECORDINGS_DIR, retention.
  const recording = createRecording({
    db,
    bus,
    logger,
    settings: { dir: config.RECORDINGS_DIR, retentionDays: config.RECORDING_RETENTION_DAYS },
    telephony: pbxConnection && calls ? { connection: pbxConnection, calls } : undefined,
    sweeps: ownership.isOwner,
  });
  recording.start();
  // The live parts live in the ARI owner's memory: a standby asks the owner for them.
  const live: Record<string, SnapshotSource> = {};
  if (calls) live.calls = async (principal) => calls.list(principal);
  if (parking) live.parkSlots = async () => parking.slots();
  if (paging) live.pages = async () => paging.list();
  // The sessions this client may see (the same rule as GET /api/supervision and the supervision.* events).
  if (supervision) live.supervision = async (principal) => supervision.list(principal);
  const fromOwner = ownerSnapshot({ ownership, secret: config.JWT_SECRET, local: live });
  const snapshot: Record<string, SnapshotSource> = {
    presence: (principal) => presence.listFor(principal),
    ...fromOwner.sources,
  };

  const server = await createServer(logger, metrics, {
    trustProxy: config.TRUSTED_PROXIES,
    metricsToken: config.METRICS_TOKEN,
  });
  // Before any route: on a standby, owner routes go to the owner as they came (body unread).
  server.addHook('onRequest', forwardToOwner(ownership));
  await server.register(fromOwner.routes);
  await server.register(
    healthRoutes(readiness, { recordings: recording.alert }, () => ({
      id: ownership.instanceId,
      role: ownership.isOwner() ? 'owner' : 'standby',
      owner: ownership.owner()?.url ?? null,
    })),
  );
  await server.register(
    async (api) => {
      api.addHook('preValidation', rejectUnstorableText);
      api.addHook('onResponse', refusalAudit({ db }));
      await api.register(authRoutes(authService, auth));
      await api.register(usersRoutes(createUsersService({ db, bus, config }), auth));
      await api.register(teamsRoutes(createTeamsService(db), auth));
      await api.register(devicesRoutes(createDevicesService({ db, bus }), auth));
      await api.register(contactsRoutes(createContactsService({ db, config }), auth));
      await api.register(contactAssignmentsRoutes(createContactAssignmentsService(db), auth));
      await api.register(callLogsRoutes(createCallLogsService(db), auth));
      await api.register(auditRoutes(createAuditService(db), auth));
      await api.register(pagingConfigRoutes(createPagingConfigService(db), auth));
      await api.register(dndRoutes(dnd, auth));
      await api.register(handlingRoutes(handlingSettings, speedDials, auth));
      if (calls) await api.register(callsRoutes(calls, auth, annotateCall));
      if (calls) await api.register(handoffRoutes(calls, auth, config.DIAL_TIMEOUT_SECONDS));
      if (parking) await api.register(parkingRoutes(parking, auth));
      if (supervision) await api.register(supervisionRoutes(supervision, auth));
      if (paging) await api.register(pagingRoutes(paging, auth));
      await api.register(hotdeskRoutes(hotdesk, auth));
      await api.register(presenceRoutes(presence, createPresenceStatusService(db, bus), auth));
      await api.register(trunksRoutes(createTrunksService({ db, bus }), auth));
      await api.register(inboundRoutesRoutes(createInboundRoutesService({ db, bus, plan: phonePlan }), auth));
      await api.register(voicemailRoutes(voicemail.settings, voicemail.messages, auth));
      await api.register(recordingRoutes(recording, auth));
      await api.register(
        eventsGateway({
          bus,
          auth,
          tickets,
          metrics,
          snapshot,
          visible: visibleBy([
            authEventVisible,
            callEventVisible,
            userEventVisible,
            supervisionEventVisible,
            handlingEventVisible,
            hotdeskEventVisible,
            presenceEventVisible,
            trunkEventVisible,
            inboundRouteEventVisible,
            voicemailEventVisible,
            qualityEventVisible,
            recordingEventVisible,
          ]),
          recheckSeconds: config.WS_RECHECK_SECONDS,
        }),
      );
    },
    { prefix: '/api' },
  );
  await server.register(
    hasWebphone(config.WEBPHONE_DIR)
      ? webphoneRoutes(config.WEBPHONE_DIR, config.SIP_WS_URL)
      : webphoneMissingRoute(config.WEBPHONE_DIR),
  );

  return {
    server,
    bus,
    auth,
    relay,
    presence,
    quality,
    async close() {
      await server.close();
      await quality?.stop();
      voicemail.stop();
      await recording.stop();
      await presence.stop();
      featureCodes?.stop();
      routing.stop();
      claims.stop();
      inbound?.stop();
      stopCollector?.();
      collector?.stop();
      await hotdesk.stop();
      await paging?.stop();
      await supervision?.stop();
      await parking?.stop();
      await calls?.stop();
      await accounts?.stop();
      await trunkProvisioner?.stop();
      await relay.stop();
    },
  };
}
