/**
 * The Discord gateway (v10, JSON frames, no compression): HELLO, IDENTIFY → READY +
 * GUILD_CREATE per guild, heartbeats, RESUME with replay of missed dispatches, and hooks
 * for tests to drop connections, ask for a reconnect or invalidate sessions.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { WorldIndex } from './fixtures';
import { guildCreatePayload, userPayload, type Json } from './payloads';
import type { GatewayFrame } from './records';
import { randomToken } from './snowflake';

export const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;
export const PRIVILEGED_INTENTS = Intent.GuildMembers | Intent.GuildPresences | Intent.MessageContent;
const ALL_INTENTS = (1 << 26) - 1;

export interface GatewayOptions {
  idx: WorldIndex;
  heartbeatIntervalMs: number;
  /** privileged intents the application is allowed to use (all by default) */
  allowedPrivilegedIntents: number;
  /** how long a disconnected session stays resumable */
  resumeWindowMs: number;
  /** base ws URL (ws://127.0.0.1:PORT) */
  baseUrl: () => string;
  /** max dispatches kept per session for replay */
  replayBuffer: number;
}

export interface GatewaySession {
  id: string;
  intents: number;
  seq: number;
  buffer: { s: number; t: string; d: Json }[];
  conn: Connection | null;
  ended: boolean;
  disconnectedAt: number | null;
  identifiedAt: number;
  resumes: number;
}

interface Connection {
  id: number;
  ws: WebSocket;
  path: string;
  query: URLSearchParams;
  session: GatewaySession | null;
  heartbeats: number;
}

/** A per-session payload: return null to skip that session (e.g. intent not requested). */
export type PayloadFor = (session: GatewaySession) => Json | null;

