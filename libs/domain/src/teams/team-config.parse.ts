import { Limits, TeamConfigSchema, type ResourceAmounts, type TeamConfig, type TeamQuota } from '@sacp/events';
import { parseMemorySize } from '../templates/memory-size';
import { templateHash } from '../templates/template.hash';
import type { Template } from '../templates/template.schema';

/** One problem of a team configuration: the file (or "(posted)"), the field, what is wrong. */
export interface TeamConfigProblem {
  file: string;
  field: string;
  message: string;
}

export type ParsedTeamConfig = { ok: true; config: TeamConfig; hash: string } | { ok: false; problems: TeamConfigProblem[] };

const TOP_LEVEL_FIELDS = Object.keys(TeamConfigSchema.shape);

/**
 * Validates a team configuration (a file's parsed JSON, or one posted whole). Every
 * problem names its field; sizes are bounded by the schema (50 members, 500 characters
 * of description) and by Limits.EVENT_DATA_MAX_BYTES for the whole (it is recorded in
 * an event). With `expectedName` (a file's name), the configuration's name must match.
 */
export function validateTeamConfig(file: string, raw: unknown, expectedName?: string): ParsedTeamConfig {
  const size = Buffer.byteLength(JSON.stringify(raw ?? null));
  // the event that records it holds a little more than the configuration: keep a margin
  if (size > Limits.EVENT_DATA_MAX_BYTES / 2)
    return { ok: false, problems: [{ file, field: '(root)', message: `the configuration is ${size} bytes; at most ${Limits.EVENT_DATA_MAX_BYTES / 2} are accepted` }] };
  const result = TeamConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems: TeamConfigProblem[] = [];
    for (const issue of result.error.issues) {
      const at = issue.path.map(String);
      if (issue.code === 'unrecognized_keys')
        for (const key of issue.keys)
          problems.push({
            file,
            field: [...at, key].join('.'),
            message: `unknown field "${key}"${at.length ? '' : `: a team configuration has only ${TOP_LEVEL_FIELDS.join(', ')}`}`,
          });
      else problems.push({ file, field: at.length ? at.join('.') : '(root)', message: issue.message });
    }
    return { ok: false, problems };
  }
  const config = result.data;
  const problems: TeamConfigProblem[] = [];
  if (expectedName !== undefined && config.name !== expectedName)
    problems.push({ file, field: 'name', message: `the team is named "${config.name}" but its file is ${expectedName}.json; they must match` });
  const seen = new Map<string, number>();
  config.members.forEach((m, i) => {
    const first = seen.get(m.name);
    if (first !== undefined) problems.push({ file, field: `members.${i}.name`, message: `member "${m.name}" is named twice (also members.${first}.name)` });
    else seen.set(m.name, i);
  });
  if (problems.length) return { ok: false, problems };
  return { ok: true, config, hash: teamConfigHash(config) };
}

/** Parses a configuration file's text. */
export function parseTeamConfig(file: string, text: string, expectedName?: string): ParsedTeamConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [{ file, field: '(file)', message: `not valid JSON: ${(err as Error).message}` }] };
  }
  return validateTeamConfig(file, raw, expectedName);
}

export function describeTeamConfigProblems(problems: TeamConfigProblem[]): string {
  return problems.map((p) => `${p.file}: ${p.field}: ${p.message}`).join('\n');
}

/** Content hash with defaults applied: formatting and key order do not make a new version. */
export const teamConfigHash = (config: TeamConfig): string => templateHash(config as unknown as Template);

/** A quota as numbers. */
export const quotaAmounts = (q: TeamQuota): ResourceAmounts => ({ memory: parseMemorySize(q.memory), cpus: q.cpus, pids: q.pids });

/** What a template's agent counts against a team's quota: its limits. */
export const templateAmounts = (t: Pick<Template, 'resources'>): ResourceAmounts => ({
  memory: parseMemorySize(t.resources.memory),
  cpus: t.resources.cpus,
  pids: t.resources.pids,
});

export const NO_RESOURCES: ResourceAmounts = { memory: 0, cpus: 0, pids: 0 };

/** Sums amounts; CPUs are rounded to a thousandth so that 0.1 + 0.2 stays 0.3. */
export const addAmounts = (a: ResourceAmounts, b: ResourceAmounts): ResourceAmounts => ({
  memory: a.memory + b.memory,
  cpus: Math.round((a.cpus + b.cpus) * 1000) / 1000,
  pids: a.pids + b.pids,
});
