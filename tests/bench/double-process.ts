/**
 * The ARI double in its own process, driven over IPC by `remote-double.ts`, so that a benchmark's controller
 * does not share its event loop with the fake Asterisk and its phones (as it would not with a real one).
 */
import { startAriDouble, type AnswerMode, type DoubleTrace, type SimPhone } from '../ari-double/index.js';
import type { DoubleReply, DoubleRequest } from './remote-double.js';

const double = await startAriDouble({ username: 'ari', password: 'ari' });
const send = (message: unknown) => process.send?.(message);

let pending: DoubleTrace[] = [];
let stopObserving: (() => void) | undefined;

/** Trace records go to the parent in batches, once per turn of this process's event loop. */
function forward(record: DoubleTrace): void {
  if (pending.length === 0) setImmediate(flush);
  pending.push(record);
}

function flush(): void {
  if (pending.length === 0) return;
  send({ kind: 'trace', records: pending });
  pending = [];
}

const phone = (id: string): SimPhone => {
  const p = double.phone(id);
  if (!p) throw new Error(`no phone ${id}`);
  return p;
};

/** Register every account, retrying those the controller has not provisioned yet, until `timeoutMs`. */
async function register(
  accounts: { id: string; password: string; answerMode: AnswerMode }[],
  timeoutMs: number,
) {
  let left = accounts;
  const deadline = Date.now() + timeoutMs;
  while (left.length > 0 && Date.now() < deadline) {
    const failed: typeof left = [];
    for (const a of left) {
      await double
        .registerPhone(a.id, { password: a.password, answerMode: a.answerMode })
        .catch(() => failed.push(a));
    }
    left = failed;
    if (left.length > 0) await new Promise((r) => setTimeout(r, 100));
  }
  return { unregistered: left.map((a) => a.id) };
}

function hangup(ids: string[]): number {
  let count = 0;
  for (const id of ids) {
    const call = double.phone(id)?.currentCall;
    if (!call) continue;
    phone(id).hangup(call);
    count++;
  }
  return count;
}

async function handle(request: DoubleRequest): Promise<unknown> {
  switch (request.op) {
    case 'register':
      return register(request.accounts, request.timeoutMs);
    case 'dial':
      for (const c of request.calls) phone(c.from).dial(c.to);
      return null;
    case 'hangup':
      return hangup(request.phones);
    case 'answer-mode':
      for (const id of request.phones) phone(id).setAnswerMode(request.mode);
      return null;
    case 'observe':
      stopObserving?.();
      stopObserving = request.on ? double.observe(forward) : undefined;
      flush();
      return null;
    case 'stats':
      return { channels: double.channels().length, bridges: double.bridges().length };
    case 'bridges':
      return double.bridges().map((b) => ({ name: b.name, channels: b.channels }));
    case 'clock':
      return { timeOrigin: performance.timeOrigin, now: performance.now() };
    case 'close':
      flush();
      await double.close();
      setImmediate(() => process.exit(0));
      return null;
    default: {
      const never: never = request;
      throw new Error(`unknown request ${JSON.stringify(never)}`);
    }
  }
}

process.on('message', (message: { id: number; request: DoubleRequest }) => {
  handle(message.request).then(
    (result) => send({ kind: 'reply', id: message.id, result } satisfies DoubleReply),
    (error: unknown) => send({ kind: 'reply', id: message.id, error: String(error) } satisfies DoubleReply),
  );
});
process.on('disconnect', () => process.exit(0));
send({ kind: 'ready', url: double.url });
