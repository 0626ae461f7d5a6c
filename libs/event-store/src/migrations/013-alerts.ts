import { SqlMigration } from './sql-migration';

/**
 * The alerts read model: one row per alert raised (its id is the id of its
 * `alert.raised` event), resolved and acknowledged in place. Kept by the alerts
 * projection; filled here from the events already recorded, under the projector's
 * lock, so the projection continues from its checkpoint with nothing missing (what it
 * applies again changes nothing).
 */
export class Alerts1700000000013 extends SqlMigration {
  readonly name = 'Alerts1700000000013';
  readonly legacyId = '013-alerts';
  readonly sql = /* sql */ `
create table alerts (
  alert_id         text        primary key,
  key              text        not null,
  -- the raise's position in the stream alert-<key>: a resolve or an acknowledgement is about the raise before it
  raise_position   integer     not null,
  severity         text        not null,
  agent_id         text,
  agent_name       text,
  cause            text        not null,
  message          text        not null,
  last_log_lines   jsonb       not null default '[]',
  raised_at        timestamptz not null,
  resolved_at      timestamptz,
  resolved_message text,
  acknowledged     jsonb
);
create index alerts_by_time on alerts (raised_at desc, alert_id desc);
create unique index alerts_key_raise on alerts (key, raise_position);
create index alerts_agent on alerts (agent_id, raised_at desc);

do $$ begin
  if exists (select 1 from pg_roles where rolname = 'sacp_service') then
    grant select, insert, update, delete on alerts to sacp_service;
  end if;
end $$;

select pg_advisory_xact_lock(hashtext('sacp-projector'));

insert into alerts (alert_id, key, raise_position, severity, agent_id, agent_name, cause, message, last_log_lines, raised_at)
select e.event_id::text, e.data->>'key', e.stream_position, e.data->>'severity', e.data->>'agentId', e.data->>'agentName', e.data->>'cause',
       e.data->>'message', coalesce(e.data->'lastLogLines', '[]'), (e.metadata->>'occurredAt')::timestamptz
  from events e where e.type = 'alert.raised';

-- a resolve is about the raise before it in its stream
update alerts a set resolved_at = (r.metadata->>'occurredAt')::timestamptz, resolved_message = r.data->>'message'
  from events r
 where r.type = 'alert.resolved' and a.key = r.data->>'key' and a.resolved_at is null
   and a.raise_position = (select max(b.raise_position) from alerts b where b.key = a.key and b.raise_position < r.stream_position);
`;
}
