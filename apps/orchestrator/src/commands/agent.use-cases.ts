import {
  type AbandonRecoveryPayloadV1,
  type RaiseAlertPayloadV1,
  type ReportHealthPayloadV1,
  type ResolveAlertPayloadV1,
  type ScheduleRestartPayloadV1,
  type AdoptAgentPayloadV1,
  type CommandEnvelope,
  type DeployAgentPayloadV1,
  type StartAgentPayloadV1,
  type RemoveQuarantinedPayloadV1,
  ErrorCodes,
  newEvent,
} from '@sacp/events';
import {
  decideAgent,
  type AgentCommand,
  alertStreamId,
  initialAgentState,
  type AlertState,
  evolveQuarantine,
  initialQuarantineState,
  quarantineAlertKey,
  quarantineStreamId,
  evolveAlert,
  type EvolvableEvent,
  decideAlert,
  Labels,
  DomainError,
  decideTeam,
  templateAmounts,
  type StreamAppend,
} from '@sacp/domain';
import { type EventStore, uuidv7 } from '@sacp/event-store';
import type { DockerDriver } from '@sacp/docker';
import type { AgentRegistryReader } from '../queries/agent-registry.reader';
import type { SecretStore } from '../secrets/secret-store';
import type { TemplateCatalog } from '../templates/template-catalog';
import type { TeamLocator } from '../teams/team-locator';
import type { AgentLocator } from './agent-locator';
import type { UseCaseOutcome } from './command-pipeline';

/**
 * deploy: claim the name, register the template version if the file changed, and ask
 * for a running agent. Into a team (`team`): the team's stream records the member and
 * what it counts against the quota, in the same transaction; past the quota it is refused.
 */
export async function deployAgent(
  cmd: CommandEnvelope<DeployAgentPayloadV1>,
  deps: { catalog: TemplateCatalog; agents: AgentLocator; secrets: Pick<SecretStore, 'assertGranted'>; teams: TeamLocator },
): Promise<UseCaseOutcome> {
  const { ref, template, registration } = await deps.catalog.resolve(cmd.payload.template);
  await deps.secrets.assertGranted(ref.name, template);
  const agentId = uuidv7();
  const name = cmd.payload.name ?? `${cmd.payload.template}-${agentId.replace(/-/g, '').slice(-6)}`;
  const team = cmd.payload.team ? await deps.teams.resolve(cmd.payload.team) : null;
  const role = cmd.payload.role ?? null;
  const nameState = await deps.agents.loadName(name);
  const decision = decideAgent({ type: 'deploy', agentId, name, template: ref, ...(team ? { team: { name: team.name, role } } : {}) }, initialAgentState(agentId), nameState);
  const joined = team
    ? decideTeam(
        {
          type: 'join',
          joiners: [{ agentId, agent: name, member: null, role, template: { name: ref.name, version: ref.version }, resources: templateAmounts(template) }],
          what: `deploying agent "${name}" (${ref.name})`,
        },
        team,
      ).appends
    : [];
  return {
    appends: [...(registration ? [registration] : []), ...decision.appends, ...joined],
    result: { ...decision.result, template: ref, ...(team ? { team: team.name } : {}) },
    target: `agent "${name}"`,
  };
}

/**
 * start, stop, restart, remove: a change of desired state, carried out by the
 * reconciler. A removed member leaves its team in the same transaction (its share of
 * the quota is free at once).
 */
export async function changeAgent(
  type: 'start' | 'stop' | 'restart' | 'remove',
  cmd: CommandEnvelope<StartAgentPayloadV1 & { volumes?: boolean }>,
  deps: { agents: AgentLocator; teams: TeamLocator },
): Promise<UseCaseOutcome> {
  const { state } = await deps.agents.resolve(cmd.payload.agent);
  const decision = decideAgent(type === 'remove' ? { type, volumes: cmd.payload.volumes === true } : { type }, state);
  let left: StreamAppend[] = [];
  if (type === 'remove' && state.team && decision.appends.length) {
    const team = await deps.teams.load(state.team);
    if (team.members[state.agentId]) left = decideTeam({ type: 'leave', agentId: state.agentId, agentVersion: null, cause: 'agent_removed' }, team).appends;
  }
  return { appends: [...decision.appends, ...left], result: decision.result, target: `agent "${state.name}"` };
}

