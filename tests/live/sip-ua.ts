import { createHash, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

/**
 * A minimal SIP user agent over UDP for the live suite, for what baresip 1.0.0 cannot do: an attended transfer (a
 * REFER whose Refer-To carries Replaces naming another dialog). It places calls (INVITE with digest authentication,
 * ACK), sends a REFER in a dialog, answers Asterisk's in-dialog requests (NOTIFY, BYE, re-INVITE, OPTIONS) with 200
 * and records them. It sends no RTP (its SDP points at a port nobody reads): it is only ever the transferer.
 */
export interface SipUaOptions {
  user: string;
  password: string;
  /** Asterisk's SIP address, `host:port`. */
  server: string;
  localPort: number;
}

export interface Dialog {
  callId: string;
  localTag: string;
  /** Asterisk's tag (from its 180 or 200). */
  remoteTag: string;
  remoteUri: string;
  /** The URI the INVITE was sent to (the To of every request in the dialog). */
  peer: string;
  cseq: number;
  /** 'early' after a 180, 'confirmed' after the 200 and our ACK, 'terminated' after a BYE. */
  state: 'early' | 'confirmed' | 'terminated';
}

interface Message {
  startLine: string;
  headers: [string, string][];
  body: string;
}

const header = (m: Message, name: string) =>
  m.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
const headersOf = (m: Message, name: string) =>
  m.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
const statusOf = (m: Message) => Number(/^SIP\/2\.0 (\d{3})/.exec(m.startLine)?.[1] ?? 0);
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const token = () => randomBytes(6).toString('hex');

function parse(raw: string): Message {
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  const [startLine = '', ...lines] = head.split('\r\n');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
  return { startLine, headers, body: rest.join('\r\n\r\n') };
}

export class SipUa {
  /** Every request Asterisk sent us, in order (method, Call-ID, body). */
  readonly received: { method: string; callId: string; body: string; at: number }[] = [];
  private readonly socket: Socket;
  private readonly host: string;
  private readonly port: number;
  private waiters: ((m: Message) => boolean)[] = [];

  private constructor(
    readonly options: SipUaOptions,
    socket: Socket,
  ) {
    this.socket = socket;
    const [host = '127.0.0.1', port = '5060'] = options.server.split(':');
    this.host = host;
    this.port = Number(port);
    socket.on('message', (data) => this.onMessage(parse(data.toString())));
  }

  static async start(options: SipUaOptions): Promise<SipUa> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(options.localPort, '127.0.0.1', resolve));
    return new SipUa(options, socket);
  }

  close(): void {
    this.socket.close();
  }

  private get contact() {
    return `<sip:${this.options.user}@127.0.0.1:${this.options.localPort}>`;
  }

  private send(lines: string[], body = ''): void {
    const text = `${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    this.socket.send(text, this.port, this.host);
  }

  /** The next message `test` accepts (responses and requests alike). */
  private next(test: (m: Message) => boolean, timeoutMs = 10_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`SIP UA ${this.options.user}: nothing within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push((m) => {
        if (!test(m)) return false;
        clearTimeout(timer);
        resolve(m);
        return true;
      });
    });
  }

  private onMessage(m: Message): void {
    if (!m.startLine.startsWith('SIP/2.0')) this.answerRequest(m);
    this.waiters = this.waiters.filter((w) => !w(m));
  }

  /** Asterisk's requests: 200 OK to each (NOTIFY, BYE, re-INVITE with our SDP, OPTIONS); ACK needs no answer. */
  private answerRequest(m: Message): void {
    const method = m.startLine.split(' ')[0] ?? '';
    this.received.push({ method, callId: header(m, 'Call-ID') ?? '', body: m.body, at: Date.now() });
    if (method === 'ACK') return;
    const lines = [
      'SIP/2.0 200 OK',
      ...headersOf(m, 'Via').map((v) => `Via: ${v}`),
      `From: ${header(m, 'From')}`,
      `To: ${header(m, 'To')}${/;tag=/.test(header(m, 'To') ?? '') ? '' : `;tag=${token()}`}`,
      `Call-ID: ${header(m, 'Call-ID')}`,
      `CSeq: ${header(m, 'CSeq')}`,
      `Contact: ${this.contact}`,
    ];
    if (method === 'INVITE') this.send([...lines, 'Content-Type: application/sdp'], this.sdp());
    else this.send(lines);
  }

  private sdp(): string {
    const port = this.options.localPort + 2;
    return [
      'v=0',
      `o=- ${Date.now()} 1 IN IP4 127.0.0.1`,
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${port} RTP/AVP 0`,
      'a=rtpmap:0 PCMU/8000',
      'a=sendrecv',
      '',
    ].join('\r\n');
  }

  private authorization(challenge: string, method: string, uri: string): string {
    const field = (name: string) => new RegExp(`${name}="?([^",]+)"?`, 'i').exec(challenge)?.[1] ?? '';
    const realm = field('realm');
    const nonce = field('nonce');
    const qop = /qop="?[^"]*auth/i.test(challenge) ? 'auth' : '';
    const ha1 = md5(`${this.options.user}:${realm}:${this.options.password}`);
    const ha2 = md5(`${method}:${uri}`);
    const cnonce = token();
    const nc = '00000001';
    const response = qop
      ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
      : md5(`${ha1}:${nonce}:${ha2}`);
    return (
      `Digest username="${this.options.user}", realm="${realm}", nonce="${nonce}", uri="${uri}", ` +
      `response="${response}", algorithm=MD5${qop ? `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"` : ''}`
    );
  }

  /** The MD5 challenge of a 401/407 (Asterisk may offer SHA-256 too). */
  private challengeOf(m: Message): { name: string; value: string } | undefined {
    const www = headersOf(m, 'WWW-Authenticate');
    const proxy = headersOf(m, 'Proxy-Authenticate');
    const pick = (values: string[]) => values.find((v) => !/algorithm=("?)SHA-256/i.test(v)) ?? values[0];
    if (www.length > 0) return { name: 'Authorization', value: pick(www)! };
    if (proxy.length > 0) return { name: 'Proxy-Authorization', value: pick(proxy)! };
    return undefined;
  }

  /**
   * INVITE `sip:<user>@server`; resolves with the dialog once Asterisk answers 200 (ACKed), or, with `early`, at its
   * first 18x with a tag (the call then goes on: `answered` resolves at the 200).
   */
  async invite(user: string, early = false): Promise<{ dialog: Dialog; answered: Promise<Dialog> }> {
    const uri = `sip:${user}@${this.host}:${this.port}`;
    const dialog: Dialog = {
      callId: `${token()}@ua`,
      localTag: token(),
      remoteTag: '',
      remoteUri: uri,
      peer: uri,
      cseq: 1,
      state: 'early',
    };
    const request = (cseq: number, auth?: string) => {
      const branch = `z9hG4bK${token()}`;
      this.send(
        [
          `INVITE ${uri} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${this.options.localPort};branch=${branch};rport`,
          'Max-Forwards: 70',
          `From: <sip:${this.options.user}@${this.host}>;tag=${dialog.localTag}`,
          `To: <${uri}>`,
          `Call-ID: ${dialog.callId}`,
          `CSeq: ${cseq} INVITE`,
          `Contact: ${this.contact}`,
          'Allow: INVITE, ACK, CANCEL, BYE, REFER, NOTIFY, OPTIONS',
          'Content-Type: application/sdp',
          ...(auth ? [auth] : []),
        ],
        this.sdp(),
      );
      return branch;
    };
    const isFinalOrEarly = (m: Message) =>
      header(m, 'Call-ID') === dialog.callId && m.startLine.startsWith('SIP/2.0') && statusOf(m) > 100;
    let branch = request(dialog.cseq);
    let response = await this.next(isFinalOrEarly);
    if (statusOf(response) === 401 || statusOf(response) === 407) {
      this.ackFailure(dialog, response, branch, uri);
      const challenge = this.challengeOf(response);
      dialog.cseq += 1;
      branch = request(
        dialog.cseq,
        challenge && `${challenge.name}: ${this.authorization(challenge.value, 'INVITE', uri)}`,
      );
      response = await this.next(isFinalOrEarly);
    }
    const remember = (m: Message) => {
      dialog.remoteTag = /;tag=([^;>\s]+)/.exec(header(m, 'To') ?? '')?.[1] ?? dialog.remoteTag;
      const contact = /<([^>]+)>/.exec(header(m, 'Contact') ?? '')?.[1];
      if (contact) dialog.remoteUri = contact;
    };
    const answer = async (first: Message): Promise<Dialog> => {
      let m = first;
      while (statusOf(m) < 200) m = await this.next(isFinalOrEarly, 30_000);
      if (statusOf(m) >= 300) throw new Error(`INVITE ${user}: ${m.startLine}`);
      remember(m);
      this.ack(dialog);
      dialog.state = 'confirmed';
      return dialog;
    };
    if (early) {
      while (statusOf(response) < 200 && !/;tag=/.test(header(response, 'To') ?? ''))
        response = await this.next(isFinalOrEarly);
      remember(response);
      const answered = answer(response);
      answered.catch(() => undefined);
      return { dialog, answered };
    }
    const done = await answer(response);
    return { dialog: done, answered: Promise.resolve(done) };
  }

  private ackFailure(dialog: Dialog, response: Message, branch: string, uri: string): void {
    this.send([
      `ACK ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.options.localPort};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: <sip:${this.options.user}@${this.host}>;tag=${dialog.localTag}`,
      `To: ${header(response, 'To')}`,
      `Call-ID: ${dialog.callId}`,
      `CSeq: ${dialog.cseq} ACK`,
    ]);
  }

  private ack(dialog: Dialog): void {
    this.send([
      `ACK ${dialog.remoteUri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.options.localPort};branch=z9hG4bK${token()};rport`,
      'Max-Forwards: 70',
      `From: <sip:${this.options.user}@${this.host}>;tag=${dialog.localTag}`,
      `To: <${dialog.peer}>;tag=${dialog.remoteTag}`,
      `Call-ID: ${dialog.callId}`,
      `CSeq: ${dialog.cseq} ACK`,
    ]);
  }

  /**
   * An attended transfer: REFER in `dialog` whose Refer-To names `consultation` with Replaces (Call-ID, to-tag =
   * Asterisk's tag, from-tag = ours: the dialog as Asterisk holds it). Resolves with the REFER's final status (202).
   */
  async referReplacing(dialog: Dialog, consultation: Dialog, targetUser: string): Promise<number> {
    const replaces = encodeURIComponent(
      `${consultation.callId};to-tag=${consultation.remoteTag};from-tag=${consultation.localTag}`,
    );
    const referTo = `<sip:${targetUser}@${this.host}:${this.port}?Replaces=${replaces}>`;
    const request = (auth?: string) => {
      dialog.cseq += 1;
      this.send([
        `REFER ${dialog.remoteUri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${this.options.localPort};branch=z9hG4bK${token()};rport`,
        'Max-Forwards: 70',
        `From: <sip:${this.options.user}@${this.host}>;tag=${dialog.localTag}`,
        `To: <${dialog.peer}>;tag=${dialog.remoteTag}`,
        `Call-ID: ${dialog.callId}`,
        `CSeq: ${dialog.cseq} REFER`,
        `Contact: ${this.contact}`,
        `Refer-To: ${referTo}`,
        `Referred-By: <sip:${this.options.user}@${this.host}>`,
        ...(auth ? [auth] : []),
      ]);
    };
    const isAnswer = (m: Message) =>
      header(m, 'Call-ID') === dialog.callId && /REFER$/.test(header(m, 'CSeq') ?? '') && statusOf(m) >= 200;
    request();
    let response = await this.next(isAnswer);
    if (statusOf(response) === 401 || statusOf(response) === 407) {
      const challenge = this.challengeOf(response);
      request(
        challenge && `${challenge.name}: ${this.authorization(challenge.value, 'REFER', dialog.remoteUri)}`,
      );
      response = await this.next(isAnswer);
    }
    return statusOf(response);
  }

  /** Resolves once Asterisk sent a BYE in this dialog. */
  async byeIn(dialog: Dialog, timeoutMs = 10_000): Promise<void> {
    if (this.received.some((r) => r.method === 'BYE' && r.callId === dialog.callId)) return;
    await this.next(
      (m) => m.startLine.startsWith('BYE ') && header(m, 'Call-ID') === dialog.callId,
      timeoutMs,
    );
    dialog.state = 'terminated';
  }
}
