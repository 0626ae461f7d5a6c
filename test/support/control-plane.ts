import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Pool } from 'pg';
import { requestJson } from '@sacp/bus';
import { type Actor, type AgentStatusView, type QueryType, type CommandType, type CommandReply, type QueryReply, Subjects } from '@sacp/events';
import { DockerDriver } from '@sacp/docker';
import type { DataSource } from 'typeorm';
import { PgEventStore } from '@sacp/event-store';
import { migrateWith } from '@sacp/event-store/nest';
import { testDataSource } from './event-store';
import { createTestDatabase, testPool } from './postgres';
import { startNats, type TestNats } from './nats-server';
import { freePort, waitFor } from './ports';
import { REPO_ROOT, ServiceProcess } from './service-process';

export const FIXTURE_CONFIG_DIR = resolve(REPO_ROOT, 'test/fixtures/configs');
export const TEST_ACTOR = { kind: 'cli' as const, id: 'tester', displayName: 'Test Operator' };
/** the monitor's actor: `cp.command(type, payload, { actor: MONITOR_TEST_ACTOR })` sends as the monitor's credential */
export const MONITOR_TEST_ACTOR = { kind: 'system' as const, id: 'monitor', displayName: 'monitor' };

export interface ControlPlaneOptions {
  configDir?: string;
  orchestrators?: number;
  monitors?: number;
  env?: Record<string, string>;
  /** false: leave the database unmigrated (the owner migrates it before any service starts otherwise) */
  migrate?: boolean;
  /** the SACP_INSTANCE name; default a unique one (two control planes may share a name and differ by store) */
  instance?: string;
}

/**
 * A whole control plane for one test file: its own database, its own NATS with
 * JetStream, real orchestrator processes, and a Docker instance label so cleanup
 * removes exactly what this file created.
 */
export class TestControlPlane {
  orchestrators: ServiceProcess[] = [];
  monitors: ServiceProcess[] = [];
  gateways: ServiceProcess[] = [];
  nc!: NatsConnection;
  /** the test's own view of the database (the test admin: the owner's rights, may end the services' connections) */
  pool!: Pool;
  nats!: TestNats;
  /** the agent bus gateway's port (SACP_AGENT_BUS_PORT), shared by this control plane's orchestrators */
  agentBusPort?: number;
  /** the services' role (DATABASE_URL): may append and read, never rewrite */
  databaseUrl = '';
  /** the owner, who migrated the database before any service started (DATABASE_MIGRATION_URL) */
  migrationUrl = '';
  readonly instance: string;
  readonly docker = DockerDriver.connect();
  readonly secretKey = randomBytes(32).toString('base64');
  private dropDb: (() => Promise<void>) | null = null;
  private adminUrl = '';
  private dataSource: DataSource | null = null;

