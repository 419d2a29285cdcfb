/**
 * Whether an error means "PostgreSQL cannot be reached right now" (down, restarting, unreachable, too slow to
 * connect) rather than "this query is wrong". The HTTP error handler answers these with 503, whichever route or
 * hook ran the query.
 *
 * Socket failures carry a Node error code; the server's refusals carry a SQLSTATE (class 08 connection exception,
 * 57P01-57P05 shutdown/cannot connect now, 53300 too many connections). node-postgres reports its own connect and
 * read timeouts and a dropped connection only as message text, so those few are matched by message. pg is the only
 * client whose failures reach the handler as exceptions: ARI answers are outcomes, ioredis has its own errors.
 */
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

const sqlState = /^(08[0-9A-Z]{3}|57P0[1-5]|53300)$/;

const pgMessages = [
  'Connection terminated',
  'connect timeout',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error',
];

const MAX_DEPTH = 4;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (socketCodes.has(code) || sqlState.test(code))) return true;
  if (typeof message === 'string' && pgMessages.some((m) => message.includes(m))) return true;
  // A wrapped error (`new Error(…, { cause })`) or Node's AggregateError for a host with several addresses.
  if (isDatabaseUnavailable(cause, depth + 1)) return true;
  return Array.isArray(errors) && errors.some((e) => isDatabaseUnavailable(e, depth + 1));
}
