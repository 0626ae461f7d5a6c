/** What the stand-in remembers: requests, gateway frames, messages, interactions, commands. */
import type { Json } from './payloads';

export interface RecordedRequest {
  seq: number;
  method: string;
  /** decoded path below /api/v10, e.g. /webhooks/1/abc/messages/@original */
  path: string;
  /** path as it arrived on the wire (percent-encoded) */
  rawPath: string;
  /** route key, e.g. "POST /channels/:channelId/messages"; null for unknown routes */
  route: string | null;
  params: Record<string, string>;
  query: Record<string, string>;
  /** lower-case header names; Authorization is redacted (see `auth`) */
  headers: Record<string, string>;
  auth: 'valid' | 'invalid' | 'missing';
  body: unknown;
  files: { field: string; filename: string; size: number }[];
  /** ms since epoch when the request arrived */
  time: number;
  status: number;
  responseBody: unknown;
}

export interface GatewayFrame {
  time: number;
  connectionId: number;
  sessionId: string | null;
  direction: 'in' | 'out';
  op: number;
  t: string | null;
  s: number | null;
  /** payload; the token of IDENTIFY/RESUME is redacted */
  d: unknown;
}

export interface StoredMessage {
  message: Json;
  channelId: string;
  source: 'bot' | 'user' | 'webhook' | 'interaction';
  ephemeral: boolean;
  deleted: boolean;
  /** every version, first the created one */
  versions: { at: number; message: Json }[];
  interactionId?: string;
}

/** A DM channel between the bot and one user (POST /users/@me/channels), one per user. */
export interface DmChannelRecord {
  id: string;
  /** the recipient */
  userId: string;
  createdAt: number;
  /** successful POST /users/@me/channels answers for this user (the first one created the channel) */
  opens: number;
  /** DELETE /channels/:id ("close DM") answers; the channel and its id survive, as on Discord */
  closes: number;
  lastMessageId: string | null;
}

export interface InteractionRecord {
  id: string;
  token: string;
  /** 2 application command, 3 component, 4 application command autocomplete, 5 modal submit */
  type: number;
  payload: Json;
  firstDispatchedAt: number;
  deliveries: number;
  ack: { type: number; at: number } | null;
  callbacks: { type: number; data: unknown; at: number; status: number; code?: number }[];
  /** the response message (callback 4/5) or, for components acknowledged with 6/7, the component's message */
  originalMessageId: string | null;
  followUpIds: string[];
  /** autocomplete (type 4) only: the choices of the accepted type-8 callback, null while unanswered */
  choices?: AutocompleteChoice[] | null;
}

/** One choice of an APPLICATION_COMMAND_AUTOCOMPLETE_RESULT (callback type 8), as the bot sent it. */
export interface AutocompleteChoice {
  name: string;
  value: string | number;
  name_localizations?: Record<string, string> | null;
}

export interface CommandRecord {
  scope: 'global' | (string & Record<never, never>); // or a guild id
  command: Json;
}

/** A discord-style error reply. */
export function apiError(status: number, code: number, message: string, extra: Json = {}): { status: number; body: Json } {
  return { status, body: { message, code, ...extra } };
}
