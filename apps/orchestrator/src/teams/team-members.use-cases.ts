import { DomainError, decideAgent, decideTeam, initialAgentState, templateAmounts, teamQuota, teamUsage, type Joiner, type TeamState } from '@sacp/domain';
import { uuidv7, type AppendRequest } from '@sacp/event-store';
import { ErrorCodes, type AddTeamMemberPayloadV1, type CommandEnvelope, type DeployTeamPayloadV1, type RemoveTeamMemberPayloadV1, type TemplateRef } from '@sacp/events';
import type { AgentLocator } from '../commands/agent-locator';
import type { UseCaseOutcome } from '../commands/command-pipeline';
import type { SecretStore } from '../secrets/secret-store';
import type { TemplateCatalog } from '../templates/template-catalog';
import type { TeamLocator } from './team-locator';
import { teamResult } from './team.use-cases';

export interface MemberDeps {
  teams: TeamLocator;
  agents: AgentLocator;
  catalog: TemplateCatalog;
}

/** team.add_member: an existing agent joins; what it counts against the quota is its template's limits at its deployed version. */
export async function addMember(cmd: CommandEnvelope<AddTeamMemberPayloadV1>, deps: MemberDeps): Promise<UseCaseOutcome> {
  const team = await deps.teams.resolve(cmd.payload.team);
  const { state: agent } = await deps.agents.resolve(cmd.payload.agent);
  if (agent.desired === 'removed') throw new DomainError(ErrorCodes.AGENT_REMOVED, `agent "${agent.name}" has been removed; it cannot join a team`, { agent: agent.name });
  if (!agent.template)
    throw new DomainError(
      ErrorCodes.TEAM_MEMBERSHIP,
      `agent "${agent.name}" was adopted and has no template limits to count against the quota of team "${team.name}"; deploy it from a template to add it`,
      { agent: agent.name, team: team.name },
    );
  const definition = await deps.catalog.definitionAt(agent.template.name, agent.template.version);
  const joiner: Joiner = {
    agentId: agent.agentId,
    agent: agent.name,
    member: null,
    role: cmd.payload.role ?? null,
    template: { name: agent.template.name, version: agent.template.version },
    resources: templateAmounts(definition),
    existing: { agentVersion: agent.version, team: agent.team ?? null },
  };
  const decision = decideTeam({ type: 'join', joiners: [joiner], what: `adding agent "${agent.name}"` }, team);
  return {
    appends: decision.appends,
    result: { ...teamResult(team, decision), agentId: agent.agentId, agent: agent.name },
    target: `team "${team.name}"`,
  };
}

/** team.remove_member: the agent leaves the team and keeps running. */
export async function removeMember(cmd: CommandEnvelope<RemoveTeamMemberPayloadV1>, deps: Pick<MemberDeps, 'teams' | 'agents'>): Promise<UseCaseOutcome> {
  const team = await deps.teams.resolve(cmd.payload.team);
  const { state: agent } = await deps.agents.resolve(cmd.payload.agent);
  if (!team.members[agent.agentId])
    throw new DomainError(ErrorCodes.TEAM_MEMBERSHIP, `agent "${agent.name}" is not a member of team "${team.name}"`, { agent: agent.name, team: team.name });
  const decision = decideTeam({ type: 'leave', agentId: agent.agentId, agentVersion: agent.version, cause: 'removed' }, team);
  return { appends: decision.appends, result: { ...teamResult(team, decision), agentId: agent.agentId, agent: agent.name }, target: `team "${team.name}"` };
}

/** The templates of one command, resolved once each (two members of one template register it once). */
class TemplateResolutions {
  private readonly resolved = new Map<string, Awaited<ReturnType<TemplateCatalog['resolve']>>>();
  constructor(
    private readonly catalog: TemplateCatalog,
    private readonly secrets: Pick<SecretStore, 'assertGranted'>,
  ) {}

  async get(name: string) {
    const known = this.resolved.get(name);
    if (known) return { ...known, registration: null };
    const r = await this.catalog.resolve(name);
    await this.secrets.assertGranted(r.ref.name, r.template);
    this.resolved.set(name, r);
    return r;
  }
}