/** What adopt needs to know about the control plane doing the adopting. */
export interface AdoptIdentity {
  instance: string;
  store: () => Promise<string>;
  /** the compose project the control plane's own services run under, if any */
  composeProject: string;
}

const CONTROL_PLANE_IMAGE_TITLE = 'SuperAgent Control Plane';

/**
 * adopt: a container made outside the control plane becomes an agent, keeping its
 * container. Refused, each with its own code: the control plane's own containers
 * (the `sacp.component` label its image and compose services carry, its image title,
 * or its compose project), containers of another control plane (another instance or
 * another event store), and containers already managed here.
 */
export async function adoptAgent(
  cmd: CommandEnvelope<AdoptAgentPayloadV1>,
  deps: { agents: AgentLocator; docker: DockerDriver; registry: AgentRegistryReader; identity: AdoptIdentity },
): Promise<UseCaseOutcome> {
  const container = await deps.docker.inspect(cmd.payload.container);
  if (!container)
    throw new DomainError(ErrorCodes.CONTAINER_NOT_FOUND, `no container "${cmd.payload.container}" exists on this Docker engine (${deps.docker.endpoint})`, {
      container: cmd.payload.container,
    });
  const l = container.labels;
  const composeProject = l['com.docker.compose.project'];
  const ownProject = deps.identity.composeProject !== '' && composeProject === deps.identity.composeProject;
  if (l[Labels.component] !== undefined || l['org.opencontainers.image.title'] === CONTROL_PLANE_IMAGE_TITLE || ownProject)
    throw new DomainError(
      ErrorCodes.CONTAINER_OF_CONTROL_PLANE,
      `container ${container.name} is part of the control plane itself${l[Labels.component] ? ` (${l[Labels.component]})` : ownProject ? ` (compose project ${composeProject})` : ''}; it cannot be adopted`,
      { container: container.name },
    );
  const store = await deps.identity.store();
  const otherInstance = l[Labels.instance] !== undefined && l[Labels.instance] !== deps.identity.instance;
  const otherStore = l[Labels.store] !== undefined && l[Labels.store] !== store;
  if (otherInstance || otherStore)
    throw new DomainError(
      ErrorCodes.CONTAINER_OF_OTHER_CONTROL_PLANE,
      `container ${container.name} belongs to another control plane (${otherInstance ? `instance ${l[Labels.instance]}` : `event store ${l[Labels.store]}`}; this is instance ${deps.identity.instance}, store ${store}); it cannot be adopted here`,
      { container: container.name, instance: l[Labels.instance] ?? null, store: l[Labels.store] ?? null },
    );
  if (l[Labels.managed] === 'true')
    throw new DomainError(ErrorCodes.CONTAINER_ALREADY_MANAGED, `container ${container.name} is already managed as agent ${l[Labels.agentName] ?? l[Labels.agentId]}`, {
      container: container.name,
    });
  const owner = await deps.registry.findByContainer(container.id);
  if (owner)
    throw new DomainError(ErrorCodes.CONTAINER_ALREADY_MANAGED, `container ${container.name} is already managed as agent ${owner.name}`, {
      container: container.name,
      agent: owner.name,
    });
  const name =
    cmd.payload.name ??
    container.name
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .replace(/^-+/, '')
      .slice(0, 63);
  const agentId = uuidv7();
  const nameState = await deps.agents.loadName(name);
  const decision = decideAgent(
    { type: 'adopt', agentId, name, containerId: container.id, containerName: container.name, image: container.image, running: container.running },
    initialAgentState(agentId),
    nameState,
  );
  return { appends: decision.appends, result: { ...decision.result, containerId: container.id }, target: `container ${container.name}` };
}

/**
 * container.remove_quarantined: removes a quarantined container now. Only a
 * container this store quarantined qualifies, so no command can remove a bystander.
 */
