import { z } from 'zod';

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const url = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((value) => protocols.some((p) => value.startsWith(`${p}://`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

/** Every setting of the controller, read from the environment. Defaults suit a local developer setup. */
export const configSchema = z.object({
  ARI_URL: url(['http', 'https']).default('http://127.0.0.1:8088'),
  ARI_USERNAME: z.string().min(1).default('pbx'),
  ARI_PASSWORD: z.string().min(1).default('pbx'),
  ARI_APP: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only')
    .default('pbx'),
  DATABASE_URL: url(['postgres', 'postgresql']).default('postgres://postgres@127.0.0.1:5432/ari_pbx'),
  REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().min(1).default('ari-pbx:'),
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  HTTP_PORT: int(3000, 0, 65535),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  JWT_TTL_SECONDS: int(12 * 3600, 60),
  SIP_WS_URL: url(['ws', 'wss']).default('ws://127.0.0.1:8088/ws'),
  /** The SIP domain of the webphone's URI (`sip:1001-web@<domain>`); when unset, SIP_WS_URL's host. */
  SIP_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or address')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_USERNAME: z.string().min(1).optional(),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  ADMIN_EXTENSION: z.string().regex(/^\d{3,5}$/, '3 to 5 digits').default('1000'),
  PARK_TIMEOUT_SECONDS: int(300, 5, 86_400),
  /** How long a timed-out park rings the parker back (and then the fallback) before giving up. */
  PARK_RECALL_RING_SECONDS: int(20, 5, 300),
  /** Who a timed-out park rings when the parker does not answer (e.g. the operator); unset: announced and ended. */
  PARK_FALLBACK_EXTENSION: z.string().regex(/^\d{3,5}$/, '3 to 5 digits').optional(),
  DIAL_TIMEOUT_SECONDS: int(30, 5, 600),
  LOGIN_MAX_ATTEMPTS: int(10, 1),
  LOGIN_WINDOW_SECONDS: int(300, 10),
  PHONE_COUNTRY_CODE: z.string().regex(/^[1-9]\d{0,2}$/, 'a country calling code such as 1 or 44').default('1'),
  PHONE_NATIONAL_PREFIX: z.string().regex(/^\d{0,2}$/, 'digits').default('1'),
  PHONE_INTERNATIONAL_PREFIX: z.string().regex(/^\d{2,4}$/, 'digits such as 00 or 011').default('011'),
  SEED_DEMO_DATA: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  WEBPHONE_DIR: z.string().default('webphone/dist'),
});

export type Config = z.infer<typeof configSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/** Parses the environment; on failure returns one readable line per bad or missing setting. */
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(present);
  if (result.success) return checkAdmin(result.data);
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    const missing = issue.code === 'invalid_type' && present[key] === undefined;
    return missing ? `${key}: is required` : `${key}: ${issue.message}`;
  });
  return { ok: false, problems };
}

function checkAdmin(config: Config): ConfigResult {
  if (Boolean(config.ADMIN_USERNAME) !== Boolean(config.ADMIN_PASSWORD)) {
    return { ok: false, problems: ['ADMIN_USERNAME and ADMIN_PASSWORD: set both or neither'] };
  }
  return { ok: true, config };
}

/** A complete configuration for tests and tools, overridable field by field. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const parsed = configSchema.parse({ JWT_SECRET: 'test-secret-test-secret-test-secret!', LOG_LEVEL: 'silent' });
  return { ...parsed, ...overrides };
}