  constructor(private readonly options: ControlPlaneOptions = {}) {
    this.instance = options.instance ?? `t${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  }

  /** The event store, written by the test itself (as the test admin) beside the services. */
  async eventStore(): Promise<PgEventStore> {
    this.dataSource ??= await testDataSource(this.adminUrl);
    return new PgEventStore(this.dataSource);
  }

  /** The event store's own id (migration 010): the `sacp.store` label of its containers. */
  async storeId(): Promise<string> {
    const { rows } = await this.pool.query<{ store_id: string }>('select store_id from store_identity');
    return rows[0]!.store_id;
  }

  /**
   * What every service process shares, without a bus credential: a test that starts a
   * service itself uses `serviceEnv(role)`, which adds that service's own, so a
   * service started with this alone stops at once naming NATS_CREDENTIALS_FILE.
   */
  get env(): Record<string, string> {
    const { NATS_CREDENTIALS_FILE: _none, ...shared } = this.serviceEnv('cli');
    return shared;
  }

  /** A service's environment with its own NATS credential (`orchestrator`, `monitor`, ...), as up.sh and compose give it. */
  serviceEnv(role: string): Record<string, string> {
    return {
      DATABASE_URL: this.databaseUrl,
      NATS_URL: this.nats.url,
      NATS_CREDENTIALS_FILE: this.nats.credentialFile(role),
      SACP_CONFIG_DIR: this.options.configDir ?? FIXTURE_CONFIG_DIR,
      SACP_INSTANCE: this.instance,
      SACP_SECRET_KEY: this.secretKey,
      SACP_RECONCILE_INTERVAL_MS: '1000',
      SACP_POLL_INTERVAL_MS: '200',
      SACP_ALLOWED_NETWORKS: 'sacp-agents',
      LOG_LEVEL: 'info',
      ...this.options.env,
    };
  }

  /** What the `sacp` binary needs to reach this control plane as the CLI credential. */
  get cliEnv(): Record<string, string> {
    return { NATS_URL: this.nats.url, SACP_NATS_CREDENTIALS: this.nats.credentialFile('cli') };
  }

  /** A bus connection as another credential (a service role or a reader), e.g. to stand in for the monitor. */
  connectAs(user: string): Promise<NatsConnection> {
    return this.nats.connectAs(user);
  }

  async start(): Promise<this> {
    const db = await createTestDatabase();
    this.databaseUrl = db.url;
    this.migrationUrl = db.ownerUrl;
    this.dropDb = db.drop;
    // as scripts/up.sh does: the owner migrates first, the services never hold its password
    if (this.options.migrate !== false) await migrateWith(db.ownerUrl);
    this.nats = await startNats();
    this.adminUrl = db.adminUrl;
    this.pool = testPool(db.adminUrl);
    for (let i = 0; i < (this.options.orchestrators ?? 1); i++) await this.addOrchestrator();
    for (let i = 0; i < (this.options.monitors ?? 0); i++) await this.addMonitor();
    this.nc = await this.nats.connectAs('cli');
    return this;
  }

  async addOrchestrator(options: { waitReady?: boolean; env?: Record<string, string> } = {}): Promise<ServiceProcess> {
    // agent protocol: each agent gets its own credential in this NATS's directory, and reaches it through the gateway on this port
    this.agentBusPort ??= await freePort();
    const bus = { SACP_NATS_DIR: this.nats.natsDir, SACP_AGENT_BUS_PORT: String(this.agentBusPort) };
    const o = new ServiceProcess('orchestrator', { ...bus, ...this.serviceEnv('orchestrator'), ...options.env }, 'ORCHESTRATOR_HTTP_PORT');
    await o.start(options);
    this.orchestrators.push(o);
    return o;
  }

  async addMonitor(options: { waitReady?: boolean } = {}): Promise<ServiceProcess> {
    const m = new ServiceProcess('monitor', this.serviceEnv('monitor'), 'MONITOR_HTTP_PORT');
    await m.start(options);
    this.monitors.push(m);
    return m;
  }

  /** A Discord gateway process of this control plane, with its own settings (token, stand-in URLs, roles). */
  async addDiscordGateway(env: Record<string, string>, options: { waitReady?: boolean } = {}): Promise<ServiceProcess> {
    const g = new ServiceProcess('discord-gateway', { ...this.serviceEnv('discord-gateway'), ...env }, 'DISCORD_GATEWAY_HTTP_PORT');
    this.gateways.push(g);
    await g.start(options);
    return g;
  }

  /**
   * Sends a command envelope; `commandId` defaults to a new id. It goes out on the
   * subject of its actor's kind, over the credential that may send it: `cli` for the
   * test operator, `monitor` for a `system` actor, `discord-gateway` for `discord`.
   * `extra.actor` changes the actor; `via` forces a connection (to test refusals).
   */
  async command<R = Record<string, unknown>>(type: CommandType, payload: unknown, extra: Record<string, unknown> = {}, via?: NatsConnection): Promise<CommandReply<R>> {
    const envelope = { type, version: 1, commandId: randomUUID(), actor: TEST_ACTOR, source: 'test', payload, ...extra };
    const kind = (envelope.actor as Actor).kind;
    // sent again (the same envelope: a duplicate is answered with the first outcome) when a reply is lost, as when
    // nats-server reloads its config for a new agent credential while the command is being answered
    return requestJson<CommandReply<R>>(via ?? (await this.connectionFor(kind)), Subjects.command(type, kind), envelope, 30_000, { resendAfterMs: 2000 });
  }

  /**
   * The event stream's administrator (the orchestrator's credential), shared: tests
   * inspect what was published to SACP_EVENTS with it. Tools get a reader instead.
   */
  streamAdmin(): Promise<NatsConnection> {
    let c = this.byRole.get('orchestrator');
    if (!c) this.byRole.set('orchestrator', (c = this.connectAs('orchestrator')));
    return c;
  }

  private readonly byRole = new Map<string, Promise<NatsConnection>>();
  /** One shared connection per credential, closed in stop(). */
  private connectionFor(kind: Actor['kind']): Promise<NatsConnection> {
    if (kind === 'cli' || kind === 'agent') return Promise.resolve(this.nc);
    const role = ({ system: 'monitor', discord: 'discord-gateway', api: 'api' } as const)[kind];
    let c = this.byRole.get(role);
    if (!c) this.byRole.set(role, (c = this.connectAs(role)));
    return c;
  }

  async query<R>(type: QueryType, body: unknown = {}): Promise<QueryReply<R>> {
    return requestJson<QueryReply<R>>(this.nc, Subjects.query(type), body, 30_000, { resendAfterMs: 2000 });
  }

  async status(agent?: string): Promise<AgentStatusView[]> {
    const r = await this.query<AgentStatusView[]>('agent.status', agent ? { agent } : {});
    if (!r.ok) throw new Error(`status failed: ${r.error.code} ${r.error.message}`);
    return r.result;
  }

  /** Deploys and returns the agent id, failing with the reply if refused. */
  async deploy(template: string, name?: string): Promise<string> {
    const r = await this.command<{ agentId: string }>('agent.deploy', { template, ...(name ? { name } : {}) });
    if (!r.ok) throw new Error(`deploy refused: ${r.error.code} ${r.error.message}`);
    return r.result.agentId;
  }

  async waitForAgent(agentId: string, predicate: (a: AgentStatusView) => boolean, what: string, timeoutMs = 30_000): Promise<AgentStatusView> {
    return waitFor(
      `agent ${agentId} ${what}`,
      async () => {
        const { rows } = await this.pool.query<{ state: unknown }>('select agent_id from agent_registry where agent_id = $1', [agentId]);
        if (!rows.length) return null;
        const [view] = await this.status(agentId);
        return view && predicate(view) ? view : null;
      },
      timeoutMs,
      100,
    );
  }

  /** Containers of this control plane, straight from Docker. */
  containers() {
    return this.docker.listByLabels({ 'sacp.instance': this.instance });
  }

  async stop(): Promise<void> {
    for (const g of this.gateways) await g.kill('SIGTERM').catch(() => undefined);
    for (const m of this.monitors) await m.kill('SIGTERM').catch(() => undefined);
    for (const o of this.orchestrators) await o.kill('SIGTERM').catch(() => undefined);
    await this.nc?.close().catch(() => undefined);
    for (const c of this.byRole.values()) await (await c.catch(() => null))?.close().catch(() => undefined);
    for (const c of await this.containers().catch(() => [])) await this.docker.remove(c.id, { force: true }).catch(() => undefined);
    const volumes = await this.docker['client'].api.listVolumes({ filters: JSON.stringify({ label: [`sacp.instance=${this.instance}`] }) }).catch(() => ({ Volumes: [] }));
    for (const v of volumes.Volumes ?? []) await this.docker.removeVolume(v.Name).catch(() => undefined);
    const networks = await this.docker['client'].api.listNetworks({ filters: JSON.stringify({ label: [`sacp.instance=${this.instance}`] }) }).catch(() => []);
    for (const n of networks)
      await this.docker['client'].api
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined);
    await this.pool?.end().catch(() => undefined);
    await this.dataSource?.destroy().catch(() => undefined);
    await this.nats?.stop().catch(() => undefined);
    await this.dropDb?.().catch(() => undefined);
  }
}
