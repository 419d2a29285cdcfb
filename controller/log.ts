import pino, { type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'ari-pbx-controller' },
    redact: {
      paths: ['req.headers.authorization', '*.password', '*.sipPassword', '*.pin', '*.token'],
      censor: '[redacted]',
    },
  });
}
