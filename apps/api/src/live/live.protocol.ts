import { z } from 'zod';

/**
 * The wire protocol of `WS /api/v1/live` (JSON text frames).
 *
 * Client → server:
 *   { type: 'subscribe', topics: ['events' | 'resources' | 'alerts', ...], agents?: [name or id, ...] }
 *   (may be sent again to change the filter; the first one starts the stream)
 * Server → client:
 *   { type: 'hello', position }                 at once after the upgrade: where the stream starts
 *   { type: 'event', event }                    a StoredEvent, the very body published on SACP_EVENTS
 *   { type: 'alert', event }                    an `alert.*` event, when subscribed to 'alerts'
 *   { type: 'resource', scope, sample }         a monitor sample (scope 'host' or 'agent'); not resumable
 *   { type: 'error', code, message, details? }  a bad frame: the connection stays open
 *   { type: 'resync', reason, position }        then the server closes (code 4008)
 *
 * Positions are event `globalPosition`s. A client remembers the position of the last
 * `event` or `alert` it received (or `hello`'s, or `resync`'s) and reconnects with
 * `?from=<position>`: it then gets every later event once, in order, with no gap.
 * An event is sent once: as `alert` when the client subscribed to alerts, otherwise as
 * `event`. `resync.position` is the last position the server wrote before it; a client
 * that read up to the resync may reconnect from it, any other reloads its state.
 */
export const TOPICS = ['events', 'resources', 'alerts'] as const;
export type Topic = (typeof TOPICS)[number];

export const LiveLimits = {
  /** largest frame a client may send; ws closes the connection (1009) beyond it */
  MAX_CLIENT_FRAME_BYTES: 16 * 1024,
  MAX_AGENTS: 200,
  MAX_AGENT_REF_CHARS: 128,
  /** a client sending this many bad frames is closed (4400) */
  MAX_BAD_FRAMES: 20,
} as const;

export const SubscribeSchema = z
  .object({
    type: z.literal('subscribe'),
    topics: z
      .array(z.enum(TOPICS))
      .min(1, 'name at least one topic')
      .max(TOPICS.length * 2),
    agents: z.array(z.string().min(1).max(LiveLimits.MAX_AGENT_REF_CHARS)).max(LiveLimits.MAX_AGENTS).optional(),
  })
  .strict();
export type Subscribe = z.infer<typeof SubscribeSchema>;

/** Close codes the server uses besides the standard ones. */
export const CloseCodes = {
  /** the credential stopped working (revoked, expired, signed out, user removed) */
  unauthorized: 4401,
  /** the credential works but its role no longer allows watching */
  forbidden: 4403,
  /** too many bad frames */
  protocol: 4400,
  /** after a resync message */
  resync: 4008,
  /** the server is not ready to stream yet (no event feed): try again */
  tryAgain: 1013,
} as const;

export type ClientMessageResult = { ok: true; message: Subscribe } | { ok: false; code: string; message: string; details?: unknown };

/** Parses one client frame; never throws. */
export function parseClientMessage(raw: string): ClientMessageResult {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'FRAME_INVALID', message: 'a frame must be a JSON object, e.g. {"type":"subscribe","topics":["events"]}' };
  }
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (type !== 'subscribe')
    return { ok: false, code: 'FRAME_INVALID', message: `unknown message type ${JSON.stringify(type ?? null)}; the only one a client sends is "subscribe"` };
  const parsed = SubscribeSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join('.'), message: i.message }));
    return { ok: false, code: 'SUBSCRIBE_INVALID', message: `bad subscribe: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, details: { issues } };
  }
  return { ok: true, message: parsed.data };
}

/** `?from=`: a global position (digits), absent for "live from now". */
export function parseFrom(value: string | null): { ok: true; from: string | null } | { ok: false; message: string } {
  if (value === null || value === '') return { ok: true, from: null };
  if (!/^\d{1,19}$/.test(value)) return { ok: false, message: 'from must be an event position (a non-negative integer)' };
  return { ok: true, from: BigInt(value).toString() };
}
