import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TlsPair } from '../../controller/http/tls.js';
import { spkiHash } from '../helpers/spki.js';

/**
 * With `SIP_WS_URL=wss://…` (Asterisk's http.conf TLS listener on 8089) the browser must trust Asterisk's
 * certificate: the pair in `LIVE_TLS_DIR` (default /etc/asterisk/keys: pbx.crt and pbx.key, as `npm run tls:cert`
 * makes them). Chromium is told to trust exactly that key; the pair also serves the page over HTTPS.
 */
export function asteriskTls(sipWsUrl: string | undefined): { pair: TlsPair; chromiumArgs: string[] } | null {
  if (!sipWsUrl?.startsWith('wss://')) return null;
  const dir = process.env.LIVE_TLS_DIR ?? '/etc/asterisk/keys';
  const pair = {
    cert: readFileSync(join(dir, 'pbx.crt'), 'utf8'),
    key: readFileSync(join(dir, 'pbx.key'), 'utf8'),
  };
  return { pair, chromiumArgs: [`--ignore-certificate-errors-spki-list=${spkiHash(pair.cert)}`] };
}
