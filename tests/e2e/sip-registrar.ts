import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A minimal SIP-over-WebSocket registrar (subprotocol `sip`) for browser tests: it answers REGISTER with
 * 200 OK (echoing the phone's Contact, as Asterisk does), or 403 for accounts listed in `refuse`.
 * It only registers; calls need a real Asterisk (tests/live).
 */
export interface SipRegistrar {
  url: string;
  /** Accounts (`<ext>-web`) with a live registration. */
  registered: Set<string>;
  close(): Promise<void>;
}

export async function startSipRegistrar(options: { refuse?: string[] } = {}): Promise<SipRegistrar> {
  const refuse = new Set(options.refuse ?? []);
  const registered = new Set<string>();
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  server.on('connection', (socket) => socket.on('message', (data) => onMessage(socket, String(data))));

  const onMessage = (socket: WebSocket, text: string) => {
    const [head = '', ...lines] = text.split('\r\n\r\n')[0]!.split('\r\n');
    const method = head.split(' ')[0];
    if (!method || head.startsWith('SIP/2.0')) return;
    const headers = (name: string) =>
      lines.filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`)).map((l) => l.slice(name.length + 1).trim());
    const user = /sip:([^@;>]+)@/.exec(headers('From')[0] ?? '')?.[1] ?? '';
    const expires = Number(/expires=(\d+)/i.exec(headers('Contact')[0] ?? '')?.[1] ?? headers('Expires')[0] ?? 600);
    if (method === 'REGISTER' && !refuse.has(user)) {
      if (expires > 0) registered.add(user);
      else registered.delete(user);
    }
    const status = method !== 'REGISTER' ? '501 Not Implemented' : refuse.has(user) ? '403 Forbidden' : '200 OK';
    const reply = [
      `SIP/2.0 ${status}`,
      ...headers('Via').map((v) => `Via: ${v}`),
      `From: ${headers('From')[0]}`,
      `To: ${headers('To')[0]};tag=registrar`,
      `Call-ID: ${headers('Call-ID')[0]}`,
      `CSeq: ${headers('CSeq')[0]}`,
      ...(status === '200 OK' && expires > 0 ? [`Contact: ${headers('Contact')[0]}`, `Expires: ${expires}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    socket.send(reply);
  };

  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    registered,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
