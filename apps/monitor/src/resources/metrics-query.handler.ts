import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { AgentResourceSample, HostResourceSample, MetricsAgentsReply } from '@sacp/domain';
import type { JsonLogger } from '@sacp/platform';
import type { FleetView } from '../fleet/fleet-view';
import { MetricsSubjects } from './metrics.subjects';

/**
 * Keeps the latest sample of each agent and of the host, which MetricsQueryController
 * answers `sacp.qry.metrics.agents` with. Every replica listens to the published
 * samples, so whichever replica the queue group picks can answer, not only the one
 * that samples.
 */
export class MetricsQueryHandler {
  private host: HostResourceSample | null = null;
  private readonly agents = new Map<string, AgentResourceSample>();
  private subs: Subscription[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly fleet: FleetView,
    /** samples older than this are dropped from answers: the agent stopped, or sampling did */
    private readonly maxAgeMs: number,
    private readonly log: JsonLogger,
  ) {}

  start(): void {
    this.subs.push(
      this.nc.subscribe(MetricsSubjects.wildcard, {
        callback: (err, msg) => {
          if (err) return;
          try {
            if (msg.subject === MetricsSubjects.host) this.host = msg.json<HostResourceSample>();
            else {
              const s = msg.json<AgentResourceSample>();
              if (msg.subject === MetricsSubjects.agent(s.agentId)) this.agents.set(s.agentId, s);
            }
          } catch {
            this.log.warn('ignored a malformed metrics sample', { subject: msg.subject });
          }
        },
      }),
    );
  }

  latest(now = Date.now()): MetricsAgentsReply {
    const agents: Record<string, AgentResourceSample> = {};
    for (const [id, s] of this.agents) {
      const a = this.fleet.agent(id);
      const current = a && a.observed === 'running' && a.containerId === s.containerId && now - Date.parse(s.at) <= this.maxAgeMs;
      if (current) agents[id] = s;
      else if (now - Date.parse(s.at) > this.maxAgeMs) this.agents.delete(id);
    }
    return { host: this.host, agents };
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
  }
}
