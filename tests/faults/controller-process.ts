import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The real controller as a child process, killable and restartable with the same env. It is `tsx controller/main.ts`
 * run as ONE process (`node --import tsx`): the `tsx` command forks node and does not pass SIGKILL on, so killing it
 * would leave the controller running, orphaned (which a kill test would mistake for a restart).
 */
export interface ControllerProcess {
  /** http://127.0.0.1:<HTTP_PORT> */
  url: string;
  port: number;
  env: Record<string, string>;
  /** Everything it wrote (stdout and stderr, all its lives), for a failing test to print. */
  output(): string;
  /** Whether a process is running now. */
  readonly running: boolean;
  /** The running process's id. */
  readonly pid: number | undefined;
  /** Starts it (again, after a kill) with the same env; resolves once it was spawned. */
  start(): Promise<void>;
  /** Sends the signal and resolves once the process exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Sends a signal that need not end it (SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void;
  /** The exit code of its last life (null while running or after a signal). */
  readonly exitCode: number | null;
  /**
   * Resolves once GET /readyz's checks satisfy `accept` (default: every check up), up to `timeoutMs`. A standby of a
   * failover pair (no ARI lease) may pass e.g. `(c) => c.postgres === 'up' && c.redis === 'up'`.
   */
  ready(timeoutMs?: number, accept?: (checks: Record<string, string>) => boolean): Promise<void>;
  /** GET /readyz's checks now, or undefined while nothing answers. */
  readiness(): Promise<Record<string, string> | undefined>;
}

const handedOut = new Set<number>();
/** Children still running: killed when the test process exits, so a crashed run leaves no controller behind. */
const living = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of living) child.kill('SIGKILL');
});

/** A free TCP port on 127.0.0.1, never the same twice in this process (so N children get distinct ones). */
export async function freePort(): Promise<number> {
  for (;;) {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

export interface ControllerEnv {
  DATABASE_URL: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  ARI_URL: string;
  JWT_SECRET: string;
  ADMIN_USERNAME: string;
  ADMIN_PASSWORD: string;
  [setting: string]: string;
}

/** Prepares a controller child (not started); HTTP_PORT is picked free unless given, HTTPS is off. */
export async function controllerProcess(settings: ControllerEnv): Promise<ControllerProcess> {
  const port = settings.HTTP_PORT ? Number(settings.HTTP_PORT) : await freePort();
  const env: Record<string, string> = {
    ARI_USERNAME: 'ari',
    ARI_PASSWORD: 'ari',
    ARI_APP: 'pbx',
    HTTP_HOST: '127.0.0.1',
    HTTPS_PORT: '0',
    LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'warn',
    WEBPHONE_DIR: path.join(root, 'webphone/dist'),
    ...settings,
    HTTP_PORT: String(port),
  };
  const url = `http://127.0.0.1:${port}`;
  const chunks: string[] = [];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let exitCode: number | null = null;

  const readiness = async () => {
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3000) });
      return ((await response.json()) as { checks: Record<string, string> }).checks;
    } catch {
      return undefined;
    }
  };

  return {
    url,
    port,
    env,
    output: () => chunks.join(''),
    get running() {
      return child !== undefined;
    },
    get pid() {
      return child?.pid;
    },
    async start() {
      if (child) throw new Error('the controller is already running');
      exitCode = null;
      const started = spawn(process.execPath, ['--import', 'tsx', 'controller/main.ts'], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      living.add(started);
      const keep = (data: Buffer) => {
        chunks.push(String(data));
        if (process.env.FAULTS_ECHO) process.stderr.write(`[controller ${port}] ${String(data)}`);
      };
      started.stdout?.on('data', keep);
      started.stderr?.on('data', keep);
      exited = new Promise((resolve) =>
        started.once('exit', (code, signal) => {
          exitCode = code;
          chunks.push(`\n--- controller exited (code ${code}, signal ${signal}) ---\n`);
          living.delete(started);
          if (child === started) child = undefined;
          resolve();
        }),
      );
      await new Promise<void>((resolve, reject) => {
        started.once('spawn', resolve);
        started.once('error', reject);
      });
    },
    signal(signal) {
      child?.kill(signal);
    },
    get exitCode() {
      return exitCode;
    },
    async kill(signal = 'SIGKILL') {
      const running = child;
      if (!running) return;
      running.kill(signal);
      await exited;
      // Nothing may answer on its port any more (no process left behind that would pass for the restarted one).
      for (let tries = 0; (await readiness()) !== undefined; tries++) {
        if (tries > 50)
          throw new Error(`something still answers on port ${port} after the controller exited`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async ready(
      timeoutMs = 30_000,
      accept = (checks: Record<string, string>) => Object.values(checks).every((state) => state === 'up'),
    ) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (!child)
          throw new Error(`the controller exited before it was ready:\n${chunks.join('').slice(-4000)}`);
        const checks = await readiness();
        // Checked again after the answer: a child that failed to listen must not pass for one that answers.
        if (checks && child && accept(checks)) return;
        if (Date.now() > deadline)
          throw new Error(
            `the controller was not ready within ${timeoutMs} ms (${JSON.stringify(checks)}):\n` +
              chunks.join('').slice(-4000),
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    readiness,
  };
}

/** N controllers on the same env but for their own HTTP port (a failover pair shares DB, Redis prefix and ARI). */
export async function controllerProcesses(
  count: number,
  settings: ControllerEnv,
): Promise<ControllerProcess[]> {
  const children: ControllerProcess[] = [];
  const { HTTP_PORT: _ignored, ...shared } = settings;
  for (let i = 0; i < count; i++) children.push(await controllerProcess(shared as ControllerEnv));
  return children;
}