export class Gateway {
  readonly frames: GatewayFrame[] = [];
  readonly sessions = new Map<string, GatewaySession>();
  /** every ws connection ever accepted, with the path it used (/gateway or /gateway-resume) */
  readonly connections: { id: number; path: string; query: string; at: number; closedAt: number | null; closeCode: number | null }[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly open = new Map<number, Connection>();
  private nextConnId = 1;
  private ackHeartbeats = true;
  private readonly listeners = new Set<(f: GatewayFrame) => void>();

  constructor(private readonly opts: GatewayOptions) {}

  get url(): string {
    return this.opts.baseUrl() + '/gateway';
  }
  get resumeUrl(): string {
    return this.opts.baseUrl() + '/gateway-resume';
  }

  onFrame(fn: (f: GatewayFrame) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith('/gateway')) {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, url));
  }

  private accept(ws: WebSocket, url: URL): void {
    const conn: Connection = { id: this.nextConnId++, ws, path: url.pathname, query: url.searchParams, session: null, heartbeats: 0 };
    const info = { id: conn.id, path: url.pathname, query: url.search, at: Date.now(), closedAt: null as number | null, closeCode: null as number | null };
    this.connections.push(info);
    this.open.set(conn.id, conn);
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      info.closedAt = Date.now();
      info.closeCode = code;
      this.open.delete(conn.id);
      const s = conn.session;
      if (s && s.conn === conn) {
        s.conn = null;
        s.disconnectedAt = Date.now();
        // Discord ends a session the client closes normally; other closes stay resumable
        if (code === 1000 || code === 1001) s.ended = true;
      }
    });
    const v = url.searchParams.get('v');
    const encoding = url.searchParams.get('encoding') ?? 'json';
    if (v !== null && v !== '10') return this.closeWith(conn, 4012, 'Invalid API version');
    if (encoding !== 'json') return this.closeWith(conn, 4002, 'Only encoding=json is supported by the stand-in');
    this.send(conn, { op: Op.Hello, d: { heartbeat_interval: this.opts.heartbeatIntervalMs, _trace: ['["stand-in",{}]'] }, s: null, t: null });
  }

  private closeWith(conn: Connection, code: number, reason: string): void {
    conn.ws.close(code, reason);
  }

  private record(conn: Connection, direction: 'in' | 'out', p: { op: number; d: unknown; s?: number | null; t?: string | null }): void {
    let d = p.d;
    if (direction === 'in' && (p.op === Op.Identify || p.op === Op.Resume) && d && typeof d === 'object') d = { ...(d as Json), token: '[redacted]' };
    const f: GatewayFrame = { time: Date.now(), connectionId: conn.id, sessionId: conn.session?.id ?? null, direction, op: p.op, t: p.t ?? null, s: p.s ?? null, d };
    this.frames.push(f);
    for (const l of this.listeners) l(f);
  }

  private send(conn: Connection, payload: { op: number; d: unknown; s: number | null; t: string | null }): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    this.record(conn, 'out', payload);
    conn.ws.send(JSON.stringify(payload));
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    let p: { op: number; d: any };
    try {
      if (isBinary) throw new Error('binary');
      p = JSON.parse(data.toString());
      if (typeof p?.op !== 'number') throw new Error('no op');
    } catch {
      return this.closeWith(conn, 4002, 'Error while decoding payload.');
    }
    this.record(conn, 'in', p);
    switch (p.op) {
      case Op.Heartbeat:
        conn.heartbeats++;
        if (this.ackHeartbeats) this.send(conn, { op: Op.HeartbeatAck, d: null, s: null, t: null });
        return;
      case Op.Identify:
        return this.identify(conn, p.d);
      case Op.Resume:
        return this.resume(conn, p.d);
      case Op.PresenceUpdate:
      case Op.VoiceStateUpdate:
      case Op.RequestGuildMembers:
        if (!conn.session) return this.closeWith(conn, 4003, 'Not authenticated.');
        return;
      default:
        return this.closeWith(conn, 4001, 'Unknown opcode.');
    }
  }

  private identify(conn: Connection, d: any): void {
    if (conn.session) return this.closeWith(conn, 4005, 'Already authenticated.');
    if (!d || d.token !== this.opts.idx.world.token) return this.closeWith(conn, 4004, 'Authentication failed.');
    const intents = d.intents;
    if (typeof intents !== 'number' || intents < 0 || (intents & ~ALL_INTENTS) !== 0) return this.closeWith(conn, 4013, 'Invalid intent(s).');
    if ((intents & PRIVILEGED_INTENTS & ~this.opts.allowedPrivilegedIntents) !== 0) return this.closeWith(conn, 4014, 'Disallowed intent(s).');
    if (d.shard && (!Array.isArray(d.shard) || d.shard[0] !== 0 || d.shard[1] !== 1)) return this.closeWith(conn, 4010, 'Invalid shard.');
    const session: GatewaySession = {
      id: randomToken(16),
      intents,
      seq: 0,
      buffer: [],
      conn,
      ended: false,
      disconnectedAt: null,
      identifiedAt: Date.now(),
      resumes: 0,
    };
    this.sessions.set(session.id, session);
    conn.session = session;
    const { world } = this.opts.idx;
    this.push(session, 'READY', {
      v: 10,
      user_settings: {},
      user: { ...userPayload(world.bot), verified: true, mfa_enabled: false, email: null, flags: 0 },
      guilds: world.guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.resumeUrl,
      shard: [0, 1],
      application: { id: world.application.id, flags: world.application.flags },
      private_channels: [],
      relationships: [],
      presences: [],
      geo_ordered_rtc_regions: [],
      guild_join_requests: [],
      auth: {},
      _trace: ['["stand-in",{}]'],
    });
    if (intents & Intent.Guilds) for (const g of world.guilds) this.push(session, 'GUILD_CREATE', guildCreatePayload(this.opts.idx, g));
  }

  private resume(conn: Connection, d: any): void {
    if (conn.session) return this.closeWith(conn, 4005, 'Already authenticated.');
    if (!d || d.token !== this.opts.idx.world.token) return this.closeWith(conn, 4004, 'Authentication failed.');
    const s = this.sessions.get(d.session_id);
    this.expireSessions();
    const seq = typeof d.seq === 'number' ? d.seq : 0;
    const oldest = s?.buffer[0]?.s ?? (s ? s.seq + 1 : 0);
    if (!s || s.ended || seq > s.seq || seq < oldest - 1) {
      this.send(conn, { op: Op.InvalidSession, d: false, s: null, t: null });
      return;
    }
    if (s.conn && s.conn !== conn) {
      const old = s.conn;
      s.conn = null;
      old.session = null;
      old.ws.terminate();
    }
    s.conn = conn;
    s.disconnectedAt = null;
    s.resumes++;
    conn.session = s;
    for (const e of s.buffer) if (e.s > seq) this.send(conn, { op: Op.Dispatch, t: e.t, s: e.s, d: e.d });
    this.push(s, 'RESUMED', { _trace: ['["stand-in",{}]'] });
  }

  private expireSessions(now = Date.now()): void {
    for (const s of this.sessions.values()) {
      if (!s.ended && !s.conn && s.disconnectedAt !== null && now - s.disconnectedAt > this.opts.resumeWindowMs) s.ended = true;
    }
  }

  /** Appends a dispatch to a session (sequence number, replay buffer) and sends it if connected. */
  private push(session: GatewaySession, t: string, d: Json): number {
    const s = ++session.seq;
    session.buffer.push({ s, t, d });
    if (session.buffer.length > this.opts.replayBuffer) session.buffer.shift();
    if (session.conn) this.send(session.conn, { op: Op.Dispatch, t, s, d });
    return s;
  }

  /** Live sessions: connected, or disconnected but still resumable. */
  liveSessions(): GatewaySession[] {
    this.expireSessions();
    return [...this.sessions.values()].filter((s) => !s.ended);
  }

  /**
   * Dispatches an event to every live session (buffered for those that are
   * disconnected, replayed on RESUME). Returns how many sessions it was queued for.
   */
  dispatch(t: string, payload: Json | PayloadFor): number {
    let n = 0;
    for (const s of this.liveSessions()) {
      const d = typeof payload === 'function' ? payload(s) : payload;
      if (!d) continue;
      this.push(s, t, d);
      n++;
    }
    return n;
  }

  /**
   * Drops every gateway connection. Default: the TCP socket is destroyed without a
   * close frame (the client sees 1006 and resumes). With `code` (e.g. 4000) a close
   * frame is sent instead; 1000 would make discord.js re-identify, 4004 stop.
   * Sessions stay resumable; dispatches sent meanwhile are buffered.
   */
  drop(opts: { code?: number; reason?: string } = {}): number {
    let n = 0;
    for (const conn of [...this.open.values()]) {
      const s = conn.session;
      if (s && s.conn === conn) {
        s.conn = null;
        s.disconnectedAt = Date.now();
      }
      conn.session = null;
      if (opts.code !== undefined) conn.ws.close(opts.code, opts.reason ?? 'stand-in drop');
      else conn.ws.terminate();
      n++;
    }
    return n;
  }

  /** Sends op 7 Reconnect to every connection (discord.js closes and resumes). */
  requestReconnect(): void {
    for (const conn of this.open.values()) this.send(conn, { op: Op.Reconnect, d: null, s: null, t: null });
  }

  /** Sends op 9 Invalid Session; with resumable false the sessions end (discord.js re-identifies). */
  invalidateSessions(resumable = false): void {
    for (const conn of this.open.values()) {
      if (!resumable && conn.session) conn.session.ended = true;
      this.send(conn, { op: Op.InvalidSession, d: resumable, s: null, t: null });
    }
  }

  /** Stop (or resume) answering heartbeats, to make the client detect a zombie connection. */
  setHeartbeatAcks(on: boolean): void {
    this.ackHeartbeats = on;
  }

  openConnections(): number {
    return this.open.size;
  }

  close(): void {
    for (const conn of this.open.values()) conn.ws.terminate();
    this.open.clear();
    this.wss.close();
  }
}
