import closeWithGrace from 'close-with-grace';
import { Redis } from 'ioredis';
import { buildApp } from './app.js';
import { createAriConnection } from './ari/ari-connection.js';
import { parseConfig } from './config.js';
import { createDb } from './db/database.js';
import { withJwtSecret } from './features/auth/jwt-secret.js';
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

const pbxConnection = createAriConnection({
  url: config.ARI_URL,
  username: config.ARI_USERNAME,
  password: config.ARI_PASSWORD,
  app: config.ARI_APP,
  logger,
});
const app = await buildApp({ config, logger, db, redis, redisSubscriber, pbxConnection });
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
// Serving first: while PostgreSQL or Redis is away, /readyz says which, and routes answer 503.
void (async () => {
  if (!(await prepareDatabase(db, config, logger, () => stopping))) return;
  // Never rejects: with Asterisk away, /readyz says ari: down, and it keeps retrying.
  await pbxConnection.start();
})();

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  stopping = true;
  if (err) logger.error({ err }, 'shutting down after an error');
  else logger.info({ signal }, 'shutting down');
  await pbxConnection.stop();
  https?.close();
  https?.closeIdleConnections();
  await app.close();
  redis.disconnect();
  redisSubscriber.disconnect();
  await db.destroy();
});
