/** The parent's side of `ws-clients-process.ts`: many `/api/events` clients in a child process. */
import { fork } from 'node:child_process';
import type { ClientsReply, ClientsRequest } from './ws-clients-process.js';

export interface WsClients {
  pid: number | undefined;
  request<T = unknown>(request: ClientsRequest): Promise<T>;
  close(): Promise<void>;
}

export async function startWsClients(): Promise<WsClients> {
  const child = fork(new URL('./ws-clients-process.ts', import.meta.url), { stdio: 'inherit' });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`WebSocket clients process exited (${code})`)));
    child.on('message', (message: ClientsReply | { kind: 'ready' }) => {
      if (message.kind === 'ready') return resolve();
      const w = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error !== undefined) w?.reject(new Error(message.error));
      else w?.resolve(message.result);
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const request = <T>(req: ClientsRequest) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, request: req });
    });
  return {
    pid: child.pid,
    request,
    async close() {
      await Promise.race([request({ op: 'close' }), new Promise((r) => setTimeout(r, 2000))]).catch(
        () => undefined,
      );
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
