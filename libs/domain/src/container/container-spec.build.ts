import type { Template } from '../templates/template.schema';
import { parseMemorySize } from '../templates/memory-size';
import type { ContainerMount, ContainerSpec } from './container-spec';

export interface AgentIdentity {
  agentId: string;
  name: string;
  generation: number;
  template: { name: string; version: number; hash: string };
}

/** Labels under `sacp.`: how the orchestrator finds its containers again after any crash. */
export const Labels = {
  managed: 'sacp.managed',
  instance: 'sacp.instance',
  /** the event store's own id (migration 010): another store's containers are never ours, whatever their instance */
  store: 'sacp.store',
  /** set on the control plane's own image and services: never adopted, never reconciled */
  component: 'sacp.component',
  agentId: 'sacp.agent.id',
  agentName: 'sacp.agent.name',
  generation: 'sacp.generation',
  template: 'sacp.template',
  templateVersion: 'sacp.template.version',
  templateHash: 'sacp.template.hash',
  /** on a volume: its role for the agent ("workspace", or the template's volume name); "team-shared" for a team's */
  volume: 'sacp.volume',
  /** on an agent's container, a team's network and its shared volume: the team */
  team: 'sacp.team',
  /** on a network the control plane made: "team" or "solo" (the one of agents in no team) */
  network: 'sacp.network',
} as const;

/** The workspace every agent gets unless its template says `workspace: false`. */
export const WORKSPACE_VOLUME = 'workspace';
export const WORKSPACE_TARGET = '/workspace';

export function containerName(agent: Pick<AgentIdentity, 'agentId' | 'name' | 'generation'>): string {
  return `sacp-${agent.name}-${agent.agentId.replace(/-/g, '').slice(-8)}-g${agent.generation}`;
}

export function volumeName(agentId: string, volume: string): string {
  return `sacp-${agentId.replace(/-/g, '').slice(-12)}-${volume}`;
}

export class MissingSecretError extends Error {
  override readonly name = 'MissingSecretError';
  constructor(
    readonly secret: string,
    readonly variable: string,
    readonly template?: string,
  ) {
    super(`secret "${secret}" (for ${variable}) is not stored; add it with: sacp secret set ${secret}${template ? ` --templates ${template}` : ''}`);
  }
}

/**
 * Builds the container for one agent generation. Pure: secrets arrive already
 * decrypted in `secrets`, and only their values reach the container's environment,
 * never its labels.
 */
export function buildContainerSpec(agent: AgentIdentity, template: Template, options: { instance: string; store: string; secrets: Record<string, string> }): ContainerSpec {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(template.env)) {
    if (typeof value === 'string') env[key] = value;
    else {
      const secret = options.secrets[value.secretRef];
      if (secret === undefined) throw new MissingSecretError(value.secretRef, key, agent.template.name);
      env[key] = secret;
    }
  }
  env.SACP_AGENT_ID = agent.agentId;
  env.SACP_AGENT_NAME = agent.name;

  const hc = template.healthCheck;
  const ports = template.ports.map((p) => ({ containerPort: p.container, hostPort: p.host, protocol: 'tcp' as const }));
  if (hc?.type === 'http' && !ports.some((p) => p.containerPort === hc.port)) ports.push({ containerPort: hc.port, hostPort: 0, protocol: 'tcp' });

  return {
    name: containerName(agent),
    image: template.image,
    command: template.command,
    env,
    labels: {
      [Labels.managed]: 'true',
      [Labels.instance]: options.instance,
      [Labels.store]: options.store,
      [Labels.agentId]: agent.agentId,
      [Labels.agentName]: agent.name,
      [Labels.generation]: String(agent.generation),
      [Labels.template]: agent.template.name,
      [Labels.templateVersion]: String(agent.template.version),
      [Labels.templateHash]: agent.template.hash,
    },
    resources: {
      memoryBytes: parseMemorySize(template.resources.memory),
      nanoCpus: Math.round(template.resources.cpus * 1e9),
      pidsLimit: template.resources.pids,
    },
    security: {
      privileged: false,
      capAdd: template.security.capAdd,
      capDrop: ['ALL'],
      noNewPrivileges: true,
      readOnlyRootfs: template.security.readOnlyRootfs,
      user: template.security.user,
    },
    networkMode: template.network,
    mounts: agentMounts(agent.agentId, template),
    healthcheck:
      hc?.type === 'command'
        ? {
            test: ['CMD', ...hc.command],
            intervalMs: hc.intervalSeconds * 1000,
            timeoutMs: hc.timeoutSeconds * 1000,
            retries: hc.retries,
            startPeriodMs: hc.startPeriodSeconds * 1000,
          }
        : undefined,
    ports,
    stopTimeoutSeconds: template.stopTimeoutSeconds,
  };
}

/**
 * The template's mounts, and the agent's workspace volume unless the template opts
 * out, already declares a volume named "workspace" (that one is the workspace), or
 * mounts something else at the workspace's target.
 */
export function agentMounts(agentId: string, template: Template): ContainerMount[] {
  const mounts: ContainerMount[] = template.volumes.map((v) =>
    'hostPath' in v
      ? { type: 'bind' as const, source: v.hostPath, target: v.target, readOnly: v.readOnly }
      : { type: 'volume' as const, source: volumeName(agentId, v.name), target: v.target, readOnly: v.readOnly, volume: v.name },
  );
  if (template.workspace === false) return mounts;
  const target = template.workspace?.target ?? WORKSPACE_TARGET;
  const declared = template.volumes.some((v) => 'name' in v && v.name === WORKSPACE_VOLUME);
  if (declared || mounts.some((m) => m.target === target)) return mounts;
  return [...mounts, { type: 'volume', source: volumeName(agentId, WORKSPACE_VOLUME), target, readOnly: false, volume: WORKSPACE_VOLUME }];
}
