import { SqlMigration } from './sql-migration';

/**
 * The team registry read model: one row per team name ever created, with the team's
 * folded state (`state`, what a replay of `team-<name>` produces) and the columns a
 * list needs. A deleted team keeps its row (`live` false) so that a team created
 * again under its name folds on from there. Kept by the team registry projection; no
 * team event exists before this migration, so there is nothing to fill in.
 *
 * An agent's team is part of its folded state in `agent_registry.state`; the index lets
 * `agent.status --team` find a team's agents without a scan.
 */
export class Teams1700000000015 extends SqlMigration {
  readonly name = 'Teams1700000000015';
  readonly legacyId = '015-teams';
  readonly sql = /* sql */ `
create table team_registry (
  name           text        primary key,
  live           boolean     not null,
  config_version integer     not null,
  hash           text        not null,
  member_count   integer     not null,
  state          jsonb       not null,
  created_at     timestamptz,
  updated_at     timestamptz,
  version        integer     not null
);

create index agent_registry_team on agent_registry ((state->>'team'));

do $$ begin
  if exists (select 1 from pg_roles where rolname = 'sacp_service') then
    grant select, insert, update, delete on team_registry to sacp_service;
  end if;
end $$;
`;
}
