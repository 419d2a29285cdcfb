/**
 * Every error a client can see: a stable kebab-case code and its HTTP status, in one table.
 * Features add their codes here; the HTTP error handler is the only place that maps them.
 */
export const errorStatus = {
  'validation-failed': 400,
  'malformed-request': 400,
  'invalid-phone-number': 400,
  'unknown-members': 400,
  'unknown-groups': 400,
  'no-trunk': 400,
  'no-such-device-of-yours': 400,
  unauthorized: 401,
  'invalid-credentials': 401,
  forbidden: 403,
  'supervision-forbidden': 403,
  'no-call-to-supervise': 403,
  'pin-incorrect': 403,
  'not-a-hotdesk-device': 403,
  'not-found': 404,
  'no-such-user': 404,
  'no-such-team': 404,
  'no-such-device': 404,
  'no-such-contact': 404,
  'no-such-call': 404,
  'no-such-call-log': 404,
  'no-such-extension': 404,
  'no-such-channel': 404,
  'slot-empty': 404,
  'no-such-paging-group': 404,
  'no-such-paging-zone': 404,
  'no-such-paging-number': 404,
  'no-such-page': 404,
  'no-such-supervision': 404,
  'no-hotdesk-session': 404,
  'no-such-trunk': 404,
  'no-such-inbound-route': 404,
  'no-such-note': 404,
  'no-such-message': 404,
  'no-such-recording': 404,
  'request-timeout': 408,
  'range-not-satisfiable': 416,
  conflict: 409,
  'extension-unavailable': 409,
  'username-taken': 409,
  'extension-taken': 409,
  'team-name-taken': 409,
  'device-id-taken': 409,
  'team-not-empty': 409,
  'parking-full': 409,
  'slot-occupied': 409,
  'already-parked': 409,
  'call-not-parkable': 409,
  'park-failed': 409,
  'slot-busy': 409,
  'paging-number-taken': 409,
  'paging-group-in-use': 409,
  'page-busy': 409,
  'page-failed': 409,
  'supervision-failed': 409,
  'handoff-failed': 409,
  'hotdesk-conflict': 409,
  'trunk-name-taken': 409,
  'did-taken': 409,
  'contact-busy': 409,
  'recording-active': 409,
  'recording-not-active': 409,
  'recording-failed': 409,
  'payload-too-large': 413,
  'uri-too-long': 414,
  'unsupported-media-type': 415,
  'rate-limited': 429,
  'hotdesk-locked': 429,
  'headers-too-large': 431,
  'internal-error': 500,
  'asterisk-unreachable': 503,
  'login-unavailable': 503,
  'hotdesk-unavailable': 503,
  'database-unavailable': 503,
  'service-unavailable': 503,
  'ari-owner-unknown': 503,
  'ari-owner-unreachable': 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export const notFound = (code: ErrorCode, what: string) => new AppError(code, `${what} not found`);
