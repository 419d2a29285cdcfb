import net from 'node:net';

/** A TCP forwarder in front of a service (PostgreSQL, Redis, ARI), to cut it off and bring it back. */
export interface TcpProxy {
  /** The local port clients connect to instead of the target's. */
  port: number;
  /** Whether the link is cut now. */
  readonly isCut: boolean;
  /** Connections forwarded since the start (each accepted client counts once). */
  readonly accepted: number;
  /** Destroys every open connection; new ones are accepted and destroyed at once (a refused connection). */
  cut(): void;
  /** Forwards new connections again. */
  restore(): void;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:<random> and pipes every connection to `targetHost:targetPort`. Cut, it behaves as a service
 * that went away: every socket reset, each new connection closed as soon as it is accepted.
 */
export async function startTcpProxy(
  targetHost: string,
  targetPort: number,
  /** Told every chunk a client sends (what the controller asks of the service, e.g. its ARI requests). */
  tap?: (chunk: Buffer) => void,
): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let cut = false;
  let accepted = 0;
  const server = net.createServer((client) => {
    client.on('error', () => undefined);
    if (cut) {
      client.destroy();
      return;
    }
    accepted++;
    const upstream = net.connect(targetPort, targetHost);
    upstream.on('error', () => undefined);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    if (tap) client.on('data', tap);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  const destroyAll = () => {
    for (const socket of open) socket.destroy();
    open.clear();
  };
  return {
    port,
    get isCut() {
      return cut;
    },
    get accepted() {
      return accepted;
    },
    cut() {
      cut = true;
      destroyAll();
    },
    restore() {
      cut = false;
    },
    async close() {
      cut = true;
      destroyAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
