import { SqlMigration } from './sql-migration';

/**
 * A command id is bound to the command it first named: its type, a hash of its
 * canonical payload and the sender's actor kind are stored with its outcome, so the
 * same id on another command is refused (COMMAND.ID_REUSED) instead of passing as a
 * duplicate. Rows recorded before this migration have no hash: only their type binds.
 *
 * The append keeps its one round trip: `sacp_append` takes the binding as two more
 * arguments; the five-argument form stays as a wrapper for writers not yet upgraded.
 */
export class CommandBinding1700000000008 extends SqlMigration {
  readonly name = 'CommandBinding1700000000008';
  readonly legacyId = '008-command-binding';
  readonly sql = /* sql */ `
alter table commands add column payload_hash text, add column actor_kind text;

create function sacp_append(p_appends jsonb, p_metadata jsonb, p_command_id text, p_command_type text, p_reply jsonb, p_payload_hash text, p_actor_kind text)
returns setof events
language plpgsql as $$
declare
  a jsonb;
  n integer;
  expected integer;
  changed integer;
  actual integer;
begin
  for a in select value from jsonb_array_elements(p_appends) loop
    n := jsonb_array_length(a->'events');
    continue when n = 0;
    expected := (a->>'expectedVersion')::integer;
    if expected = 0 then
      insert into streams (stream_id, version) values (a->>'streamId', n) on conflict (stream_id) do nothing;
    else
      update streams set version = expected + n where stream_id = a->>'streamId' and version = expected;
    end if;
    get diagnostics changed = row_count;
    if changed <> 1 then
      select version into actual from streams where stream_id = a->>'streamId';
      raise exception 'stream % is not at version %', a->>'streamId', expected
        using errcode = 'SA409',
              detail = json_build_object('streamId', a->>'streamId', 'expected', expected, 'actual', coalesce(actual, 0))::text;
    end if;
    return query
      insert into events (stream_id, stream_position, event_id, type, schema_version, data, metadata)
      select a->>'streamId', expected + e.ord::integer, (e.value->>'eventId')::uuid, e.value->>'type',
             (e.value->>'schemaVersion')::integer, e.value->'data', p_metadata
        from jsonb_array_elements(a->'events') with ordinality as e(value, ord)
      returning *;
  end loop;
  if p_command_id is not null then
    insert into commands (command_id, command_type, outcome, reply, payload_hash, actor_kind)
      values (p_command_id, p_command_type, 'accepted', p_reply, p_payload_hash, p_actor_kind)
      on conflict (command_id) do nothing;
    if not found then
      -- the caller reads the first command's binding and tells a duplicate from a reuse
      raise exception 'command % was processed already', p_command_id using errcode = 'SA208';
    end if;
  end if;
end $$;

create or replace function sacp_append(p_appends jsonb, p_metadata jsonb, p_command_id text, p_command_type text, p_reply jsonb)
returns setof events
language sql as $$
  select * from sacp_append(p_appends, p_metadata, p_command_id, p_command_type, p_reply, null, null)
$$;

do $$ begin
  if exists (select 1 from pg_roles where rolname = 'sacp_service') then
    grant execute on function sacp_append(jsonb, jsonb, text, text, jsonb, text, text) to sacp_service;
  end if;
end $$;
`;
}
