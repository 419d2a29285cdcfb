import pino, { type DestinationStream, type Logger } from 'pino';

/** Credentials that may ride in a URL's query (`/api/events?ticket=…`, an old client's `?token=…`). */
const secretParams = /([?&](?:token|ticket|refreshToken|access_token)=)[^&#]*/gi;

export const redactUrl = (url: string) => url.replace(secretParams, '$1[redacted]');

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  remoteAddress?: string;
  remotePort?: number;
}

/** Fastify's request shape in the log, with secrets in the URL blanked (headers are left out of it already). */
const req = (
  request: LoggedRequest & { hostname?: string; ip?: string; socket?: { remotePort?: number } },
) => ({
  method: request.method,
  url: request.url && redactUrl(request.url),
  host: request.host ?? request.hostname,
  remoteAddress: request.ip,
  remotePort: request.socket?.remotePort,
});

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'ari-pbx-controller' },
    serializers: { req },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        '*.password',
        '*.sipPassword',
        '*.pin',
        '*.token',
        '*.refreshToken',
        '*.ticket',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
