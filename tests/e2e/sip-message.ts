/** SIP messages as text, just enough for the browser tests' fake Asterisk. */
export interface SipMessage {
  method: string | null;
  status: number | null;
  uri: string | null;
  headers: [string, string][];
  body: string;
}

export function parseSip(text: string): SipMessage {
  const split = text.indexOf('\r\n\r\n');
  const [start = '', ...lines] = text.slice(0, split < 0 ? undefined : split).split('\r\n');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
  });
  const body = split < 0 ? '' : text.slice(split + 4);
  if (start.startsWith('SIP/2.0'))
    return { method: null, status: Number(start.split(' ')[1]), uri: null, headers, body };
  const [method = '', uri = ''] = start.split(' ');
  return { method, status: null, uri, headers, body };
}

export const header = (m: SipMessage, name: string) =>
  m.headers.find(([n]) => n === name.toLowerCase())?.[1] ?? '';
export const headers = (m: SipMessage, name: string) =>
  m.headers.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v);

export function serialize(startLine: string, fields: [string, string][], body = ''): string {
  const lines = [
    startLine,
    ...fields.map(([n, v]) => `${n}: ${v}`),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

const fingerprint = Array.from({ length: 32 }, (_, i) =>
  (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0'),
).join(':');

/**
 * A WebRTC-shaped audio SDP (DTLS-SRTP, ICE, rtcp-mux, PCMU) with no ICE candidates: Chrome accepts it and
 * the call is set up in SIP terms, while no media ever flows (so ICE never fails and ends the call).
 */
export function audioSdp(options: { mid: string; setup: 'actpass' | 'active'; direction?: string }): string {
  return [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    `a=group:BUNDLE ${options.mid}`,
    'm=audio 9 UDP/TLS/RTP/SAVPF 0',
    'c=IN IP4 127.0.0.1',
    'a=rtcp:9 IN IP4 127.0.0.1',
    'a=ice-ufrag:fake',
    'a=ice-pwd:fakefakefakefakefakefake',
    `a=fingerprint:sha-256 ${fingerprint}`,
    `a=setup:${options.setup}`,
    `a=mid:${options.mid}`,
    `a=${options.direction ?? 'sendrecv'}`,
    'a=rtcp-mux',
    'a=rtpmap:0 PCMU/8000',
    '',
  ].join('\r\n');
}

/** The answer's direction for an offer's (hold: sendonly → recvonly). */
export function answerDirection(offer: string): string {
  if (/a=sendonly/.test(offer)) return 'recvonly';
  if (/a=inactive/.test(offer)) return 'inactive';
  if (/a=recvonly/.test(offer)) return 'sendonly';
  return 'sendrecv';
}

export const midOf = (sdp: string) => /a=mid:(\S+)/.exec(sdp)?.[1] ?? '0';
