/**
 * The live connection (WebSocket /api/v1/live): subscribes to events, resource samples
 * and alert changes, remembers the last event position it saw, and after a drop
 * reconnects by itself (back-off with jitter, capped) resuming from that position, so
 * nothing is missed and nothing arrives twice. A `resync` from the server (this client
 * fell too far behind) tells the views to reload what they show.
 */
import type { AgentSample, HostSample, StoredEvent } from './types';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export type LiveMessage =
  /** `gap` (added here): the page's first connection, or one that could not resume from an event seen before: what happened before it may have been missed */
  | { type: 'hello'; position: string; gap?: boolean }
  | { type: 'event'; event: StoredEvent }
  | { type: 'resource'; sample: AgentSample | HostSample }
  | { type: 'alert'; [k: string]: unknown }
  | { type: 'resync'; reason: string; position: string };

type Listener = (message: LiveMessage) => void;

export class LiveConnection {
  state: LiveState = 'offline';
  /** when the next attempt is due, while reconnecting */
  retryAt: number | null = null;
  private socket: WebSocket | null = null;
  private position: string | null = null;
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;
  private readonly listeners = new Set<Listener>();
  private readonly stateListeners = new Set<(s: LiveState) => void>();

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close(1000, 'signed out');
    this.socket = null;
    this.setState('offline');
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onState(listener: (s: LiveState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private connect(): void {
    this.setState(this.attempts === 0 ? 'connecting' : 'reconnecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const from = this.position ? `?from=${encodeURIComponent(this.position)}` : '';
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/live${from}`);
    this.socket = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: 'subscribe', topics: ['events', 'resources', 'alerts'] }));
    };
    socket.onmessage = (m: MessageEvent<string>) => this.receive(m.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (!this.stopped) this.scheduleReconnect();
    };
    socket.onerror = () => socket.close();
  }

  private receive(raw: string): void {
    let message: LiveMessage;
    try {
      message = JSON.parse(raw) as LiveMessage;
    } catch {
      return;
    }
    if (message.type === 'hello') {
      // no position yet: the page's first connection. Whatever was committed between the page
      // reading its lists and this hello came before the live feed starts, so it is a gap
      // the page closes by reading its lists once more (a reconnect resumes instead)
      message.gap = this.position === null;
      this.attempts = 0;
      this.position ??= message.position;
      this.setState('live');
    } else if (message.type === 'event') {
      this.position = message.event.globalPosition;
    } else if (message.type === 'resync') {
      // the server cut us off: reload the views, then follow from where it says
      this.position = message.position;
    }
    for (const l of this.listeners) l(message);
  }

  private scheduleReconnect(): void {
    this.attempts += 1;
    const delay = Math.min(10_000, 300 * 2 ** Math.min(this.attempts, 6)) * (0.5 + Math.random() / 2);
    this.retryAt = Date.now() + delay;
    this.setState('reconnecting');
    this.timer = setTimeout(() => {
      this.retryAt = null;
      this.connect();
    }, delay);
  }

  private setState(state: LiveState): void {
    this.state = state;
    for (const l of this.stateListeners) l(state);
  }
}

export const live = new LiveConnection();
