import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/** A certificate and its private key, PEM. */
export interface TlsPair {
  cert: string;
  key: string;
}

export type TlsSource = 'files' | 'kept' | 'generated';

export interface TlsSettings {
  /** A real certificate (chain) and key: used as they are. */
  certFile?: string;
  keyFile?: string;
  /** Where the self-signed pair is kept (`pbx.crt`, `pbx.key`): Asterisk's http.conf reads the same files. */
  dir: string;
  /** Names and addresses the self-signed certificate must cover, beside this host's own. */
  hostnames: string[];
}

const validDays = 825; // the longest Apple's and Chromium's rules accept for a server certificate
const renewWithinDays = 30;

/**
 * The HTTPS certificate: TLS_CERT_FILE/TLS_KEY_FILE when given, else the self-signed one kept in TLS_DIR, made on
 * first start (and made again when it expires within 30 days or no longer covers every name asked for), so a
 * browser that was told to trust it keeps trusting it across restarts.
 */
export async function tlsCertificate(
  settings: TlsSettings,
  now = new Date(),
): Promise<{ pair: TlsPair; source: TlsSource; certFile: string }> {
  if (settings.certFile && settings.keyFile)
    return {
      pair: { cert: readFileSync(settings.certFile, 'utf8'), key: readFileSync(settings.keyFile, 'utf8') },
      source: 'files',
      certFile: settings.certFile,
    };
  const certFile = join(settings.dir, 'pbx.crt');
  const keyFile = join(settings.dir, 'pbx.key');
  const names = certificateNames(settings.hostnames);
  const kept = readPair(certFile, keyFile);
  if (kept && stillGood(kept.cert, names, now)) return { pair: kept, source: 'kept', certFile };
  const pair = await selfSigned(names, now);
  mkdirSync(settings.dir, { recursive: true, mode: 0o700 });
  // Written aside then renamed: Asterisk (or a second controller) never reads half a file.
  writeFileSync(`${keyFile}.new`, pair.key, { mode: 0o600 });
  writeFileSync(`${certFile}.new`, pair.cert, { mode: 0o644 });
  renameSync(`${keyFile}.new`, keyFile);
  renameSync(`${certFile}.new`, certFile);
  chmodSync(keyFile, 0o600);
  return { pair, source: 'generated', certFile };
}

/** localhost, the loopback addresses, this host's name and addresses, and the ones asked for. */
export function certificateNames(extra: string[]): string[] {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .flatMap((info) => (info && !info.address.startsWith('fe80') ? [info.address] : []));
  return [...new Set(['localhost', '127.0.0.1', '::1', hostname(), ...addresses, ...extra])];
}

/** Valid for 30 more days and naming every one of these hosts. */
export function stillGood(certPem: string, names: string[], now: Date): boolean {
  try {
    const cert = new X509Certificate(certPem);
    if (Date.parse(cert.validTo) - now.getTime() < renewWithinDays * 86_400_000) return false;
    const covered = new Set(
      (cert.subjectAltName ?? '')
        .split(', ')
        .map((entry) => canonical(entry.replace(/^(DNS|IP Address):/, ''))),
    );
    return names.every((name) => covered.has(canonical(name)));
  } catch {
    return false;
  }
}

/** One spelling per host: lower case, IPv6 compressed (X509Certificate writes `0:0:0:0:0:0:0:1` for `::1`). */
const canonical = (name: string): string =>
  isIP(name) === 6 ? new URL(`http://[${name}]`).hostname.slice(1, -1) : name.toLowerCase();

async function selfSigned(names: string[], now: Date): Promise<TlsPair> {
  const notAfterDate = new Date(now.getTime() + validDays * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: 'ari-pbx' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })),
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

function readPair(certFile: string, keyFile: string): TlsPair | undefined {
  try {
    return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  } catch {
    return undefined;
  }
}
