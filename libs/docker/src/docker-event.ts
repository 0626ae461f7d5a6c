import { StringDecoder } from 'node:string_decoder';

/**
 * One entry of Docker's event stream, as plain data. Events are hints that
 * something changed (the engine keeps only 256 and drops slow readers); the
 * orchestrator re-reads the truth with inspect/listByLabels.
 */
export interface DockerEvent {
  /** container | image | network | volume | daemon | ... */
  type: string;
  /** create | start | die | stop | kill | oom | health_status: healthy | destroy | ... */
  action: string;
  /** id of the container / network / volume the event is about */
  actorId: string;
  /** labels of the object plus event details (name, image, exitCode, ...) */
  attributes: Record<string, string>;
  scope?: string;
  /** ISO time, millisecond precision */
  time: string;
  /** nanoseconds since the epoch as a decimal string; pass to `since` to resume */
  timeNano: string;
}

interface RawEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  scope?: string;
  time?: number;
}

/** Splits the newline-delimited JSON body of /events into DockerEvents. */
export class DockerEventDecoder {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  push(chunk: Buffer): DockerEvent[] {
    const text = this.partial + this.decoder.write(chunk);
    const pieces = text.split('\n');
    this.partial = pieces.pop() ?? '';
    return pieces.flatMap((piece) => parseEvent(piece));
  }
}

function parseEvent(line: string): DockerEvent[] {
  if (line.trim() === '') return [];
  let raw: RawEvent;
  try {
    raw = JSON.parse(line) as RawEvent;
  } catch {
    return [];
  }
  // timeNano exceeds 2^53 and JSON.parse rounds it, so read its digits from the text.
  const seconds = raw.time ?? 0;
  const timeNano = /"timeNano"\s*:\s*(\d+)/.exec(line)?.[1] ?? `${seconds}000000000`;
  const millis = Number(BigInt(timeNano) / 1_000_000n);
  return [
    {
      type: raw.Type ?? 'unknown',
      action: raw.Action ?? raw.status ?? 'unknown',
      actorId: raw.Actor?.ID ?? raw.id ?? '',
      attributes: { ...(raw.Actor?.Attributes ?? {}) },
      ...(raw.scope ? { scope: raw.scope } : {}),
      time: new Date(millis || seconds * 1000).toISOString(),
      timeNano,
    },
  ];
}
