import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';

/**
 * A real SIP desk phone for the live suite: baresip (Debian's baresip-core) driven over its ctrl_tcp module
 * (netstring-framed JSON). Each phone sends its own sine tone and records what it hears (sndfile module:
 * dump-*-dec.wav in its folder), so tests can measure who hears whom.
 */
export interface PhoneEvent {
  type: string;
  class?: string;
  param?: string;
  peeruri?: string;
  id?: string;
  [key: string]: unknown;
}

export interface PhoneOptions {
  name: string;
  /** SIP user (the endpoint's id), e.g. 1001. */
  user: string;
  password: string;
  /** host:port of Asterisk's SIP UDP transport. */
  registrar: string;
  sipPort: number;
  ctrlPort: number;
  toneHz: number;
  answerMode?: 'auto' | 'manual';
  dir: string;
  /** The address it binds (default 127.0.0.1): a carrier plays the outside world from its own, e.g. 127.0.0.2. */
  listenAddress?: string;
  /** false: never REGISTER (a carrier, told from the phones by its address); default true. */
  register?: boolean;
}

export class BaresipPhone {
  readonly events: PhoneEvent[] = [];
  private waiters: Array<{ match: (e: PhoneEvent) => boolean; resolve: (e: PhoneEvent) => void }> = [];
  private token = 0;
  private pending = new Map<string, (data: unknown) => void>();
  private buffer = Buffer.alloc(0);

  private constructor(
    readonly options: PhoneOptions,
    private readonly process: ChildProcess,
    private readonly socket: Socket,
  ) {
    socket.on('data', (chunk) => this.onData(chunk));
  }

  static async start(options: PhoneOptions): Promise<BaresipPhone> {
    writeConfig(options);
    const child = spawn('baresip', ['-f', options.dir], {
      cwd: options.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log: string[] = [];
    child.stdout?.on('data', (d: Buffer) => log.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    const socket = await connectWithRetry(options.ctrlPort, 5000).catch((error: Error) => {
      child.kill('SIGKILL');
      throw new Error(`baresip ${options.name} did not open ctrl_tcp: ${error.message}\n${log.join('')}`);
    });
    return new BaresipPhone(options, child, socket);
  }

  command(command: string, params = ''): Promise<unknown> {
    const token = String(++this.token);
    const json = JSON.stringify({ command, params, token });
    this.socket.write(`${Buffer.byteLength(json)}:${json},`);
    return new Promise((resolve) => this.pending.set(token, resolve));
  }

  waitFor(
    type: string,
    timeoutMs = 10_000,
    match: (e: PhoneEvent) => boolean = () => true,
  ): Promise<PhoneEvent> {
    const seen = this.events.find((e) => e.type === type && match(e));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.options.name}: no ${type} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        match: (e) => e.type === type && match(e),
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  /** Forget events seen so far (so waitFor looks only at what comes next). */
  clearEvents(): void {
    this.events.length = 0;
  }

  dial(uri: string) {
    return this.command('dial', uri);
  }
  accept() {
    return this.command('accept');
  }
  hangup() {
    return this.command('hangup');
  }
  sendDtmf(digits: string) {
    return this.command('sndcode', digits);
  }
  transfer(target: string) {
    return this.command('transfer', target);
  }

  /** The WAV files of what this phone heard, one per call, oldest first. */
  recordings(): string[] {
    return readdirSync(this.options.dir)
      .filter((f) => f.startsWith('dump-') && f.endsWith('-dec.wav'))
      .sort()
      .map((f) => join(this.options.dir, f));
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    await Promise.race([this.command('quit'), new Promise((r) => setTimeout(r, 1000))]);
    this.socket.destroy();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    this.process.kill('SIGKILL');
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + length + 1) return;
      const body = this.buffer.subarray(colon + 1, colon + 1 + length).toString();
      this.buffer = this.buffer.subarray(colon + 1 + length + 1);
      this.onMessage(JSON.parse(body) as Record<string, unknown>);
    }
  }

  private onMessage(message: Record<string, unknown>): void {
    if (message.response && typeof message.token === 'string') {
      this.pending.get(message.token)?.(message.data);
      this.pending.delete(message.token);
      return;
    }
    if (!message.event) return;
    const event = message as unknown as PhoneEvent;
    this.events.push(event);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(event)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  }
}

function writeConfig(o: PhoneOptions): void {
  mkdirSync(o.dir, { recursive: true });
  const config = [
    'poll_method epoll',
    `sip_listen ${o.listenAddress ?? '127.0.0.1'}:${o.sipPort}`,
    `ctrl_tcp_listen 127.0.0.1:${o.ctrlPort}`,
    `audio_source ausine,${o.toneHz}`,
    'ausrc_srate 48000',
    'ausrc_channels 2',
    'audio_player aubridge,nowhere',
    'audio_alert aubridge,nowhere',
    'snd_path .',
    'call_local_timeout 120',
    'rtp_stats no',
    'module_path /usr/lib/baresip/modules',
    ...['g711.so', 'ausine.so', 'aubridge.so', 'sndfile.so', 'ctrl_tcp.so', 'menu.so'].map(
      (m) => `module ${m}`,
    ),
    'module_tmp account.so',
    '',
  ].join('\n');
  writeFileSync(join(o.dir, 'config'), config);
  const answer = o.answerMode === 'manual' ? 'manual' : 'auto';
  const auth = o.register === false ? 'regint=0' : `auth_pass=${o.password};regint=600`;
  const account = `<sip:${o.user}@${o.registrar};transport=udp>;${auth};answermode=${answer}\n`;
  writeFileSync(join(o.dir, 'accounts'), account);
  writeFileSync(join(o.dir, 'contacts'), '');
}

async function connectWithRetry(port: number, timeoutMs: number): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => resolve(socket));
        socket.once('error', reject);
      });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
