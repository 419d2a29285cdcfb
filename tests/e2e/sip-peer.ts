import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  answerDirection,
  audioSdp,
  header,
  headers,
  midOf,
  parseSip,
  serialize,
  type SipMessage,
} from './sip-message.js';

/**
 * A fake Asterisk for browser tests, over SIP-WebSocket (subprotocol `sip`): a registrar (200, or 403 for the
 * accounts in `refuse`) and the far end of calls. SIP only: the SDP it sends has no ICE candidates, so calls
 * set up and end for real in SIP terms while no audio flows (audio needs a real Asterisk, tests/live).
 * It can also go away and come back (`restart`), like an Asterisk restart or a network loss.
 */
export interface SipPeer {
  url: string;
  registered: Set<string>;
  /** Every request the browser sent, in order. */
  received: SipMessage[];
  /** Resolves with the first request (already received or future) that matches. */
  request(match: (m: SipMessage) => boolean, timeoutMs?: number): Promise<SipMessage>;
  /** Answers a browser's request (an INVITE: `180 Ringing`, `200 OK` with SDP, `486 Busy Here`…). */
  respond(request: SipMessage, status: string): void;
  /** Sends an INVITE to a registered account; `extraHeaders` such as `Call-Info: <sip:pbx>;answer-after=0`. */
  invite(
    account: string,
    from: { number: string; name: string },
    extraHeaders?: [string, string][],
  ): Promise<SipMessage>;
  /** Sends BYE in a call the peer set up. */
  bye(callId: string): void;
  /**
   * Like Asterisk stopping and starting again: every WebSocket is dropped (their registrations go with them, as
   * Asterisk removes a WebSocket contact when its socket closes), the port refuses connections for `downMs`, then
   * listens again on the same URL. Resolves once it accepts connections again.
   */
  restart(downMs: number): Promise<void>;
  /**
   * Answers the next REGISTERs, whoever sends them, with these statuses in order instead of 200: what a browser
   * meets when Asterisk is back before the controller pushed its account again. A `401` carries a digest challenge,
   * so JsSIP answers it with an authenticated REGISTER, which takes the next status.
   */
  rejectRegisters(statuses: string[]): void;
  /** When each connection was accepted (epoch ms). */
  connections: number[];
  close(): Promise<void>;
}

interface Dialog {
  socket: WebSocket;
  invite: [string, string][];
  target: string;
  cseq: number;
}

const tag = () => randomBytes(4).toString('hex');
const branch = () => `z9hG4bK${randomBytes(6).toString('hex')}`;

