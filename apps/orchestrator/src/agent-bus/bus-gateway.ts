import { createServer, connect, type Server, type Socket } from 'node:net';
import type { JsonLogger } from '@sacp/platform';

export interface BusGatewayOptions {
  /** the port it listens on, on each network's gateway address (SACP_AGENT_BUS_PORT) */
  port: number;
  /** where NATS listens (the host part of NATS_URL, normally 127.0.0.1) */
  target: { host: string; port: number };
  /** connections at once per address; more are refused (SACP_AGENT_BUS_MAX_CONNECTIONS) */
  maxConnections: number;
  /** our NATS server's id: an address in use must lead to it, or it is someone else's port */
  serverId?: () => string | undefined;
}

/** The server_id in the INFO line a NATS server (or a gateway to one) sends first; null when none comes. */
export function natsServerIdAt(host: string, port: number, timeoutMs = 2000): Promise<string | null> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    let text = '';
    const done = (id: string | null) => (s.destroy(), clearTimeout(timer), resolve(id));
    const timer = setTimeout(() => done(null), timeoutMs);
    s.on('error', () => done(null));
    s.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\r\n');
      if (end < 0) return text.length > 64 * 1024 ? done(null) : undefined;
      const m = /^INFO\s+(\{.*\})\s*$/.exec(text.slice(0, end));
      try {
        done(m ? ((JSON.parse(m[1]!) as { server_id?: string }).server_id ?? null) : null);
      } catch {
        done(null);
      }
    });
  });
}

/** connections at once from one container (an agent needs one; its client reconnecting briefly two) */
export const PER_SOURCE_MAX = 8;

type Listener = { state: 'serving'; server: Server } | { state: 'elsewhere' } | { state: 'binding'; done: Promise<void> };

/**
 * The agent bus gateway: a plain TCP forwarder from `<gateway address>:<port>` of each
 * network agents use to the NATS client port.
 *
 * Why: NATS listens on 127.0.0.1 only, so nothing beyond this machine reaches it, and an
 * agent container cannot reach the host's loopback. A Docker bridge network's gateway
 * address is the host's own address on that bridge: containers on the network (internal
 * networks included; checked on dockerd 20.10 with iptables) reach it, nothing off the
 * machine does. Forwarding bytes keeps NATS's own authentication and permissions the only
 * gate: every agent still logs in with its own credential.
 *
 * Every replica tries to listen; EADDRINUSE means another replica (sharing the host's
 * network) already serves that address, and the caller tries again later.
 */
export class BusGateway {
  private readonly listeners = new Map<string, Listener>();
  private readonly sockets = new Set<Socket>();
  private readonly toldElsewhere = new Set<string>();
  private readonly perSource = new Map<string, number>();
  private readonly toldBusy = new Set<string>();
  private closed = false;

  constructor(
    private readonly options: BusGatewayOptions,
    private readonly log: JsonLogger,
  ) {}

  url(address: string): string {
    return `nats://${address}:${this.options.port}`;
  }

  /** Which addresses this replica serves itself. */
  serving(): string[] {
    return [...this.listeners].filter(([, l]) => l.state === 'serving').map(([a]) => a);
  }

  /** Listens on the address unless it (or another replica) already does. */
  async ensure(address: string): Promise<void> {
    const known = this.listeners.get(address);
    if (known?.state === 'serving') return;
    if (known?.state === 'binding') return known.done;
    const done = this.listen(address);
    this.listeners.set(address, { state: 'binding', done });
    return done;
  }

  /** Stops serving an address (its network is gone). */
  release(address: string): void {
    const l = this.listeners.get(address);
    this.listeners.delete(address);
    if (l?.state === 'serving') l.server.close();
  }

  close(): void {
    this.closed = true;
    for (const address of [...this.listeners.keys()]) this.release(address);
    for (const s of this.sockets) s.destroy();
  }

  private listen(address: string): Promise<void> {
    const server = createServer((client) => this.forward(client));
    server.maxConnections = this.options.maxConnections;
    return new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') {
          this.listeners.set(address, { state: 'elsewhere' });
          return void this.tellElsewhere(address).finally(resolve);
        }
        this.listeners.delete(address);
        reject(new Error(`the agent bus gateway cannot listen on ${address}:${this.options.port}: ${err.message}`));
      });
      server.listen({ host: address, port: this.options.port, exclusive: true }, () => {
        if (this.closed) return (server.close(), resolve());
        server.on('error', (err) => this.log.error('agent bus gateway error', { address, error: err.message }));
        this.listeners.set(address, { state: 'serving', server });
        this.log.info('agent bus gateway listening', { address, port: this.options.port, target: `${this.options.target.host}:${this.options.target.port}` });
        resolve();
      });
    });
  }

  /** Says once who holds the address: another replica (it leads to our NATS) or a stranger (agents there cannot reach the bus). */
  private async tellElsewhere(address: string): Promise<void> {
    const ours = this.options.serverId?.();
    const theirs = ours ? await natsServerIdAt(address, this.options.port) : ours;
    const foreign = ours !== undefined && theirs !== ours;
    const key = `${address} ${foreign}`;
    if (this.toldElsewhere.has(key)) return;
    this.toldElsewhere.add(key);
    if (foreign)
      this.log.error(
        "agent bus gateway address in use by something that is not this control plane's NATS: agents on that network cannot reach the bus; set SACP_AGENT_BUS_PORT to a free port",
        {
          address,
          port: this.options.port,
        },
      );
    else this.log.info('agent bus gateway address in use: another replica serves it', { address, port: this.options.port });
  }

  private forward(client: Socket): void {
    // one agent (one source address) cannot take every connection of its network's gateway
    const from = client.remoteAddress ?? '?';
    const open = this.perSource.get(from) ?? 0;
    if (open >= PER_SOURCE_MAX) {
      client.destroy();
      if (!this.toldBusy.has(from)) {
        this.toldBusy.add(from); // said again only once that address has let go of every connection
        this.log.warn('agent bus gateway: too many connections from one address; refusing more', { from, max: PER_SOURCE_MAX });
      }
      return;
    }
    this.perSource.set(from, open + 1);
    client.once('close', () => {
      const n = (this.perSource.get(from) ?? 1) - 1;
      if (n > 0) this.perSource.set(from, n);
      else {
        this.perSource.delete(from);
        this.toldBusy.delete(from);
      }
    });
    const upstream = connect(this.options.target.port, this.options.target.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => this.sockets.delete(s));
    }
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
