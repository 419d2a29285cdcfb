import closeWithGrace from 'close-with-grace';
import { Redis } from 'ioredis';
import { buildApp } from './app.js';
import { createAriConnection } from './ari/ari-connection.js';
import { parseConfig } from './config.js';
import { createDb } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { seedDemoData } from './features/users/demo-seed.js';
import { ensureFirstAdmin } from './features/users/first-admin.js';
import { createLogger } from './log.js';

const parsed = parseConfig(process.env);
if (!parsed.ok) {
  console.error(`ari-pbx controller: bad configuration\n${parsed.problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
const config = parsed.config;
const logger = createLogger(config.LOG_LEVEL);

const db = createDb(config.DATABASE_URL);
await migrateToLatest(db);
if (await ensureFirstAdmin(db, { username: config.ADMIN_USERNAME, password: config.ADMIN_PASSWORD, extension: config.ADMIN_EXTENSION })) {
  logger.info({ username: config.ADMIN_USERNAME }, 'created the first admin');
}
if (config.SEED_DEMO_DATA) {
  const created = await seedDemoData(db);
  if (created.length) logger.info({ created }, 'seeded the demo data');
}

const redisOptions = { maxRetriesPerRequest: 2, enableOfflineQueue: true };
const redis = new Redis(config.REDIS_URL, redisOptions);
const redisSubscriber = new Redis(config.REDIS_URL, redisOptions);
for (const connection of [redis, redisSubscriber]) {
  connection.on('error', (error) => logger.warn({ err: error.message }, 'redis connection problem'));
}

const pbxConnection = createAriConnection({
  url: config.ARI_URL,
  username: config.ARI_USERNAME,
  password: config.ARI_PASSWORD,
  app: config.ARI_APP,
  logger,
});
const app = await buildApp({ config, logger, db, redis, redisSubscriber, pbxConnection });
await app.server.listen({ host: config.HTTP_HOST, port: config.HTTP_PORT });
// Never rejects: with Asterisk away the controller serves HTTP, /readyz says ari: down, and it keeps retrying.
// Not awaited, so the shutdown handler below is in place even while a first attempt waits on an unreachable host.
void pbxConnection.start();

closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
  if (err) logger.error({ err }, 'shutting down after an error');
  else logger.info({ signal }, 'shutting down');
  await pbxConnection.stop();
  await app.close();
  redis.disconnect();
  redisSubscriber.disconnect();
  await db.destroy();
});
