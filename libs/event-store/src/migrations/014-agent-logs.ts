import { SqlMigration } from './sql-migration';

/**
 * Agents' container output, collected by the monitor's elected replica
 * (apps/monitor/src/logs): one row per line, kept after the container is gone, until
 * retention (age, size) prunes it.
 *
 * - The key is Docker's own: the line's timestamp (to the microsecond), its container,
 *   its stream, and `seq`, its place among the lines of that stream in the same
 *   microsecond (Docker timestamps each stream's lines in order). A collector that
 *   resumes from its cursor and reads a line again inserts nothing (`on conflict do
 *   nothing`); the key leads with `ts`, so it also serves "newest first" and the prune.
 * - `tsv` is the line's words (the `simple` configuration: lower-cased, no stemming,
 *   no stop words: log lines are not prose), GIN-indexed for full-text search.
 * - `agent_log_cursors`: per container and stream, the last line stored, written in the
 *   transaction of the lines themselves.
 * - `agent_log_volume`: lines and bytes per team and minute, kept by triggers that run as
 *   the owner, so a size limit is checked without scanning the lines.
 * The services may insert and delete lines (the prune), and keep the cursors; they
 * cannot change a stored line or the volume counts.
 */
export class AgentLogs1700000000014 extends SqlMigration {
  readonly name = 'AgentLogs1700000000014';
  readonly legacyId = '014-agent-logs';
  readonly sql = /* sql */ `
create table agent_log_lines (
  ts           timestamptz not null,
  container_id text        not null,
  stream       text        not null check (stream in ('stdout', 'stderr')),
  seq          integer     not null default 0 check (seq >= 0),
  agent_id     text        not null,
  agent_name   text        not null,
  team         text,
  line         text        not null check (octet_length(line) <= 32768),
  tsv          tsvector    generated always as (to_tsvector('simple'::regconfig, line)) stored
);
create unique index agent_log_lines_key on agent_log_lines (ts, container_id, stream, seq);
-- an agent's (a team's) lines newest first, in the order of the key: a page is an index range, however rare the agent
create index agent_log_lines_agent on agent_log_lines (agent_id, ts, container_id, stream, seq);
create index agent_log_lines_team on agent_log_lines (team, ts, container_id, stream, seq) where team is not null;
create index agent_log_lines_text on agent_log_lines using gin (tsv);

create table agent_log_cursors (
  container_id text        not null,
  stream       text        not null check (stream in ('stdout', 'stderr')),
  ts           timestamptz not null,
  seq          integer     not null,
  updated_at   timestamptz not null default clock_timestamp(),
  primary key (container_id, stream)
);

create table agent_log_volume (
  team   text        not null default '',
  minute timestamptz not null,
  lines  bigint      not null,
  bytes  bigint      not null,
  primary key (team, minute)
);

create function agent_log_volume_added() returns trigger language plpgsql security definer
  set search_path = public, pg_temp set timezone = 'UTC' as $fn$
begin
  insert into agent_log_volume as v (team, minute, lines, bytes)
  select coalesce(team, ''), date_trunc('minute', ts), count(*), sum(octet_length(line)) from added group by 1, 2
  on conflict (team, minute) do update set lines = v.lines + excluded.lines, bytes = v.bytes + excluded.bytes;
  return null;
end $fn$;
create function agent_log_volume_removed() returns trigger language plpgsql security definer
  set search_path = public, pg_temp set timezone = 'UTC' as $fn$
begin
  update agent_log_volume v set lines = v.lines - r.lines, bytes = v.bytes - r.bytes
    from (select coalesce(team, '') as team, date_trunc('minute', ts) as minute, count(*) as lines, sum(octet_length(line)) as bytes
            from removed group by 1, 2) r
   where v.team = r.team and v.minute = r.minute;
  delete from agent_log_volume where lines <= 0;
  return null;
end $fn$;
revoke all on function agent_log_volume_added() from public;
revoke all on function agent_log_volume_removed() from public;
create trigger agent_log_lines_volume_added after insert on agent_log_lines
  referencing new table as added for each statement execute function agent_log_volume_added();
create trigger agent_log_lines_volume_removed after delete on agent_log_lines
  referencing old table as removed for each statement execute function agent_log_volume_removed();

do $$ begin
  if exists (select 1 from pg_roles where rolname = 'sacp_service') then
    grant select, insert, delete on agent_log_lines to sacp_service;
    grant select, insert, update, delete on agent_log_cursors to sacp_service;
    grant select on agent_log_volume to sacp_service;
  end if;
end $$;
`;
}
