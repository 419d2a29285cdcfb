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

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

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
  /** The same API, WebSocket and webphone over HTTPS (browsers give the microphone to secure pages only); 0: off. */
  HTTPS_PORT: int(3443, 0, 65535),
  /** A real certificate (PEM, chain first) and its key; when unset, a self-signed pair kept in TLS_DIR. */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  /** Where the self-signed pair (pbx.crt, pbx.key) is made on first start and kept; Asterisk reads it for WSS. */
  TLS_DIR: z.string().min(1).default('data/tls'),
  /** Host names and addresses phones and browsers use to reach this PBX, added to the self-signed certificate. */
  TLS_HOSTNAMES: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9.:-]+$/, 'host names or addresses, comma-separated'))),
  /** Signs the tokens. When unset, main.ts reads JWT_SECRET_FILE, generating it on first start. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters'),
  JWT_SECRET_FILE: z.string().min(1).default('data/jwt-secret'),
  /** Access tokens are short-lived; the webphone refreshes them. */
  JWT_TTL_SECONDS: int(15 * 60, 60, 24 * 3600),
  /** How long a log-in (its refresh token, and a WebSocket opened with a ticket) lasts. */
  REFRESH_TTL_SECONDS: int(12 * 3600, 300, 30 * 24 * 3600),
  WS_RECHECK_SECONDS: int(60, 5, 3600),
  /** Addresses (or CIDRs) of reverse proxies whose X-Forwarded-For is believed; empty: none. */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[0-9a-fA-F.:]+(\/\d{1,3})?$/, 'addresses or CIDRs, comma-separated'))),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SIP_WS_URL: url(['ws', 'wss']).default('ws://127.0.0.1:8088/ws'),
  /** The SIP domain of the webphone's URI (`sip:1001-web@<domain>`); when unset, SIP_WS_URL's host. */
  SIP_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or address')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_USERNAME: z.string().min(1).optional(),
  ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  ADMIN_EXTENSION: z
    .string()
    .regex(/^\d{3,5}$/, '3 to 5 digits')
    .default('1000'),
  PARK_TIMEOUT_SECONDS: int(300, 5, 86_400),
  /** How long a timed-out park rings the parker back (and then the fallback) before giving up. */
  PARK_RECALL_RING_SECONDS: int(20, 5, 300),
  /** Who a timed-out park rings when the parker does not answer (e.g. the operator); unset: announced and ended. */
  PARK_FALLBACK_EXTENSION: z
    .string()
    .regex(/^\d{3,5}$/, '3 to 5 digits')
    .optional(),
  DIAL_TIMEOUT_SECONDS: int(30, 5, 600),
  /** An outside ring target (a mobile) answered: how long its person has to press 1 before the leg is dropped. */
  SCREENING_SECONDS: int(15, 3, 120),
  /**
   * Contact centre: how long a claim on an agent (ringing for or on a routed call) or a contact (being called) lives
   * without its holder renewing it (every third of it): the longest a crashed controller can keep someone busy.
   */
  ROUTING_CLAIM_TTL_SECONDS: int(30, 3, 600),
  /**
   * Standby controllers (issue 15): this instance's HTTP address as the other instances reach it (they forward
   * commands for the ARI owner there). Default: http://<host name>:HTTP_PORT.
   */
  INSTANCE_URL: url(['http', 'https']).optional(),
  /** How long the ARI owner's lease lasts unrenewed (renewed every third): a standby takes over within ~TTL + TTL/3. */
  ARI_LEASE_TTL_MS: int(3000, 1000, 60_000),
  /** Supervising an agent who is on no call: wait for their next call, or end at once (issue 10). */
  SUPERVISION_IDLE_POLICY: z.enum(['wait', 'end']).default('wait'),
  /** Failed log-ins of one username from one address before each further try waits twice as long as the last. */
  LOGIN_FREE_FAILURES: int(5, 1),
  /** Failed log-ins of one username (any address) before tries from unknown addresses are slowed (≤ 30 s). */
  LOGIN_USER_FREE_FAILURES: int(10, 1),
  /** Failed log-ins from one address (any username) per LOGIN_WINDOW_SECONDS before that address must wait. */
  LOGIN_ADDRESS_MAX_FAILURES: int(50, 1),
  LOGIN_WINDOW_SECONDS: int(900, 10),
  /**
   * Numbers every phone reaches, whatever it may otherwise dial (a guest hot desk device included), routed out like an
   * outside number even when they look like an extension (SPEC "Trunks and the outside world").
   */
  EMERGENCY_NUMBERS: z
    .string()
    .default('112,911')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^\d{2,6}$/, 'numbers of 2 to 6 digits, comma-separated'))),
  /** The PBX's time zone (IANA name): hot desk scheduled log-outs, later business hours. */
  PBX_TIME_ZONE: z
    .string()
    .default('UTC')
    .refine(isTimeZone, { message: 'an IANA time zone such as Europe/Paris or America/New_York' }),
  /** A hot desk left without a call placed or received this long logs out by itself (0: never). */
  HOTDESK_IDLE_MINUTES: int(240, 0, 7 * 24 * 60),
  /**
   * Where the controller keeps its copy of each voicemail message (a WAV fetched from Asterisk's stored recording,
   * served by `GET /api/voicemail/{id}/audio`); Asterisk keeps its own to play it to phones.
   */
  VOICEMAIL_DIR: z.string().min(1).default('data/voicemail'),
  /** The longest message a caller may leave, and the silence that ends one. */
  VOICEMAIL_MAX_SECONDS: int(180, 5, 3600),
  VOICEMAIL_SILENCE_SECONDS: int(5, 0, 60),
  /** Call quality: every answered leg's RTCP is read this often (the live figures, the MOS, `call.quality-poor`). */
  QUALITY_SAMPLE_SECONDS: int(5, 1, 300),
  /** A leg whose estimated MOS (E-model, 1-4.5) drops below this raises `call.quality-poor`. */
  QUALITY_POOR_MOS: z.coerce.number().min(1).max(4.5).default(3.5),
  /**
   * Call recording (issue 17): where the controller keeps each call recording's WAV (fetched from Asterisk's stored
   * recordings over ARI, served by `GET /api/recordings/{id}/audio`), and how many days recordings are kept (0: for
   * ever) before the retention job deletes them.
   */
  RECORDINGS_DIR: z.string().min(1).default('data/recordings'),
  RECORDING_RETENTION_DAYS: int(90, 0, 36500),
  /** Presence is recomputed from Asterisk (endpoints and channels) this often, beside every (re)connect. */
  PRESENCE_RECONCILE_SECONDS: int(30, 1, 3600),
  /** Every hot desk logs out at this time of day (HH:MM, PBX_TIME_ZONE); empty: never. */
  HOTDESK_LOGOUT_AT: z
    .string()
    .regex(/^$|^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24 h) or empty')
    .default(''),
  PHONE_COUNTRY_CODE: z
    .string()
    .regex(/^[1-9]\d{0,2}$/, 'a country calling code such as 1 or 44')
    .default('1'),
  PHONE_NATIONAL_PREFIX: z
    .string()
    .regex(/^\d{0,2}$/, 'digits')
    .default('1'),
  PHONE_INTERNATIONAL_PREFIX: z
    .string()
    .regex(/^\d{2,4}$/, 'digits such as 00 or 011')
    .default('011'),
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
  if (result.success) return checkSecrets(result.data);
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    const missing = issue.code === 'invalid_type' && present[key] === undefined;
    return missing ? `${key}: is required` : `${key}: ${issue.message}`;
  });
  return { ok: false, problems };
}

