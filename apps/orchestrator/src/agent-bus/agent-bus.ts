import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AgentBusEnv } from '@sacp/agent-protocol';
import { DockerDriver } from '@sacp/docker';
import { type JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER, NATS } from '@sacp/platform/nest';
import type { NatsConnection } from '@nats-io/nats-core';
import type { OrchestratorConfig } from '../config';
import { ControlPlaneLabels } from '../reconcile/control-plane-labels';
import { AgentCredentials } from './agent-credentials';
import { BusGateway } from './bus-gateway';

/** Docker's names for its default bridge; a container's NetworkMode "default" is the bridge too. */
const DEFAULT_BRIDGE = new Set(['bridge', 'default']);
/** every this many rounds of SACP_AGENT_BUS_RETRY_MS, the networks of our containers are looked up again */
const RESCAN_EVERY = 4;
/** Modes with no network of their own to serve (no network, the host's, another container's). */
const NO_GATEWAY = /^(none|host|container:.*)$/;

/**
 * What an agent container needs to speak agent protocol v1: its own NATS credential and
 * an address of the bus reachable from its network (the gateway, see BusGateway). Off when
 * SACP_NATS_DIR is not set: agents then get no SACP_BUS_* variables (said once in the log).
 */
@Injectable()
export class AgentBus implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly credentials: AgentCredentials | null;
  private readonly gateway: BusGateway;
  private timer: NodeJS.Timeout | null = null;
  private rounds = 0;
  /** networks whose gateway address this replica keeps trying to serve */
  private readonly networks = new Set<string>(['bridge']);

  constructor(
    private readonly docker: DockerDriver,
    private readonly labels: ControlPlaneLabels,
    @Inject(CONFIG) private readonly config: OrchestratorConfig,
    @Inject(LOGGER) private readonly log: JsonLogger,
    @Inject(NATS) nc: NatsConnection,
  ) {
    const nats = new URL(config.NATS_URL.split(',')[0]!.trim());
    this.credentials = config.SACP_NATS_DIR ? new AgentCredentials(config.SACP_NATS_DIR, config.NATS_URL, log) : null;
    this.gateway = new BusGateway(
      {
        port: config.SACP_AGENT_BUS_PORT,
        target: { host: nats.hostname, port: Number(nats.port || 4222) },
        maxConnections: config.SACP_AGENT_BUS_MAX_CONNECTIONS,
        serverId: () => nc.info?.server_id,
      },
      log,
    );
  }

  get enabled(): boolean {
    return this.credentials !== null;
  }

  /**
   * SACP_BUS_URL, SACP_BUS_USER and SACP_BUS_PASSWORD for the agent's container on this
   * network; empty when the agent bus is off or the network has no gateway to serve.
   */
  async envFor(agentId: string, networkMode: string): Promise<Record<string, string>> {
    if (!this.credentials) return {};
    const network = DEFAULT_BRIDGE.has(networkMode) ? 'bridge' : networkMode;
    const address = NO_GATEWAY.test(network) ? null : await this.serve(network);
    if (!address) {
      this.log.warn('no agent bus for this container: its network has no IPv4 bridge gateway', { agentId, network });
      return {};
    }
    const c = await this.credentials.ensure(agentId);
    return { [AgentBusEnv.url]: this.gateway.url(address), [AgentBusEnv.user]: c.user, [AgentBusEnv.password]: c.password };
  }

  /** Deletes the agent's credential (the agent is removed); NATS refuses it from then on. */
  async forget(agentId: string): Promise<void> {
    await this.credentials?.remove(agentId);
  }

  onApplicationBootstrap(): void {
    if (!this.credentials) {
      this.log.warn('agent bus off: SACP_NATS_DIR is not set, so agent containers get no SACP_BUS_* credentials and cannot speak the agent protocol');
      return;
    }
    const tick = () => void this.serveAll().catch((err: Error) => this.log.warn('agent bus gateway check failed', { error: err.message }));
    tick();
    this.timer = setInterval(tick, this.config.SACP_AGENT_BUS_RETRY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.gateway.close();
  }

  /** The gateway on every network our agents use (and Docker's bridge): bound here, or known to be served by another replica. */
  private async serveAll(): Promise<void> {
    // the networks of our containers (some made by other replicas), looked up at start and every few rounds: listing inspects each container
    if (this.rounds++ % RESCAN_EVERY === 0)
      for (const c of await this.docker.listByLabels(await this.labels.own()))
        for (const network of Object.keys(c.networks)) if (!NO_GATEWAY.test(network)) this.networks.add(DEFAULT_BRIDGE.has(network) ? 'bridge' : network);
    for (const network of this.networks) await this.serve(network).catch((err: Error) => this.log.warn('agent bus gateway not served', { network, error: err.message }));
  }

  private async serve(network: string): Promise<string | null> {
    const address = await this.docker.networkGateway(network);
    if (!address) {
      if (network !== 'bridge') this.networks.delete(network);
      return null;
    }
    this.networks.add(network);
    await this.gateway.ensure(address);
    return address;
  }
}
