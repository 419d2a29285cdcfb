import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../controller/config.js';
import { decideScrape, type Scrape } from '../../controller/http/metrics-access.js';

const token = 'metrics-token-0123456789';
const scrape = (fields: Partial<Scrape>): Scrape => ({
  token: undefined,
  authorization: undefined,
  remoteAddress: '127.0.0.1',
  forwarded: false,
  ...fields,
});

describe('decideScrape', () => {
  it.each([
    ['no token set, loopback', scrape({}), 'allow'],
    ['no token set, IPv6 loopback', scrape({ remoteAddress: '::1' }), 'allow'],
    ['no token set, another host', scrape({ remoteAddress: '192.0.2.1' }), 'forbidden'],
    ['no token set, relayed by a local proxy', scrape({ forwarded: true }), 'forbidden'],
    ['no token set, no address (socket gone)', scrape({ remoteAddress: undefined }), 'forbidden'],
    ['no token set, a look-alike address', scrape({ remoteAddress: '127.0.0.1.example' }), 'forbidden'],
    [
      'token set, right bearer, anywhere',
      scrape({ token, authorization: `Bearer ${token}`, remoteAddress: '192.0.2.1' }),
      'allow',
    ],
    ['token set, lower-case scheme', scrape({ token, authorization: `bearer ${token}` }), 'allow'],
    ['token set, none given, loopback', scrape({ token }), 'unauthorized'],
    ['token set, wrong bearer', scrape({ token, authorization: 'Bearer nope' }), 'unauthorized'],
    [
      'token set, a prefix of it',
      scrape({ token, authorization: `Bearer ${token.slice(0, 10)}` }),
      'unauthorized',
    ],
  ] as const)('%s: %s', (_name, input, decision) => {
    expect(decideScrape(input)).toBe(decision);
  });
});

describe('METRICS_TOKEN', () => {
  const secret = 'q7RbT2xLmZ9wKp4VfN8sYc3HdJ6gAe1U';
  it('is optional and at least 16 characters', () => {
    const unset = parseConfig({ JWT_SECRET: secret });
    expect(unset.ok && unset.config.METRICS_TOKEN).toBeUndefined();
    const set = parseConfig({ JWT_SECRET: secret, METRICS_TOKEN: token });
    expect(set.ok && set.config.METRICS_TOKEN).toBe(token);
    const short = parseConfig({ JWT_SECRET: secret, METRICS_TOKEN: 'short' });
    expect(short.ok ? [] : short.problems).toContain('METRICS_TOKEN: must be at least 16 characters');
  });
});
