import type { Config } from '../../config.js';
import type { SipCredentials } from './users.schemas.js';

/** The SIP domain of webphone URIs: SIP_DOMAIN, else the host of SIP_WS_URL. */
export function sipDomain(config: Pick<Config, 'SIP_DOMAIN' | 'SIP_WS_URL'>): string {
  return config.SIP_DOMAIN ?? new URL(config.SIP_WS_URL).hostname;
}

/**
 * A user's two SIP accounts: `<extension>-web` for the webphone (over SIP_WS_URL) and `<extension>` for a desk
 * phone or softphone. Both use the user's SIP password.
 */
export function sipCredentials(
  user: { extension: string; sipPassword: string },
  config: Pick<Config, 'SIP_DOMAIN' | 'SIP_WS_URL'>,
): SipCredentials {
  const web = `${user.extension}-web`;
  return {
    username: web,
    authorizationUser: web,
    password: user.sipPassword,
    wsUrl: config.SIP_WS_URL,
    uri: `sip:${web}@${sipDomain(config)}`,
    deskPhone: { username: user.extension, password: user.sipPassword },
  };
}
