import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../controller/config.js';

const secret = 'q7RbT2xLmZ9wKp4VfN8sYc3HdJ6gAe1U';

describe('parseConfig', () => {
  it('accepts a minimal environment and fills in the defaults', () => {
    const result = parseConfig({ JWT_SECRET: secret });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      ARI_APP: 'pbx',
      HTTP_PORT: 3000,
      PARK_TIMEOUT_SECONDS: 300,
      SEED_DEMO_DATA: false,
    });
  });

  it('reads numbers and flags from strings', () => {
    const result = parseConfig({
      JWT_SECRET: secret,
      HTTP_PORT: '8080',
      SEED_DEMO_DATA: 'true',
      PARK_TIMEOUT_SECONDS: '60',
    });
    expect(result.ok && result.config).toMatchObject({
      HTTP_PORT: 8080,
      SEED_DEMO_DATA: true,
      PARK_TIMEOUT_SECONDS: 60,
    });
  });

  it('names every bad or missing setting on its own line', () => {
    const result = parseConfig({
      HTTP_PORT: 'eighty',
      ARI_URL: 'ftp://x',
      DATABASE_URL: 'mysql://db',
      LOG_LEVEL: 'loud',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        'JWT_SECRET: is required',
        expect.stringMatching(/^HTTP_PORT: /),
        expect.stringMatching(/^ARI_URL: .*http:\/\//),
        expect.stringMatching(/^DATABASE_URL: .*postgres/),
        expect.stringMatching(/^LOG_LEVEL: /),
      ]),
    );
    expect(result.problems).toHaveLength(5);
  });

  it('treats empty values as unset and wants both admin settings or neither', () => {
    expect(parseConfig({ JWT_SECRET: secret, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: '' })).toEqual({
      ok: false,
      problems: ['ADMIN_USERNAME and ADMIN_PASSWORD: set both or neither'],
    });
  });
});
