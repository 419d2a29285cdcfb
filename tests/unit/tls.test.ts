import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stillGood, tlsCertificate } from '../../controller/http/tls.js';

const dir = () => join(mkdtempSync(join(tmpdir(), 'tls-')), 'tls');
const day = 86_400_000;

describe('the HTTPS certificate', () => {
  it('is made once and kept while it is valid and names every host asked for', async () => {
    const where = dir();
    const made = await tlsCertificate({ dir: where, hostnames: ['pbx.lan'] });
    expect(made.source).toBe('generated');
    const kept = await tlsCertificate({ dir: where, hostnames: ['pbx.lan'] });
    expect(kept).toMatchObject({ source: 'kept', pair: made.pair });
    expect(readFileSync(join(where, 'pbx.key'), 'utf8')).toBe(made.pair.key);
  });

  it('is made again for a new host name, and 30 days before it expires', async () => {
    const where = dir();
    const made = await tlsCertificate({ dir: where, hostnames: [] });
    const renamed = await tlsCertificate({ dir: where, hostnames: ['10.1.2.3'] });
    expect(renamed.source).toBe('generated');
    expect(renamed.pair.cert).not.toBe(made.pair.cert);
    const names = ['localhost', '::1', '10.1.2.3'];
    const now = new Date();
    expect(stillGood(renamed.pair.cert, names, now)).toBe(true);
    expect(stillGood(renamed.pair.cert, [...names, 'other.lan'], now)).toBe(false);
    expect(stillGood(renamed.pair.cert, names, new Date(now.getTime() + 800 * day))).toBe(false);
    expect(stillGood('not a certificate', names, now)).toBe(false);
  });

  it('TLS_CERT_FILE and TLS_KEY_FILE are used as they are', async () => {
    const where = dir();
    const made = await tlsCertificate({ dir: where, hostnames: [] });
    const files = mkdtempSync(join(tmpdir(), 'tls-files-'));
    writeFileSync(join(files, 'real.crt'), made.pair.cert);
    writeFileSync(join(files, 'real.key'), made.pair.key);
    const given = await tlsCertificate({
      certFile: join(files, 'real.crt'),
      keyFile: join(files, 'real.key'),
      dir: dir(),
      hostnames: ['never-checked.example'],
    });
    expect(given).toMatchObject({ source: 'files', pair: made.pair, certFile: join(files, 'real.crt') });
  });
});
