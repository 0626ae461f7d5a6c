import { decideTeam, quotaAmounts, teamUsage, validateTeamConfig, type TeamDecision, type TeamState } from '@sacp/domain';
import type { ChangeTeamPayloadV1, CommandEnvelope, CreateTeamPayloadV1, DeleteTeamPayloadV1, TeamChangeResult, TeamConfig } from '@sacp/events';
import type { UseCaseOutcome } from '../commands/command-pipeline';
import { removeTeamVolume, type TeamVolumeDeps } from '../network/team-volume';
import { invalid, type TeamFiles } from './team-files';
import type { TeamLocator } from './team-locator';

export interface TeamDeps {
  teams: TeamLocator;
  files: TeamFiles;
}

/** What every team command's reply reports. */
export const teamResult = (
  state: TeamState,
  d: Pick<TeamDecision, 'changed' | 'usage' | 'quota'>,
  next?: { configVersion: number; hash: string },
): TeamChangeResult & Record<string, unknown> => ({
  team: state.name,
  changed: d.changed,
  configVersion: next?.configVersion ?? state.configVersion,
  hash: next?.hash ?? state.hash,
  usage: d.usage,
  quota: d.quota,
});

/** Validates a configuration posted whole (its problems name "(posted)" as the file). */
function posted(raw: unknown): { config: TeamConfig; hash: string } {
  const parsed = validateTeamConfig('(posted)', raw);
  if (!parsed.ok) throw invalid(parsed.problems);
  return parsed;
}

/** Validates again after a rename or single settings were applied: the result must hold as a whole. */
function revalidated(config: TeamConfig): { config: TeamConfig; hash: string } {
  return posted(config);
}

/** team.create: from a file of configs/teams or a posted configuration; under its own name or `name`. */
export async function createTeam(cmd: CommandEnvelope<CreateTeamPayloadV1>, deps: TeamDeps): Promise<UseCaseOutcome> {
  const source = cmd.payload.config !== undefined ? deps.files.read(cmd.payload.config) : { ...posted(cmd.payload.definition), file: null };
  const name = cmd.payload.name ?? source.config.name;
  const { config, hash } = name === source.config.name ? source : revalidated({ ...source.config, name });
  const state = await deps.teams.load(name);
  const decision = decideTeam({ type: 'create', name, config, hash, file: source.file }, state);
  return { appends: decision.appends, result: teamResult({ ...state, name }, decision, { configVersion: state.configVersion + 1, hash }), target: `team "${name}"` };
}

/** team.change: a whole new configuration (posted or the file again) or single settings on the current one. */
export async function changeTeam(cmd: CommandEnvelope<ChangeTeamPayloadV1>, deps: TeamDeps): Promise<UseCaseOutcome> {
  const p = cmd.payload;
  const state = await deps.teams.resolve(p.team);
  const base =
    p.config !== undefined ? deps.files.read(p.config) : p.definition !== undefined ? { ...posted(p.definition), file: null } : { config: state.config!, file: state.file };
  const merged: TeamConfig = {
    ...base.config,
    name: state.name,
    ...(p.description !== undefined ? { description: p.description } : {}),
    ...(p.egress !== undefined ? { egress: p.egress } : {}),
    ...(p.sharedVolume !== undefined ? { sharedVolume: p.sharedVolume } : {}),
    ...(p.logRetention !== undefined ? { logRetention: p.logRetention } : {}),
    ...(p.quota ? { quota: { ...base.config.quota, ...p.quota } } : {}),
  };
  const { config, hash } = revalidated(merged);
  const decision = decideTeam({ type: 'change', config, hash, file: base.file }, state);
  return {
    appends: decision.appends,
    result: teamResult(state, decision, decision.changed ? { configVersion: state.configVersion + 1, hash } : undefined),
    target: `team "${state.name}"`,
  };
}

/** team.delete: refused while the team has members; with `volumes`, its shared volume goes too. */
export async function deleteTeam(cmd: CommandEnvelope<DeleteTeamPayloadV1>, deps: TeamDeps & { volumes?: TeamVolumeDeps }): Promise<UseCaseOutcome> {
  const state = await deps.teams.resolve(cmd.payload.team);
  const decision = decideTeam({ type: 'delete' }, state);
  const volumes = cmd.payload.volumes && deps.volumes ? await removeTeamVolume(state.name, cmd.actor, deps.volumes) : [];
  return {
    appends: [...decision.appends, ...volumes],
    result: {
      ...teamResult(state, { ...decision, usage: teamUsage(state), quota: quotaAmounts(state.config!.quota) }),
      volumesRemoved: volumes.map((a) => a.streamId.slice('volume-'.length)),
    },
    target: `team "${state.name}"`,
  };
}
