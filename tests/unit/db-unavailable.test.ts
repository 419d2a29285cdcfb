import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../controller/db/db-unavailable.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['unknown host', withCode('ENOTFOUND', 'getaddrinfo ENOTFOUND db')],
    ['connect timed out', withCode('ETIMEDOUT')],
    ['connection reset', withCode('ECONNRESET')],
    ['SQLSTATE 08006 connection failure', withCode('08006')],
    ['SQLSTATE 08001 cannot establish', withCode('08001')],
    [
      'SQLSTATE 57P01 admin shutdown',
      withCode('57P01', 'terminating connection due to administrator command'),
    ],
    ['SQLSTATE 57P03 cannot connect now', withCode('57P03', 'the database system is starting up')],
    ['SQLSTATE 53300 too many connections', withCode('53300')],
    ['dropped connection', new Error('Connection terminated unexpectedly')],
    ['client connect timeout', new Error('Connection terminated due to connection timeout')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['wrapped in a cause', new Error('listing users failed', { cause: withCode('ECONNREFUSED') })],
    [
      'an AggregateError of addresses',
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]),
    ],
  ])('%s: yes', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['unique violation', withCode('23505')],
    ['syntax error', withCode('42601')],
    ['query canceled by statement timeout', withCode('57014')],
    ['a plain error', new Error('boom')],
    ['not an error', 'ECONNREFUSED'],
    ['null', null],
  ])('%s: no', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
