/** The parent's side of `double-process.ts`: start the ARI double in a child process and drive its phones. */
import { fork, type ChildProcess } from 'node:child_process';
import type { AnswerMode, DoubleTrace } from '../ari-double/index.js';

export type DoubleRequest =
  | {
      op: 'register';
      accounts: { id: string; password: string; answerMode: AnswerMode }[];
      timeoutMs: number;
    }
  | { op: 'dial'; calls: { from: string; to: string }[] }
  | { op: 'hangup'; phones: string[] }
  | { op: 'answer-mode'; phones: string[]; mode: AnswerMode }
  | { op: 'observe'; on: boolean }
  | { op: 'stats' }
  /** Every bridge: its name and channels. */
  | { op: 'bridges' }
  /** The double process's `performance.timeOrigin` (its trace times + this = epoch ms, as here) and `now()`. */
  | { op: 'clock' }
  | { op: 'close' };

export type DoubleReply = { kind: 'reply'; id: number; result?: unknown; error?: string };

type ChildMessage = DoubleReply | { kind: 'ready'; url: string } | { kind: 'trace'; records: DoubleTrace[] };

export interface RemoteDouble {
  url: string;
  /** The double's process id (its CPU share: `cpu-meter.ts`). */
  pid: number | undefined;
  request<T = unknown>(request: DoubleRequest): Promise<T>;
  /** Called with every batch of trace records while observing (timestamps are the child's `performance.now()`). */
  onTrace(handler: (records: DoubleTrace[]) => void): void;
  close(): Promise<void>;
}

export async function startRemoteDouble(): Promise<RemoteDouble> {
  const child: ChildProcess = fork(new URL('./double-process.ts', import.meta.url), { stdio: 'inherit' });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let traceHandler: (records: DoubleTrace[]) => void = () => undefined;
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`ARI double process exited (${code})`)));
    child.on('message', (message: ChildMessage) => {
      if (message.kind === 'ready') resolve(message.url);
      else if (message.kind === 'trace') traceHandler(message.records);
      else {
        const w = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.error !== undefined) w?.reject(new Error(message.error));
        else w?.resolve(message.result);
      }
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const request = <T>(req: DoubleRequest) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, request: req });
    });
  return {
    url,
    pid: child.pid,
    request,
    onTrace: (handler) => {
      traceHandler = handler;
    },
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
