import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { WebSocketServer, type WebSocket } from 'ws';
import { Metrics, type JsonLogger } from '@sacp/platform';
import { LOGGER } from '@sacp/platform/nest';
import { hasBearer, LiveAuth, mayWatch, originAllowed, type LivePrincipal } from './live-auth';
import { LiveConnection, type LiveSettings } from './live-connection';
import { LiveFeed } from './live-feed';
import { LiveHistory } from './live-history';
import { CloseCodes, LiveLimits, parseFrom } from './live.protocol';
import type { Position } from './resume-cursor';

export const LIVE_PATH = '/api/v1/live';
export const LIVE_SETTINGS = Symbol('LIVE_SETTINGS');
export type LiveServerSettings = LiveSettings & { allowedOrigins: string[]; recheckMs: number };

/**
 * `WS /api/v1/live`: a plain `ws` server on the API's HTTP server, not a Nest gateway.
 * The gateway API (WsAdapter) routes `{event, data}` frames to handlers and decides on
 * an upgrade only through a static `verifyClient` option; this endpoint has to answer
 * the upgrade itself after an async credential check (401/403 with the API's error
 * body), pace every socket by its `bufferedAmount`, and speak its own `{type}` frames,
 * so it takes the `upgrade` event directly. Everything else is Nest: it is a provider
 * with injected auth, feed and store, started and stopped with the application.
 */
@Injectable()
export class LiveServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: LiveLimits.MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false });
  private readonly connections = new Set<LiveConnection>();
  private server: Server | null = null;
  private recheck: NodeJS.Timeout | null = null;
  private rechecking = false;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(req, socket, head);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly auth: LiveAuth,
    private readonly feed: LiveFeed,
    private readonly history: LiveHistory,
    @Inject(LIVE_SETTINGS) private readonly settings: LiveServerSettings,
    @Inject(LOGGER) private readonly log: JsonLogger,
  ) {}

  get size(): number {
    return this.connections.size;
  }

  onApplicationBootstrap(): void {
    this.server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
    this.recheck = setInterval(() => void this.recheckAll(), this.settings.recheckMs);
    this.recheck.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.recheck) clearInterval(this.recheck);
    this.server?.off('upgrade', this.onUpgrade);
    for (const c of [...this.connections]) c.close(1001, 'server shutting down', 500);
    this.wss.close();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== LIVE_PATH) {
      // nothing else here speaks WebSocket; an upgrade nobody answers would hang
      if (this.server?.listenerCount('upgrade') === 1) refuse(socket, 404, 'NOT_FOUND', `no WebSocket at ${url.pathname}; the live feed is at ${LIVE_PATH}`);
      return;
    }
    try {
      const from = parseFrom(url.searchParams.get('from'));
      if (!from.ok) return refuse(socket, 400, 'REQUEST_INVALID', from.message);
      if (!hasBearer(req.headers) && req.headers.cookie && !originAllowed(req.headers, this.settings.allowedOrigins))
        return refuse(socket, 403, 'ORIGIN_FORBIDDEN', 'a cookie-authenticated WebSocket must come from a page of this site');
      const principal = await this.auth.authenticate(req.headers);
      if (!principal) return refuse(socket, 401, 'AUTH_REQUIRED', 'sign in, or send Authorization: Bearer <API token>');
      if (!mayWatch(principal.role)) return refuse(socket, 403, 'ROLE_FORBIDDEN', 'the live feed needs the viewer role');
      if (!(await withTimeout(this.feed.whenReady, 5000))) return refuse(socket, 503, 'LIVE_UNAVAILABLE', 'the event feed is not connected yet; try again');
      const start = from.from === null ? this.feed.head : await this.history.positionOf(from.from);
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, principal, start, from.from));
    } catch (err) {
      this.log.warn('live upgrade failed', { error: err });
      refuse(socket, 503, 'LIVE_UNAVAILABLE', 'the live feed cannot start now; try again');
    }
  }

  private accept(ws: WebSocket, req: IncomingMessage, principal: LivePrincipal, start: Position | null, from: string | null): void {
    const credential = { authorization: req.headers.authorization, cookie: req.headers.cookie };
    const conn = new LiveConnection(ws, principal, credential, start ?? this.feed.head, this.history, this.settings, this.log, (c) => {
      if (this.connections.delete(c)) {
        unlisten();
        Metrics.liveConnections.dec();
      }
    });
    this.connections.add(conn);
    Metrics.liveConnections.inc();
    const unlisten = this.feed.listen(conn);
    // a position this store never had (another installation's, or made up): start over from a snapshot
    if (!start) conn.resync(`unknown-position:${from}`.slice(0, 60));
  }

  /**
   * Every second: each credential (once per distinct one) is checked again, as on
   * every REST request; a connection whose credential stopped working is closed with
   * 4401, one whose role no longer allows watching with 4403. When the check itself
   * fails (Postgres unreachable) for 5 rounds in a row, the connection is closed too.
   */
  private async recheckAll(): Promise<void> {
    Metrics.liveBufferedBytes.set([...this.connections].reduce((n, c) => n + c.bufferedAmount, 0));
    if (this.rechecking || !this.connections.size) return;
    this.rechecking = true;
    try {
      const checks = new Map<string, Promise<LivePrincipal | null>>();
      await Promise.all(
        [...this.connections]
          .filter((c) => c.open)
          .map(async (c) => {
            const key = `${c.credential.authorization ?? ''}\n${c.credential.cookie ?? ''}`;
            let check = checks.get(key);
            if (!check) checks.set(key, (check = this.auth.authenticate(c.credential)));
            try {
              const p = await check;
              c.checkFailures = 0;
              if (!p || p.kind !== c.principal.kind || p.id !== c.principal.id) c.close(CloseCodes.unauthorized, 'credential revoked or expired', 1000);
              else if (!mayWatch(p.role)) c.close(CloseCodes.forbidden, 'role no longer allows watching', 1000);
            } catch (err) {
              if (++c.checkFailures >= 5) {
                this.log.warn('cannot re-check a live client credential; closing it', { error: err });
                c.close(1011, 'cannot check the credential', 1000);
              }
            }
          }),
      );
    } finally {
      this.rechecking = false;
    }
  }
}

function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ code, message });
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Error';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

async function withTimeout(p: Promise<void>, ms: number): Promise<boolean> {
  let t: NodeJS.Timeout | undefined;
  const ok = await Promise.race([p.then(() => true), new Promise<boolean>((r) => (t = setTimeout(() => r(false), ms)))]);
  clearTimeout(t);
  return ok;
}
