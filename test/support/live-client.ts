import WebSocket from 'ws';

export type LiveMessage = { type: string; [k: string]: unknown };

/** A WebSocket client of `/api/v1/live` for tests and the bench: every message kept, waits by predicate. */
export class LiveClient {
  readonly messages: LiveMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse((data as Buffer).toString('utf8')) as LiveMessage);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => (resolve({ code, reason: String(reason) }), this.waiters.splice(0).forEach((w) => w()))));
  }

  static url(port: number, from?: string): string {
    return `ws://127.0.0.1:${port}/api/v1/live${from !== undefined ? `?from=${from}` : ''}`;
  }

  /** Opens a connection; rejects with the HTTP status and body when the upgrade is refused. */
  static connect(port: number, o: { token?: string; from?: string; headers?: Record<string, string> } = {}): Promise<LiveClient> {
    const headers = { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers };
    const ws = new WebSocket(LiveClient.url(port, o.from), { headers });
    const client = new LiveClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += String(d)));
        res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode} ${body}`), { status: res.statusCode, body })));
      });
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  subscribe(topics: string[] = ['events'], agents?: string[]): void {
    this.send({ type: 'subscribe', topics, ...(agents ? { agents } : {}) });
  }

  /** Resolves with the first message from index `from` on that matches, or rejects after `timeoutMs`. */
  async next(match: (m: LiveMessage) => boolean, timeoutMs = 10_000, from = 0): Promise<LiveMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (this.ws.readyState >= WebSocket.CLOSING && this.ws.readyState !== WebSocket.OPEN) throw new Error(`closed before a matching message; got ${this.summary()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; got ${this.summary()}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }

  /** Waits until `predicate(messages)` holds. */
  async until(predicate: (all: LiveMessage[]) => boolean, timeoutMs = 10_000): Promise<void> {
    await this.next(() => predicate(this.messages), timeoutMs);
  }

  events(type?: string): { globalPosition: string; eventId: string; type: string; data: unknown }[] {
    return this.messages
      .filter((m) => m.type === 'event' || m.type === 'alert')
      .map((m) => m.event as { globalPosition: string; eventId: string; type: string; data: unknown })
      .filter((e) => !type || e.type === type);
  }

  private summary(): string {
    return `${this.messages.length} messages (${this.messages
      .slice(-3)
      .map((m) => JSON.stringify(m).slice(0, 160))
      .join(', ')})`;
  }

  close(): void {
    this.ws.close();
  }
}
