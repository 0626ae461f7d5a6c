import { StringDecoder } from 'node:string_decoder';

export type LogStream = 'stdout' | 'stderr';

export interface LogLine {
  stream: LogStream;
  line: string;
  /** Docker's RFC 3339 timestamp (nanosecond precision) of the log entry */
  ts?: string;
  /** bytes of an endless line dropped past MAX_LINE_CHARS while it was assembled (memory stays bounded) */
  droppedBytes?: number;
}

/** The most of one line kept while it is assembled; the rest is counted, not kept. Well above Limits.LOG_LINE_MAX_BYTES, which every reader cuts to. */
export const MAX_LINE_CHARS = 64 * 1024;

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) ?/;

/**
 * Incrementally turns the bytes of Docker's logs endpoint (requested with
 * timestamps=true) into lines.
 *
 * Without a TTY, Docker multiplexes stdout and stderr into frames: an 8-byte header
 * (byte 0 = stream 1|2, bytes 4..7 = big-endian payload length) and the payload.
 * Each frame is one log entry prefixed with its timestamp; an entry longer than
 * Docker's 16 KiB buffer arrives as several frames, only the last ending in "\n",
 * and every piece carries its own timestamp, which is dropped when it continues a
 * line. With a TTY the body is one raw stream, split only by newlines.
 * HTTP chunks may cut anywhere, including inside a header or a UTF-8 character.
 */
export class LogLineDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private readonly streams = {
    stdout: new LineAssembler('stdout'),
    stderr: new LineAssembler('stderr'),
  };

  constructor(private readonly tty: boolean) {}

  push(chunk: Buffer): LogLine[] {
    if (this.tty) return this.streams.stdout.append(chunk, false);

    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const lines: LogLine[] = [];
    let offset = 0;
    while (this.pending.length - offset >= 8) {
      const streamType = this.pending.readUInt8(offset);
      const length = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - 8 < length) break;
      const payload = this.pending.subarray(offset + 8, offset + 8 + length);
      offset += 8 + length;
      const stream = streamType === 2 ? this.streams.stderr : this.streams.stdout;
      lines.push(...stream.append(payload, true));
    }
    this.pending = this.pending.subarray(offset);
    return lines;
  }

  /** Flushes unterminated last lines when the stream ends. */
  end(): LogLine[] {
    return [...this.streams.stdout.flush(), ...this.streams.stderr.flush()];
  }
}

class LineAssembler {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private dropped = 0;

  constructor(private readonly stream: LogStream) {}

  append(bytes: Buffer, isFrame: boolean): LogLine[] {
    let text = this.decoder.write(bytes);
    // A frame that continues an unterminated entry repeats a timestamp; keep the first.
    if (isFrame && this.partial !== '') text = text.replace(TIMESTAMP, '');
    text = this.partial + text;
    const pieces = text.split('\n');
    this.partial = pieces.pop() ?? '';
    const lines = pieces.map((piece, i) => this.toLine(piece, i === 0 ? this.dropped : 0));
    if (lines.length) this.dropped = 0;
    if (this.partial.length > MAX_LINE_CHARS) {
      this.dropped += Buffer.byteLength(this.partial.slice(MAX_LINE_CHARS), 'utf8');
      this.partial = this.partial.slice(0, MAX_LINE_CHARS);
    }
    return lines;
  }

  flush(): LogLine[] {
    const rest = this.partial + this.decoder.end();
    const dropped = this.dropped;
    this.partial = '';
    this.dropped = 0;
    return rest === '' ? [] : [this.toLine(rest, dropped)];
  }

  private toLine(raw: string, dropped: number): LogLine {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const match = TIMESTAMP.exec(text);
    const cut = dropped > 0 ? { droppedBytes: dropped } : {};
    if (!match) return { stream: this.stream, line: text, ...cut };
    return { stream: this.stream, line: text.slice(match[0].length), ts: match[1], ...cut };
  }
}
