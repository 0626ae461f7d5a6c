import type { RawData, WebSocket } from 'ws';
import { bodyOmittedStandIn, type StoredEvent } from '@sacp/events';
import { Metrics, type JsonLogger } from '@sacp/platform';
import type { FeedEvent, FeedListener, ResourceSample } from './live-feed';
import { LiveFilter } from './live-filter';
import type { LivePrincipal } from './live-auth';
import { CloseCodes, LiveLimits, parseClientMessage, type Subscribe } from './live.protocol';
import { ResumeCursor, type Position } from './resume-cursor';
import { SendBudget, type BufferLimits } from './send-budget';

export interface LiveSettings {
  buffer: BufferLimits;
  /** events read from the store per page while catching up */
  pageSize: number;
  /** most events one catch-up may replay; further behind is a resync ('too-far-behind') */
  maxCatchUp: number;
  /** how long a catch-up waits for a client to read what it was sent before a resync */
  stallMs: number;
  /** how long a client told to resync has to read it before its socket is cut */
  graceMs: number;
  /** an event from the store larger than this is sent as the relay's stand-in (the body the bus carries) */
  maxEventBytes: number;
}

export interface LiveSources {
  readAfter(position: Position, limit: number): Promise<StoredEvent[]>;
  agentIds(refs: readonly string[]): Promise<string[]>;
}

type Sendable = 'hello' | 'event' | 'alert' | 'resource' | 'error' | 'resync';

/**
 * One client of `/api/v1/live`: its position, its filter, the catch-up from the store
 * and the switch to the live feed (see ResumeCursor for the race), and its send
 * budget. It never holds a queue: a frame goes to the socket or the client is told to
 * resync. Every exit path (close, resync, error) ends in the socket's close event, which
 * runs `finish` once.
 */
export class LiveConnection implements FeedListener {
  private readonly budget: SendBudget;
  private readonly cursor: ResumeCursor;
  /** the newest position whose events (those the filter wants) were all handed to the socket */
  private delivered: Position;
  private filter: LiveFilter | null = null;
  private catchUpStarted = false;
  private closing = false;
  private badFrames = 0;
  private killTimer: NodeJS.Timeout | null = null;
  checkFailures = 0;

  constructor(
    private readonly ws: WebSocket,
    readonly principal: LivePrincipal,
    /** the credential, as the periodic re-check needs it */
    readonly credential: { authorization?: string; cookie?: string },
    start: Position,
    private readonly sources: LiveSources,
    private readonly settings: LiveSettings,
    private readonly log: JsonLogger,
    private readonly onFinish: (c: LiveConnection) => void,
  ) {
    this.budget = new SendBudget(settings.buffer);
    this.cursor = new ResumeCursor(start);
    this.delivered = start;
    ws.on('message', (data, isBinary) => this.onFrame(isBinary ? null : text(data)));
    ws.on('close', () => this.finish());
    ws.on('error', (err) => this.log.debug('live socket error', { error: err.message }));
    this.send({ type: 'hello', position: start.globalPosition }, 'hello');
  }