function checkSecrets(config: Config): ConfigResult {
  const problems: string[] = [];
  if (Boolean(config.ADMIN_USERNAME) !== Boolean(config.ADMIN_PASSWORD)) {
    problems.push('ADMIN_USERNAME and ADMIN_PASSWORD: set both or neither');
  }
  if (Boolean(config.TLS_CERT_FILE) !== Boolean(config.TLS_KEY_FILE)) {
    problems.push('TLS_CERT_FILE and TLS_KEY_FILE: set both or neither');
  }
  const weakness = secretWeakness(config.JWT_SECRET);
  if (weakness) {
    problems.push(
      `JWT_SECRET: ${weakness}; anyone who knows it can sign an admin token. Unset it to have a random one ` +
        `generated in JWT_SECRET_FILE (${config.JWT_SECRET_FILE}), or set one from \`openssl rand -base64 48\``,
    );
  }
  return problems.length ? { ok: false, problems } : { ok: true, config };
}

/** Secrets that have been published (examples, the tests' own) or that are too regular to be random. */
const publishedSecrets = [testSecret(), 'change-me-change-me-change-me-change-me'];

export function secretWeakness(secret: string): string | undefined {
  if (publishedSecrets.includes(secret)) return 'is a published example';
  if (/change-?me|example|secret|password|default/i.test(secret)) return 'looks like an example value';
  if (new Set(secret).size < 12) return 'is too regular to be random (fewer than 12 different characters)';
  return undefined;
}

function testSecret(): string {
  return 'test-secret-test-secret-test-secret!';
}

/** A complete configuration for tests and tools, overridable field by field. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const parsed = configSchema.parse({ JWT_SECRET: testSecret(), LOG_LEVEL: 'silent' });
  return { ...parsed, ...overrides };
}
