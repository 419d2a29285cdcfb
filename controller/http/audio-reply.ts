import { createReadStream } from 'node:fs';
import type { FastifyReply } from 'fastify';
import { AppError } from '../errors.js';

/** `Range: bytes=a-b` of a file of `size` bytes: the part to send, `unsatisfiable`, or undefined (the whole file). */
export function byteRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    // RFC 9110 14.1.1: a suffix range is satisfiable only when it and the file are not empty (an empty file's
    // `bytes=-N` was a read stream from 0 to -1, which Node refuses: a 500).
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * Sends a WAV file (voicemail messages, call recordings): `audio/wav`, `Accept-Ranges`, a `Range` answered 206 with
 * `Content-Range`, an unsatisfiable one 416 `range-not-satisfiable`. Returns the range sent (undefined: the whole).
 */
export function sendWav(
  reply: FastifyReply,
  rangeHeader: string | undefined,
  file: { path: string; size: number },
): { reply: FastifyReply; range: { start: number; end: number } | undefined } {
  const range = byteRange(rangeHeader, file.size);
  if (range === 'unsatisfiable') {
    reply.header('content-range', `bytes */${file.size}`);
    throw new AppError('range-not-satisfiable', `the audio is ${file.size} bytes long`);
  }
  reply.header('content-type', 'audio/wav').header('accept-ranges', 'bytes');
  if (!range)
    return { reply: reply.header('content-length', file.size).send(createReadStream(file.path)), range };
  return {
    reply: reply
      .status(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
      .header('content-length', range.end - range.start + 1)
      .send(createReadStream(file.path, { start: range.start, end: range.end })),
    range,
  };
}