  get open(): boolean {
    return !this.closing;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  // --- from the live feed -------------------------------------------------

  event(e: FeedEvent): void {
    if (this.closing || !this.cursor.offerLive(e.position)) return;
    const kind = this.filter?.classify(e.event) ?? null;
    if (kind && !this.sendFrame(e.frame(kind), kind)) return;
    this.delivered = e.position;
  }

  resource(s: ResourceSample): void {
    if (this.closing || !this.filter?.wantsResource(s.agentId)) return;
    this.sendFrame(s.frame, 'resource', true);
  }

  // --- from the client ----------------------------------------------------

  private onFrame(raw: string | null): void {
    if (this.closing) return;
    const parsed = raw === null ? ({ ok: false, code: 'FRAME_INVALID', message: 'binary frames are not understood; send JSON text' } as const) : parseClientMessage(raw);
    if (!parsed.ok) {
      this.send({ type: 'error', code: parsed.code, message: parsed.message, ...('details' in parsed ? { details: parsed.details } : {}) }, 'error');
      if (++this.badFrames >= LiveLimits.MAX_BAD_FRAMES) this.close(CloseCodes.protocol, 'too many bad frames');
      return;
    }
    void this.subscribe(parsed.message).catch((err: unknown) => {
      this.log.warn('live subscribe failed', { error: err });
      this.resync('unavailable');
    });
  }

  private async subscribe(s: Subscribe): Promise<void> {
    const ids = s.agents?.length ? await this.sources.agentIds(s.agents) : [];
    if (this.closing) return;
    this.filter = new LiveFilter(s.topics, s.agents, ids);
    if (this.catchUpStarted) return;
    this.catchUpStarted = true;
    await this.catchUp();
  }

  /** Reads the store from the client's position until it meets the live feed (ResumeCursor), pacing itself to the client. */
  private async catchUp(): Promise<void> {
    const { pageSize, maxCatchUp } = this.settings;
    let replayed = 0;
    while (!this.closing) {
      if (!(await this.drained())) return;
      const page = await this.sources.readAfter(this.cursor.position, pageSize);
      if (this.closing) return;
      const deliver = this.cursor.take(page);
      for (const e of deliver) {
        const kind = this.filter!.classify(e);
        if (kind) {
          const frame = this.storedFrame(kind, e);
          // a catch-up paces itself: it waits for the client rather than overflow
          if (this.budget.admit(this.ws.bufferedAmount, Buffer.byteLength(frame)) !== 'send' && !(await this.drained())) return;
          if (!this.sendFrame(frame, kind)) return;
        }
        this.delivered = e;
      }
      // synchronously after the last send: no live event can come between (ResumeCursor)
      if (this.cursor.goLive(page.length === pageSize)) return;
      if ((replayed += deliver.length) > maxCatchUp) return this.resync('too-far-behind');
      // a short page that has not reached the live feed's newest event: that event is committed, read again shortly
      if (page.length < pageSize) await sleep(20);
    }
  }

  private storedFrame(kind: 'event' | 'alert', e: StoredEvent): string {
    const frame = JSON.stringify({ type: kind, event: e });
    const bytes = Buffer.byteLength(frame);
    return bytes <= this.settings.maxEventBytes ? frame : JSON.stringify({ type: kind, event: bodyOmittedStandIn(e, Buffer.byteLength(JSON.stringify(e))) });
  }

  /** Waits until the client has read most of what it was sent; false (after a resync) when it stalls. */
  private async drained(): Promise<boolean> {
    const until = Date.now() + this.settings.stallMs;
    while (!this.budget.drained(this.ws.bufferedAmount)) {
      if (this.closing) return false;
      if (Date.now() > until) {
        this.resync('slow-consumer');
        return false;
      }
      await sleep(10);
    }
    return !this.closing;
  }

  // --- sending and closing ------------------------------------------------

  private send(message: Record<string, unknown>, type: Sendable): boolean {
    return this.sendFrame(JSON.stringify(message), type);
  }

  /** Hands a frame to the socket within the budget; false when the connection is (now) closing. */
  private sendFrame(frame: string, type: Sendable, lossy = false): boolean {
    if (this.closing) return false;
    const admission = this.budget.admit(this.ws.bufferedAmount, Buffer.byteLength(frame), lossy);
    if (admission === 'drop') return true;
    if (admission === 'overflow') {
      this.resync('slow-consumer');
      return false;
    }
    this.write(frame, type);
    return true;
  }

  private write(frame: string, type: Sendable): void {
    this.budget.sending();
    this.ws.send(frame, () => this.budget.written());
    Metrics.liveMessages.inc({ type });
  }

  /**
   * Tells the client to resync from the last position it was fully sent, and closes.
   * The resync frame goes out past the budget (it is small and the last one); a client
   * that does not read it within the grace time is cut off, so its buffer is freed.
   */
  resync(reason: string): void {
    if (this.closing) return;
    Metrics.liveResyncs.inc({ reason });
    this.log.info('live client told to resync', { reason, principal: this.principal.name, position: this.delivered.globalPosition, buffered: this.ws.bufferedAmount });
    this.write(JSON.stringify({ type: 'resync', reason, position: this.delivered.globalPosition }), 'resync');
    this.close(CloseCodes.resync, reason);
  }

  /** Closes; the connection counts (and its buffer with it) until the socket is gone: after the close handshake or `graceMs`. */
  close(code: number, reason: string, graceMs = this.settings.graceMs): void {
    if (this.closing) return;
    this.closing = true;
    try {
      this.ws.close(code, reason.slice(0, 120));
    } catch {
      // already closed
    }
    this.killTimer = setTimeout(() => this.ws.terminate(), graceMs);
  }

  private finish(): void {
    if (this.killTimer) clearTimeout(this.killTimer);
    this.closing = true;
    this.onFinish(this);
  }
}

const text = (d: RawData) => (Buffer.isBuffer(d) ? d : Array.isArray(d) ? Buffer.concat(d) : Buffer.from(d)).toString('utf8');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
