/**
 * Size limits of everything that crosses the bus or lands in the event store. NATS
 * refuses a message over the server's `max_payload` (1 MiB by default, which is what
 * our servers run with); every limit below leaves room under it for headers and the
 * reply envelope, so a request or a reply that passes our own cap always fits.
 */
export const Limits = {
  /** nats-server's default `max_payload`; the servers we start keep it */
  NATS_MAX_PAYLOAD_BYTES: 1024 * 1024,
  /** a whole command envelope as JSON (payload included) */
  COMMAND_MAX_BYTES: 256 * 1024,
  /** a query's request body as JSON */
  QUERY_MAX_BYTES: 16 * 1024,
  /** an event's `data` as JSON */
  EVENT_DATA_MAX_BYTES: 128 * 1024,
  /** an event's `metadata` as JSON */
  EVENT_METADATA_MAX_BYTES: 8 * 1024,
  /** any reply (command or query) as JSON; a larger one is replaced by a REPLY.TOO_LARGE error */
  REPLY_MAX_BYTES: 900 * 1024,
  /** what one page of a paginated query may hold (its items as JSON) */
  PAGE_MAX_BYTES: 512 * 1024,
  /** most items one page may hold; a request may ask for fewer */
  PAGE_MAX_ITEMS: 1000,
  /** one log line as text; longer lines are cut and end with a marker saying how much was cut */
  LOG_LINE_MAX_BYTES: 32 * 1024,
  /** a task's title, in characters */
  TASK_TITLE_MAX_CHARS: 200,
  /** a task's instructions, in characters */
  TASK_INSTRUCTIONS_MAX_CHARS: 20_000,
  /** a task's inputs, and its result, as JSON */
  TASK_JSON_MAX_BYTES: 64 * 1024,
  /** a progress message or a failure reason, in characters */
  TASK_MESSAGE_MAX_CHARS: 1000,
  /** open tasks (queued, assigned or running) one agent or one team may have; task.create past it is refused */
  TASK_OPEN_MAX: 10_000,
} as const;
export type LimitName = keyof typeof Limits;

/** Bytes of a value's JSON form (what goes on the wire). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** The marker a cut log line ends with: `… [cut 12345 bytes]`. */
export const cutMarker = (bytes: number) => ` … [cut ${bytes} bytes]`;

/**
 * A line of at most `max` bytes (UTF-8): longer lines keep their start and end with
 * the cut marker, which counts towards `max`. Never splits a character.
 */
export function truncateLine(line: string, max: number = Limits.LOG_LINE_MAX_BYTES): { line: string; cutBytes: number } {
  const size = Buffer.byteLength(line, 'utf8');
  if (size <= max) return { line, cutBytes: 0 };
  // the marker's own length depends on the number it holds; reserve the widest
  const keep = Math.max(0, max - Buffer.byteLength(cutMarker(size), 'utf8'));
  let head = Buffer.from(line, 'utf8').subarray(0, keep).toString('utf8');
  if (head.endsWith('\uFFFD')) head = head.slice(0, -1); // a character cut in half
  const cutBytes = size - Buffer.byteLength(head, 'utf8');
  return { line: head + cutMarker(cutBytes), cutBytes };
}

/** Why something is over a limit, in words that name the limit. */
export function overLimitMessage(what: string, size: number, limit: LimitName): string {
  return `${what} is ${size} bytes; the limit is ${Limits[limit]} bytes (${limit})`;
}
