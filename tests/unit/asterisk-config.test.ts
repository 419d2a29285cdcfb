import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const modulesConf = readFileSync('asterisk-config/modules.conf', 'utf8');
const readme = readFileSync('README.md', 'utf8');
const httpConf = readFileSync('asterisk-config/http.conf', 'utf8');
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, { volumes?: string[]; environment?: Record<string, unknown>; build?: unknown }>;
};

const setting = (conf: string, key: string) => new RegExp(`^${key}\\s*=\\s*(\\S+)`, 'm').exec(conf)?.[1];

describe('asterisk-config beside the README and docker compose', () => {
  it('the README lists exactly the modules modules.conf loads', () => {
    const loaded = [...modulesConf.matchAll(/^load => (\S+)\.so/gm)].map((m) => m[1]).sort();
    const block = /<!-- modules:[^>]*-->([\s\S]*?)<!-- \/modules -->/.exec(readme)?.[1] ?? '';
    const listed = [...block.matchAll(/`([a-z_0-9]+)`/g)].map((m) => m[1]).sort();
    expect(loaded.length).toBeGreaterThan(50);
    expect(listed).toEqual(loaded);
  });

  it('Asterisk reads its WSS certificate from the volume the controller writes it to', () => {
    expect(setting(httpConf, 'tlsenable')).toBe('yes');
    const certFile = setting(httpConf, 'tlscertfile');
    const keyFile = setting(httpConf, 'tlsprivatekey');
    expect([certFile, keyFile]).toEqual(['/etc/asterisk/keys/pbx.crt', '/etc/asterisk/keys/pbx.key']);
    const { asterisk, controller } = compose.services;
    const tlsDir = controller!.environment!.TLS_DIR as string;
    const volumeAt = (service: typeof asterisk, path: string) =>
      service!.volumes!.find((v) => v.split(':')[1] === path)?.split(':')[0];
    expect(volumeAt(asterisk, '/etc/asterisk/keys')).toBeDefined();
    expect(volumeAt(controller, tlsDir)).toBe(volumeAt(asterisk, '/etc/asterisk/keys'));
    expect(String(controller!.environment!.SIP_WS_URL)).toMatch(/^wss:\/\/.*:8089\/ws$/);
    expect(setting(httpConf, 'tlsbindaddr')).toMatch(/:8089$/);
  });

  it('the Asterisk image is a distribution package of Asterisk 22 (Alpine 3.24)', () => {
    expect(JSON.stringify(compose.services.asterisk!.build)).toContain('FROM alpine:3.24');
  });
});
