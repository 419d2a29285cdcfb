import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import closeWithGrace from 'close-with-grace';
import { Redis } from 'ioredis';
import { buildApp } from './app.js';
import { createAriConnection } from './ari/ari-connection.js';
import { parseConfig } from './config.js';
import { createDb } from './db/database.js';
import { withJwtSecret } from './features/auth/jwt-secret.js';
import { createAriLease } from './ha/ari-lease.js';
import { createLogger } from './log.js';
import { listenHttps } from './http/https-listener.js';
import { tlsCertificate } from './http/tls.js';
import { hasWebphone } from './http/webphone.routes.js';
import { listenProblem, prepareDatabase, reportRedis } from './startup.js';

/** A bad setting is one line per setting and exit 1; everything that can come later (PostgreSQL, Redis, ARI) is retried. */
function fail(lines: string[]): never {
  console.error(`ari-pbx controller: cannot start\n${lines.map((line) => `  ${line}`).join('\n')}`);
  process.exit(1);
}

const secret = (() => {
  try {
    return withJwtSecret(process.env);
  } catch (error) {
    return fail([(error as Error).message]);
  }
})();
const parsed = parseConfig(secret.env);
if (!parsed.ok) fail(parsed.problems);
const config = parsed.config;
const logger = createLogger(config.LOG_LEVEL);
if (secret.source === 'generated')
  logger.info(`generated a new JWT secret in ${secret.file} (JWT_SECRET_FILE); keep it`);

if (!hasWebphone(config.WEBPHONE_DIR)) {
  logger.warn(
    `WEBPHONE_DIR (${config.WEBPHONE_DIR}) holds no built webphone, so GET / is a 404: run \`npm run build\` first`,
  );
}

const db = createDb(config.DATABASE_URL);
const redisOptions = { maxRetriesPerRequest: 2, enableOfflineQueue: true };
const redis = new Redis(config.REDIS_URL, redisOptions);
const redisSubscriber = new Redis(config.REDIS_URL, redisOptions);
reportRedis(redis, config, logger, 'commands');
reportRedis(redisSubscriber, config, logger, 'events');

// One instance owns the Stasis app at a time (issue 15, README "Standby controllers"): the one holding this lease.
// Its own connection fails at once while Redis is away (no queue), so a late answer never takes a lease by surprise.
const leaseRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
leaseRedis.on('error', () => undefined);
const instanceId = randomUUID();
const lease = createAriLease({
  redis: leaseRedis,
  prefix: config.REDIS_PREFIX,
  instanceId,
  url: config.INSTANCE_URL ?? `http://${hostname()}:${config.HTTP_PORT}`,
  ttlMs: config.ARI_LEASE_TTL_MS,
  logger,
});
const pbxConnection = createAriConnection({
  url: config.ARI_URL,
  username: config.ARI_USERNAME,
  password: config.ARI_PASSWORD,
  app: config.ARI_APP,
  logger,
  fence: lease.mayAct,
  onReplaced: lease.replaced,
});
const ownership = { instanceId, isOwner: lease.isOwner, owner: lease.owner };
const app = await buildApp({ config, logger, db, redis, redisSubscriber, pbxConnection, ownership });
try {
  await app.server.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
} catch (error) {
  fail([listenProblem(error, config.HTTP_HOST, config.HTTP_PORT)]);
}
const https = config.HTTPS_PORT > 0 ? await serveHttps() : undefined;

/** The same app over TLS on HTTPS_PORT, with TLS_CERT_FILE/TLS_KEY_FILE or the self-signed pair in TLS_DIR. */
async function serveHttps() {
  const tls = await tlsCertificate({
    certFile: config.TLS_CERT_FILE,
    keyFile: config.TLS_KEY_FILE,
    dir: config.TLS_DIR,
    hostnames: config.TLS_HOSTNAMES,
  }).catch((error: unknown) =>
    fail([`TLS_CERT_FILE/TLS_KEY_FILE/TLS_DIR: cannot read or make the certificate: ${(error as Error).message}`]),
  );
  if (tls.source === 'generated')
    logger.info(
      `made a self-signed certificate in ${tls.certFile} (TLS_DIR); keep it, and trust it in browsers (README)`,
    );
  try {
    const { server } = await listenHttps(app.server.server, tls.pair, config.HTTP_HOST, config.HTTPS_PORT);
    logger.info({ port: config.HTTPS_PORT, certificate: tls.certFile }, 'serving HTTPS');
    return server;
  } catch (error) {
    return fail([listenProblem(error, config.HTTP_HOST, config.HTTPS_PORT, 'HTTPS_PORT')]);
  }
}

let stopping = false;
// The owner connects to Asterisk; it never fails because Asterisk is away: /readyz says ari: down while it retries.
lease.onAcquired(() => void pbxConnection.start());
// Lost (another instance holds the lease, or Asterisk gave it the app): every memory of calls here may be wrong and
// any command unsafe, so end now; the supervisor (compose's restart policy) brings this instance back as a standby.
lease.onLost((by) => {
  if (stopping) return;
  logger.fatal({ owner: by?.url }, 'another instance owns the ARI app now: exiting, to start again as a standby');
  process.exit(75);
});
// Serving first: while PostgreSQL or Redis is away, /readyz says which, and routes answer 503.
void (async () => {
  if (!(await prepareDatabase(db, config, logger, () => stopping))) return;
  lease.start();
})();

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  stopping = true;
  if (err) logger.error({ err }, 'shutting down after an error');
  else logger.info({ signal }, 'shutting down');
  await pbxConnection.stop();
  // After the socket closed: a standby takes the lease at its next round and finds the app free.
  await lease.stop();
  leaseRedis.disconnect();
  https?.close();
  https?.closeIdleConnections();
  await app.close();
  redis.disconnect();
  redisSubscriber.disconnect();
  await db.destroy();
});
