import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, describeTeamConfigProblems, parseTeamConfig, type TeamConfigProblem } from '@sacp/domain';
import { ErrorCodes, type TeamConfig } from '@sacp/events';

/**
 * Team configuration files, `<SACP_CONFIG_DIR>/teams/<name>.json`.
 *
 * The design: a file is a *source* a team is created from (or changed from, with
 * `team.change --config`), never a live binding. The team's configuration is what its
 * stream `team-<name>` records, whole, with its content hash and a configuration
 * version that counts distinct contents; editing a file changes no running team until
 * an operator asks, and the change is then an event with who asked and why. That is
 * what an operator who must answer "what did this team look like on Tuesday, and who
 * changed it" needs, and it keeps one path for a configuration posted through the API
 * (people without shell access to the server) and one read from a file: both are
 * validated by the same schema (libs/domain `validateTeamConfig`) and recorded alike.
 * Templates differ because an agent points into a template's lineage; a team owns its
 * configuration.
 */
export class TeamFiles {
  constructor(private readonly configDir: string) {}

  get dir(): string {
    return join(this.configDir, 'teams');
  }

  /** Every file's name (without .json), sorted. */
  names(): string[] {
    if (!existsSync(this.dir)) return [];
    return Array.from(readdirSync(this.dir))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  }

  /** One file, validated, or a refusal that names every problem's field. */
  read(name: string): { config: TeamConfig; hash: string; file: string } {
    const path = join(this.dir, `${name}.json`);
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name) || !existsSync(path))
      throw new DomainError(ErrorCodes.TEAM_NOT_FOUND, `no team configuration "${name}"; available: ${this.names().join(', ') || 'none'} (in ${this.dir})`, {
        config: name,
        available: this.names(),
      });
    const file = `teams/${name}.json`;
    const parsed = parseTeamConfig(file, readFileSync(path, 'utf8'), name);
    if (!parsed.ok) throw invalid(parsed.problems);
    return { config: parsed.config, hash: parsed.hash, file };
  }
}

export const invalid = (problems: TeamConfigProblem[]) =>
  new DomainError(ErrorCodes.TEAM_INVALID, `the team configuration is not valid:\n${describeTeamConfigProblems(problems)}`, { problems });
