import { createHash, X509Certificate } from 'node:crypto';

/**
 * What Chromium's `--ignore-certificate-errors-spki-list` takes: base64 of the SHA-256 of the certificate's public
 * key. Chromium then trusts exactly that certificate (as a browser told to trust it would), and checks every other.
 */
export const spkiHash = (certPem: string): string =>
  createHash('sha256')
    .update(new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
