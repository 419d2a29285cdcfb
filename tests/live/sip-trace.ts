import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Asterisk's own SIP log, read by the live suite: `pjsip set logger pcap <file>` writes every SIP message Asterisk
 * sends or receives, with the moment it did (microseconds), into a pcap file that `pjsip set logger off` closes.
 * Asterisk's CLI is reached with `LIVE_ASTERISK_CLI` (default `asterisk -rx`, Asterisk on this host); the file is
 * written by Asterisk and read here, so both must see the same folder (`LIVE_SIP_TRACE_DIR`, default the tmpdir).
 */
export interface SipMessage {
  /** When Asterisk received or sent it (ms since the epoch, µs precision). */
  at: number;
  /** `in`: Asterisk received it; `out`: Asterisk sent it. */
  direction: 'in' | 'out';
  /** The other side's UDP port (a baresip phone's `sipPort`). */
  peerPort: number;
  startLine: string;
  /** A request's method, e.g. `INVITE`, `NOTIFY` (undefined for a response). */
  method?: string;
  /** A response's status code (undefined for a request). */
  status?: number;
  /** The method a response answers (from CSeq). */
  cseqMethod: string;
  callId: string;
  headers: Record<string, string[]>;
  body: string;
}

const exec = promisify(execFile);
const cliCommand = (process.env.LIVE_ASTERISK_CLI ?? 'asterisk -rx').split(' ').filter(Boolean);

/** Runs one Asterisk CLI command; resolves with its output. */
export async function asteriskCli(command: string): Promise<string> {
  const [file, ...args] = cliCommand;
  const { stdout } = await exec(file!, [...args, command], { timeout: 10_000 });
  return stdout;
}

export interface SipTrace {
  /** Stops logging and returns every message logged since `startSipTrace`, oldest first. */
  stop(): Promise<SipMessage[]>;
}

let traces = 0;

/** Starts logging Asterisk's SIP traffic to a pcap file (only one trace at a time: the logger is Asterisk-wide). */
export async function startSipTrace(): Promise<SipTrace> {
  const file = join(
    process.env.LIVE_SIP_TRACE_DIR ?? tmpdir(),
    `ari-pbx-sip-${process.pid}-${++traces}.pcap`,
  );
  await asteriskCli('pjsip set logger verbose off');
  await asteriskCli(`pjsip set logger pcap ${file}`);
  await asteriskCli('pjsip set logger on');
  return {
    async stop() {
      // `off` closes the pcap file (flushing it) and puts verbose logging back to its default.
      await asteriskCli('pjsip set logger off');
      try {
        return parsePcap(readFileSync(file));
      } finally {
        rmSync(file, { force: true });
      }
    },
  };
}

/** res_pjsip_logger's pcap: a 24-byte file header, then per message a 16-byte record, Ethernet, IPv4, UDP, SIP. */
export function parsePcap(data: Buffer): SipMessage[] {
  const messages: SipMessage[] = [];
  let offset = 24;
  while (offset + 16 <= data.length) {
    const seconds = data.readUInt32LE(offset);
    const micros = data.readUInt32LE(offset + 4);
    const length = data.readUInt32LE(offset + 8);
    const record = data.subarray(offset + 16, offset + 16 + length);
    offset += 16 + length;
    const ipv4 = record.readUInt16BE(12) === 0x0800;
    const ipLength = ipv4 ? 20 : 40;
    const udp = 14 + ipLength;
    const sourcePort = record.readUInt16BE(udp);
    const destinationPort = record.readUInt16BE(udp + 2);
    // Asterisk logs received messages with a source address only, sent ones with a destination only.
    const direction = sourcePort !== 0 ? 'in' : 'out';
    const text = record.subarray(udp + 8).toString('utf8');
    messages.push(
      parseSip(
        text,
        seconds * 1000 + micros / 1000,
        direction,
        direction === 'in' ? sourcePort : destinationPort,
      ),
    );
  }
  return messages;
}

function parseSip(text: string, at: number, direction: 'in' | 'out', peerPort: number): SipMessage {
  const split = text.indexOf('\r\n\r\n');
  const head = split >= 0 ? text.slice(0, split) : text;
  const body = split >= 0 ? text.slice(split + 4) : '';
  const [startLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  const response = /^SIP\/2\.0 (\d{3})/.exec(startLine);
  const cseq = headers.cseq?.[0] ?? '';
  return {
    at,
    direction,
    peerPort,
    startLine,
    ...(response ? { status: Number(response[1]) } : { method: startLine.split(' ')[0] }),
    cseqMethod: cseq.split(/\s+/)[1] ?? '',
    callId: headers['call-id']?.[0] ?? '',
    headers,
    body,
  };
}

/** The first message matching, or undefined. */
export const findSip = (messages: SipMessage[], match: (m: SipMessage) => boolean) => messages.find(match);
