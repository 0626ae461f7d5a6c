import { SqlMigration } from './sql-migration';

/**
 * The append as one server-side call: stream version checks, events and the
 * command's idempotency record in one statement, so an append costs one round trip.
 * Conflicts are raised with SQLSTATE SA409 (detail: JSON of stream, expected,
 * actual); a command id recorded before raises SA208.
 */
export class AppendFunction1700000000004 extends SqlMigration {
  readonly name = 'AppendFunction1700000000004';
  readonly legacyId = '004-append-function';
  readonly sql = /* sql */ `
create function sacp_append(p_appends jsonb, p_metadata jsonb, p_command_id text, p_command_type text, p_reply jsonb)
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
    insert into commands (command_id, command_type, outcome, reply) values (p_command_id, p_command_type, 'accepted', p_reply)
      on conflict (command_id) do nothing;
    if not found then
      raise exception 'command % was processed already', p_command_id using errcode = 'SA208';
    end if;
  end if;
end $$;
`;
}