export async function removeQuarantined(cmd: CommandEnvelope<RemoveQuarantinedPayloadV1>, deps: { docker: DockerDriver; store: EventStore }): Promise<UseCaseOutcome> {
  const container = await deps.docker.inspect(cmd.payload.container);
  if (!container)
    throw new DomainError(ErrorCodes.CONTAINER_NOT_FOUND, `no container "${cmd.payload.container}" exists on this Docker engine (${deps.docker.endpoint})`, {
      container: cmd.payload.container,
    });
  const streamId = quarantineStreamId(container.id);
  const state = (await deps.store.readStream(streamId)).reduce(evolveQuarantine, initialQuarantineState());
  if (!state.quarantined || state.removed)
    throw new DomainError(
      ErrorCodes.CONTAINER_NOT_QUARANTINED,
      `container ${container.name} is not quarantined by this control plane; only quarantined containers can be removed this way`,
      {
        container: container.name,
      },
    );
  await deps.docker.remove(container.id, { force: true });
  const key = quarantineAlertKey(container.id);
  const alertState = (await deps.store.readStream(alertStreamId(key))).reduce((s, e) => evolveAlert(s, e as unknown as EvolvableEvent), { open: false, version: 0 } as AlertState);
  const resolve = decideAlert({ type: 'resolve', key, agentId: null, message: `container ${container.name} was removed by an operator` }, alertState);
  return {
    appends: [
      {
        streamId,
        expectedVersion: state.version,
        events: [newEvent('container.quarantine_removed', { containerId: container.id, containerName: container.name, by: 'operator' })],
      },
      ...resolve.appends,
    ],
    result: { containerId: container.id, containerName: container.name, removed: true },
    target: `container ${container.name}`,
  };
}

/** Recovery and health reports from the monitor: decided on the agent's stream like any other command. */
export async function recoveryCommand(
  cmd: CommandEnvelope<ScheduleRestartPayloadV1 | AbandonRecoveryPayloadV1 | ReportHealthPayloadV1>,
  deps: { agents: AgentLocator; clock: () => Date },
): Promise<UseCaseOutcome> {
  const { state } = await deps.agents.resolve(cmd.payload.agent);
  const p = cmd.payload;
  const command: AgentCommand =
    cmd.type === 'agent.schedule_restart'
      ? { type: 'schedule_restart', ...(p as ScheduleRestartPayloadV1), now: deps.clock().toISOString() }
      : cmd.type === 'agent.abandon_recovery'
        ? { type: 'abandon_recovery', ...(p as AbandonRecoveryPayloadV1) }
        : { type: 'report_health', ...(p as ReportHealthPayloadV1) };
  const decision = decideAgent(command, state);
  return { appends: decision.appends, result: decision.result, target: `agent "${state.name}"` };
}

/** alert.raise / alert.resolve: one open alert per key. */
export async function alertCommand(cmd: CommandEnvelope<RaiseAlertPayloadV1 | ResolveAlertPayloadV1>, deps: { agents: AgentLocator; store: EventStore }): Promise<UseCaseOutcome> {
  const key = cmd.payload.key;
  const events = await deps.store.readStream(alertStreamId(key));
  const state = events.reduce((s, e) => evolveAlert(s, e as unknown as EvolvableEvent), { open: false, version: 0 } as AlertState);
  let agent: { agentId: string; name: string } | null = null;
  if ('agent' in cmd.payload && cmd.payload.agent) {
    const { state: a } = await deps.agents.resolve(cmd.payload.agent);
    agent = { agentId: a.agentId, name: a.name };
  } else if (cmd.type === 'alert.resolve') {
    const raised = [...events].reverse().find((e) => e.type === 'alert.raised');
    const id = (raised?.data as { agentId?: string | null } | undefined)?.agentId ?? null;
    agent = id ? { agentId: id, name: '' } : null;
  }
  const decision =
    cmd.type === 'alert.raise'
      ? decideAlert(
          {
            type: 'raise',
            alert: {
              key,
              severity: (cmd.payload as RaiseAlertPayloadV1).severity,
              agentId: agent?.agentId ?? null,
              agentName: agent?.name ?? null,
              cause: (cmd.payload as RaiseAlertPayloadV1).cause,
              message: (cmd.payload as RaiseAlertPayloadV1).message,
              lastLogLines: (cmd.payload as RaiseAlertPayloadV1).lastLogLines,
            },
          },
          state,
        )
      : decideAlert({ type: 'resolve', key, agentId: agent?.agentId ?? null, message: cmd.payload.message }, state);
  return { appends: decision.appends, result: { key, changed: decision.changed, open: cmd.type === 'alert.raise' }, target: `alert "${key}"` };
}
