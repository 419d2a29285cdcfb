import { describe, expect, it } from 'vitest';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../controller/config.js';
import { withJwtSecret } from '../../controller/features/auth/jwt-secret.js';

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

describe('the JWT secret', () => {
  it.each([
    ['the old compose example', 'change-me-change-me-change-me-change-me'],
    ["the tests' own", 'test-secret-test-secret-test-secret!'],
    ['an obvious placeholder', 'my-super-secret-jwt-key-for-production-use'],
    ['a repeated pattern', 'abababababababababababababababab'],
  ])('refuses %s', (_name, value) => {
    const result = parseConfig({ JWT_SECRET: value });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.stringMatching(/^JWT_SECRET: .*Unset it to have a random one generated/),
    ]);
  });

  it('is generated on first start, kept in JWT_SECRET_FILE, and read back on the next', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'jwt-')), 'data', 'jwt-secret');
    const first = withJwtSecret({ JWT_SECRET_FILE: file });
    expect(first.source).toBe('generated');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = withJwtSecret({ JWT_SECRET_FILE: file });
    expect(second).toMatchObject({ source: 'file', env: { JWT_SECRET: first.env.JWT_SECRET } });
    expect(parseConfig(second.env).ok).toBe(true);
    expect(withJwtSecret({ JWT_SECRET_FILE: file, JWT_SECRET: secret }).source).toBe('environment');
  });

  it('says which setting to change when the file cannot be written', () => {
    const notADirectory = join(mkdtempSync(join(tmpdir(), 'jwt-')), 'file');
    writeFileSync(notADirectory, 'x');
    expect(() => withJwtSecret({ JWT_SECRET_FILE: join(notADirectory, 'jwt-secret') })).toThrow(
      /^JWT_SECRET_FILE: cannot write/,
    );
  });
});