/** One new agent in a team: its deploy, decided on the agent's own and name streams, and what it asks of the quota. */
export async function memberDeploy(
  deps: { agents: AgentLocator; templates: TemplateResolutions },
  team: TeamState,
  spec: { name: string; template: string; role: string | null; member: string | null },
): Promise<{ appends: AppendRequest[]; joiner: Joiner; ref: TemplateRef; agentId: string }> {
  const { ref, template, registration } = await deps.templates.get(spec.template);
  const agentId = uuidv7();
  const nameState = await deps.agents.loadName(spec.name);
  const decision = decideAgent({ type: 'deploy', agentId, name: spec.name, template: ref, team: { name: team.name, role: spec.role } }, initialAgentState(agentId), nameState);
  return {
    appends: [...(registration ? [registration] : []), ...decision.appends],
    joiner: { agentId, agent: spec.name, member: spec.member, role: spec.role, template: { name: ref.name, version: ref.version }, resources: templateAmounts(template) },
    ref,
    agentId,
  };
}

export const templateResolutions = (catalog: TemplateCatalog, secrets: Pick<SecretStore, 'assertGranted'>) => new TemplateResolutions(catalog, secrets);
export type { TemplateResolutions };

/**
 * team.deploy: every member of the configuration without an agent in the team is
 * deployed as `<team>-<member>`, in one command (one transaction: all or none, the
 * quota counted over all of them); a member whose agent is stopped is started.
 */
export async function deployTeam(cmd: CommandEnvelope<DeployTeamPayloadV1>, deps: MemberDeps & { secrets: Pick<SecretStore, 'assertGranted'> }): Promise<UseCaseOutcome> {
  const team = await deps.teams.resolve(cmd.payload.team);
  const templates = templateResolutions(deps.catalog, deps.secrets);
  const byMember = new Map(Object.values(team.members).map((m) => [m.member, m]));
  const appends: AppendRequest[] = [];
  const joiners: Joiner[] = [];
  const deployed: string[] = [];
  const started: string[] = [];
  const unchanged: string[] = [];
  for (const spec of team.config!.members) {
    const current = byMember.get(spec.name);
    if (current) {
      const { state } = await deps.agents.load(current.agentId);
      const start = decideAgent({ type: 'start' }, state);
      appends.push(...start.appends);
      (start.result.changed ? started : unchanged).push(current.agent);
      continue;
    }
    const name = `${team.name}-${spec.name}`;
    const d = await memberDeploy({ agents: deps.agents, templates }, team, { name, template: spec.template, role: spec.role, member: spec.name });
    appends.push(...d.appends);
    joiners.push(d.joiner);
    deployed.push(name);
  }
  const decision = decideTeam({ type: 'join', joiners, what: `deploying team "${team.name}" (${deployed.join(', ') || 'no new member'})` }, team);
  appends.push(...decision.appends);
  return {
    appends,
    result: { ...teamResult(team, { ...decision, changed: appends.length > 0 }), deployed, started, unchanged },
    target: `team "${team.name}"`,
  };
}

/** team.stop: every member's agent is asked to stop. */
export async function stopTeam(cmd: CommandEnvelope<DeployTeamPayloadV1>, deps: Pick<MemberDeps, 'teams' | 'agents'>): Promise<UseCaseOutcome> {
  const team = await deps.teams.resolve(cmd.payload.team);
  const appends: AppendRequest[] = [];
  const stopped: string[] = [];
  const unchanged: string[] = [];
  for (const m of Object.values(team.members)) {
    const { state } = await deps.agents.load(m.agentId);
    if (!state.exists || state.desired === 'removed') continue;
    const d = decideAgent({ type: 'stop' }, state);
    appends.push(...d.appends);
    (d.result.changed ? stopped : unchanged).push(m.agent);
  }
  return {
    appends,
    result: { ...teamResult(team, { changed: appends.length > 0, usage: teamUsage(team), quota: teamQuota(team) }), stopped, unchanged },
    target: `team "${team.name}"`,
  };
}
