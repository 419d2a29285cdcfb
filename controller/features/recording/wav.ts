/**
 * WAV files as Asterisk's `wav` format writes them (PCM, 8 kHz 16-bit mono; other PCM formats are read as they say):
 * the PCM of each segment, and one file holding every segment in order. Pure functions on buffers.
 */

export interface PcmFormat {
  channels: number;
  rate: number;
  bits: number;
}

export interface Pcm {
  format: PcmFormat;
  data: Buffer;
}

/** The format and samples of a RIFF/WAVE PCM file; undefined when it is not one. */
export function readWav(file: Buffer): Pcm | undefined {
  if (file.length < 12 || file.toString('ascii', 0, 4) !== 'RIFF' || file.toString('ascii', 8, 12) !== 'WAVE')
    return undefined;
  let format: PcmFormat | undefined;
  let at = 12;
  while (at + 8 <= file.length) {
    const id = file.toString('ascii', at, at + 4);
    const size = file.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ' && body + 16 <= file.length) {
      if (file.readUInt16LE(body) !== 1) return undefined;
      format = {
        channels: file.readUInt16LE(body + 2),
        rate: file.readUInt32LE(body + 4),
        bits: file.readUInt16LE(body + 14),
      };
    } else if (id === 'data' && format) {
      return { format, data: file.subarray(body, Math.min(file.length, body + size)) };
    }
    at = body + size + (size % 2);
  }
  return undefined;
}

export const bytesPerSecond = (f: PcmFormat): number => f.rate * f.channels * (f.bits / 8);

export const secondsOf = (pcm: Pcm): number => pcm.data.length / bytesPerSecond(pcm.format);

/** A canonical 44-byte-header WAV of these samples. */
export function writeWav(pcm: Pcm): Buffer {
  const { format, data } = pcm;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(format.channels, 22);
  header.writeUInt32LE(format.rate, 24);
  header.writeUInt32LE(bytesPerSecond(format), 28);
  header.writeUInt16LE(format.channels * (format.bits / 8), 32);
  header.writeUInt16LE(format.bits, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

const sameFormat = (a: PcmFormat, b: PcmFormat) =>
  a.rate === b.rate && a.channels === b.channels && a.bits === b.bits;

/**
 * The recording's file with one more segment at its end: where the segment begins and how long it is. A segment
 * whose format differs from the file's, or that is no WAV, is refused (`undefined`).
 */
export function appendSegment(
  recording: Buffer | undefined,
  segment: Buffer,
): { file: Buffer; offsetSeconds: number; durationSeconds: number } | undefined {
  const added = readWav(segment);
  if (!added) return undefined;
  const before = recording ? readWav(recording) : undefined;
  if (before && !sameFormat(before.format, added.format)) return undefined;
  const data = before ? Buffer.concat([before.data, added.data]) : added.data;
  return {
    file: writeWav({ format: added.format, data }),
    offsetSeconds: before ? secondsOf(before) : 0,
    durationSeconds: secondsOf(added),
  };
}