export async function startSipPeer(
  options: { refuse?: string[]; tls?: { cert: string; key: string } } = {},
): Promise<SipPeer> {
  const refuse = new Set(options.refuse ?? []);
  const registered = new Set<string>();
  const contacts = new Map<string, { socket: WebSocket; uri: string }>();
  const received: SipMessage[] = [];
  const waiters = new Set<{ match: (m: SipMessage) => boolean; resolve: (m: SipMessage) => void }>();
  const responses = new Map<string, (m: SipMessage) => void>();
  const dialogs = new Map<string, Dialog>();
  const sockets = new Map<SipMessage, WebSocket>();

  const rejections: string[] = [];
  const connections: number[] = [];

  // With a certificate it is Asterisk's WSS listener (http.conf tlsenable), else its plain WS one.
  const http = options.tls ? createTlsServer(options.tls) : createServer();
  const server = new WebSocketServer({
    server: http,
    handleProtocols: (p) => (p.has('sip') ? 'sip' : false),
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
  await listen(0);

  const reply = (
    socket: WebSocket,
    request: SipMessage,
    status: string,
    extra: [string, string][] = [],
    body = '',
  ) => {
    const to = header(request, 'to');
    const fields: [string, string][] = [
      ...headers(request, 'via').map((v): [string, string] => ['Via', v]),
      ['From', header(request, 'from')],
      ['To', /;tag=/.test(to) || status.startsWith('100') ? to : `${to};tag=${tag()}`],
      ['Call-ID', header(request, 'call-id')],
      ['CSeq', header(request, 'cseq')],
      ...extra,
    ];
    socket.send(serialize(`SIP/2.0 ${status}`, fields, body));
  };

  const onRequest = (socket: WebSocket, m: SipMessage) => {
    received.push(m);
    sockets.set(m, socket);
    const inDialog = /;tag=/.test(header(m, 'to'));
    if (m.method === 'REGISTER') {
      const user = /sip:([^@;>]+)@/.exec(header(m, 'from'))?.[1] ?? '';
      const contact = header(m, 'contact');
      const expires = Number(/expires=(\d+)/i.exec(contact)?.[1] ?? (header(m, 'expires') || 600));
      if (refuse.has(user)) return reply(socket, m, '403 Forbidden');
      const rejection = rejections.shift();
      if (rejection?.startsWith('401'))
        return reply(socket, m, rejection, [
          ['WWW-Authenticate', `Digest realm="asterisk",nonce="${tag()}",algorithm=MD5,qop="auth"`],
        ]);
      if (rejection) return reply(socket, m, rejection);
      if (expires > 0) {
        registered.add(user);
        contacts.set(user, { socket, uri: /<([^>]+)>/.exec(contact)?.[1] ?? '' });
      } else registered.delete(user);
      reply(
        socket,
        m,
        '200 OK',
        expires > 0
          ? [
              ['Contact', contact],
              ['Expires', String(expires)],
            ]
          : [],
      );
    } else if (m.method === 'BYE' || m.method === 'CANCEL' || m.method === 'INFO' || m.method === 'OPTIONS') {
      reply(socket, m, '200 OK');
    } else if (m.method === 'INVITE' && inDialog) {
      // Hold and resume re-INVITEs: accept with the matching direction.
      const sdp = audioSdp({ mid: midOf(m.body), setup: 'active', direction: answerDirection(m.body) });
      reply(
        socket,
        m,
        '200 OK',
        [
          ['Contact', '<sip:pbx@127.0.0.1;transport=ws>'],
          ['Content-Type', 'application/sdp'],
        ],
        sdp,
      );
    } else if (m.method === 'INVITE') {
      reply(socket, m, '100 Trying');
    } else if (m.method === 'REFER') {
      // As the controller does for a blind transfer or park: accept, then report success (NOTIFY 200).
      reply(socket, m, '202 Accepted', [['Contact', '<sip:pbx@127.0.0.1;transport=ws>']]);
      const notify: [string, string][] = [
        ['Via', `SIP/2.0/WS pbx.invalid;branch=${branch()}`],
        ['Max-Forwards', '70'],
        ['From', header(m, 'to')],
        ['To', header(m, 'from')],
        ['Call-ID', header(m, 'call-id')],
        ['CSeq', '100 NOTIFY'],
        ['Contact', '<sip:pbx@127.0.0.1;transport=ws>'],
        ['Event', 'refer'],
        ['Subscription-State', 'terminated;reason=noresource'],
        ['Content-Type', 'message/sipfrag;version=2.0'],
      ];
      const target = /<([^>]+)>/.exec(header(m, 'contact'))?.[1] ?? '';
      setTimeout(() => socket.send(serialize(`NOTIFY ${target} SIP/2.0`, notify, 'SIP/2.0 200 OK\r\n')), 50);
    }
    for (const waiter of [...waiters]) {
      if (waiter.match(m)) {
        waiters.delete(waiter);
        waiter.resolve(m);
      }
    }
  };

  const onResponse = (socket: WebSocket, m: SipMessage) => {
    const callId = header(m, 'call-id');
    const dialog = dialogs.get(callId);
    if (dialog && m.status === 200 && header(m, 'cseq').endsWith('INVITE')) {
      const target = /<([^>]+)>/.exec(header(m, 'contact'))?.[1] ?? dialog.target;
      const fields = dialog.invite.map(([n, v]): [string, string] =>
        n === 'To' ? [n, header(m, 'to')] : [n, v],
      );
      const ack = fields
        .filter(([n]) => n !== 'Content-Type')
        .map(([n, v]): [string, string] =>
          n === 'CSeq'
            ? [n, `${dialog.cseq} ACK`]
            : n === 'Via'
              ? [n, `SIP/2.0/WS pbx.invalid;branch=${branch()}`]
              : [n, v],
        );
      socket.send(serialize(`ACK ${target} SIP/2.0`, ack));
      dialogs.set(callId, { ...dialog, target, invite: fields });
    }
    responses.get(callId)?.(m);
  };

  server.on('connection', (socket) => {
    connections.push(Date.now());
    socket.on('message', (data) => {
      const m = parseSip(String(data));
      if (m.status !== null) onResponse(socket, m);
      else onRequest(socket, m);
    });
  });

  const { port } = http.address() as { port: number };
  return {
    url: `${options.tls ? 'wss' : 'ws'}://127.0.0.1:${port}/ws`,
    registered,
    received,
    request(match, timeoutMs = 10_000) {
      const found = received.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.add(waiter);
        setTimeout(
          () => waiters.delete(waiter) && reject(new Error('no such SIP request arrived')),
          timeoutMs,
        );
      });
    },
    respond(request, status) {
      const socket = sockets.get(request)!;
      if (!status.startsWith('200')) return reply(socket, request, status);
      const sdp = audioSdp({ mid: midOf(request.body), setup: 'active' });
      reply(
        socket,
        request,
        status,
        [
          ['Contact', '<sip:pbx@127.0.0.1;transport=ws>'],
          ['Content-Type', 'application/sdp'],
        ],
        sdp,
      );
    },
    invite(account, from, extraHeaders = []) {
      const contact = contacts.get(account);
      if (!contact) throw new Error(`${account} is not registered`);
      const callId = randomBytes(8).toString('hex');
      const fields: [string, string][] = [
        ['Via', `SIP/2.0/WS pbx.invalid;branch=${branch()}`],
        ['Max-Forwards', '70'],
        ['From', `"${from.name}" <sip:${from.number}@127.0.0.1>;tag=${tag()}`],
        ['To', `<sip:${account}@127.0.0.1>`],
        ['Call-ID', callId],
        ['CSeq', '1 INVITE'],
        ['Contact', `<sip:${from.number}@127.0.0.1;transport=ws>`],
        ...extraHeaders,
        ['Content-Type', 'application/sdp'],
      ];
      dialogs.set(callId, { socket: contact.socket, invite: fields, target: contact.uri, cseq: 1 });
      contact.socket.send(
        serialize(`INVITE ${contact.uri} SIP/2.0`, fields, audioSdp({ mid: '0', setup: 'actpass' })),
      );
      return new Promise((resolve) => {
        responses.set(callId, (m) => {
          if (m.status !== null && m.status >= 200) resolve(m);
        });
      });
    },
    bye(callId) {
      const dialog = dialogs.get(callId);
      if (!dialog) throw new Error(`no call ${callId}`);
      const cseq = dialog.cseq + 1;
      const fields = dialog.invite
        .filter(([n]) => n !== 'Content-Type')
        .map(([n, v]): [string, string] =>
          n === 'CSeq'
            ? [n, `${cseq} BYE`]
            : n === 'Via'
              ? [n, `SIP/2.0/WS pbx.invalid;branch=${branch()}`]
              : [n, v],
        );
      dialogs.set(callId, { ...dialog, cseq });
      dialog.socket.send(serialize(`BYE ${dialog.target} SIP/2.0`, fields));
    },
    connections,
    async restart(downMs) {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      for (const client of server.clients) client.terminate();
      registered.clear();
      contacts.clear();
      await closed;
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await listen(port);
    },
    rejectRegisters(statuses) {
      rejections.push(...statuses);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close();
        http.close(() => resolve());
      }),
  };
}
