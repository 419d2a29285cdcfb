import { X509Certificate } from 'node:crypto';
import { parseConfig } from './config.js';
import { tlsCertificate } from './http/tls.js';

/**
 * `npm run tls:cert`: makes (or keeps) the self-signed certificate in TLS_DIR, as the controller's first start does,
 * and prints where it is and its fingerprint: for an Asterisk that must read it before the controller ever ran
 * (`TLS_DIR=/etc/asterisk/keys`), or to compare with what a browser shows.
 */
const parsed = parseConfig({ JWT_SECRET: 'cli-does-not-sign-anything-0123456789abcdefghij', ...process.env });
if (!parsed.ok) {
  console.error(parsed.problems.join('\n'));
  process.exit(1);
}
const { config } = parsed;
const tls = await tlsCertificate({
  certFile: config.TLS_CERT_FILE,
  keyFile: config.TLS_KEY_FILE,
  dir: config.TLS_DIR,
  hostnames: config.TLS_HOSTNAMES,
});
const cert = new X509Certificate(tls.pair.cert);
process.stdout.write(
  [
    `${tls.source}: ${tls.certFile}`,
    `names: ${cert.subjectAltName}`,
    `valid until: ${cert.validTo}`,
    `SHA-256: ${cert.fingerprint256}`,
    '',
  ].join('\n'),
);
