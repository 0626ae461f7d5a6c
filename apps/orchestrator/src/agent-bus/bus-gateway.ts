import { createServer, connect, type Server, type Socket } from 'node:net';
import type { JsonLogger } from '@sacp/platform';

export interface BusGatewayOptions {
  /** the port it listens on, on each network's gateway address (SACP_AGENT_BUS_PORT) */
  port: number;
  /** where NATS listens (the host part of NATS_URL, normally 127.0.0.1) */
  target: { host: string; port: number };
  /** connections at once per address; more are refused (SACP_AGENT_BUS_MAX_CONNECTIONS) */
  maxConnections: number;
}

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
          if (!this.toldElsewhere.has(address)) {
            this.toldElsewhere.add(address);
            this.log.info('agent bus gateway address in use: another replica serves it', { address, port: this.options.port });
          }
          this.listeners.set(address, { state: 'elsewhere' });
          return resolve();
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

  private forward(client: Socket): void {
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
