import type { Registration } from './phone.types';

/**
 * JsSIP registers on every new WebSocket but never again after a refused REGISTER on an open one: after an
 * Asterisk restart the browser is often back before the controller has pushed its account again (ARI memory
 * objects vanish on restart), gets 401/403, and would stay unregistered until the agent reloads. So the phone
 * retries itself, with a capped exponential backoff (±20 % jitter so a room of phones does not come back in step):
 * 2 s, 4 s, 8 s, then every 10 s (the cap of the WebSocket's own reconnects and of the controller's ARI ones).
 *
 * A refused password is tried `credentialRetries` more times (about a minute, well beyond the controller's ARI
 * reconnect backoff of at most 10 s plus the push), then the phone stops and says so: a wrong password retried
 * forever fills Asterisk's security log and can get the office's address banned (fail2ban). Other failures
 * (timeouts, 5xx) harm nobody and are retried as long as the phone runs.
 */
export const registerRetryPolicy = { firstMs: 2000, maxMs: 10_000, credentialRetries: 8 };

/**
 * The delay before trying REGISTER again after `failures` refused attempts in a row (1 for the first), or null
 * when the phone should not retry: the socket is gone (JsSIP registers again when it reconnects) or the
 * credentials were refused too many times.
 */
export function registerRetryDelay(
  failure: Registration,
  failures: number,
  random: () => number = Math.random,
  policy = registerRetryPolicy,
): number | null {
  if (failure.kind !== 'failed') return null;
  if (failure.problem === 'credentials-refused' && failures > policy.credentialRetries) return null;
  const exponent = Math.min(Math.max(failures - 1, 0), 20);
  const capped = Math.min(policy.maxMs, policy.firstMs * 2 ** exponent);
  return Math.round(capped * (0.8 + 0.4 * random()));
}
