import { SqlMigration } from './sql-migration';

/** The append-only event store, idempotency records, the command audit and checkpoints. */
export class EventStore1700000000001 extends SqlMigration {
  readonly name = 'EventStore1700000000001';
  readonly legacyId = '001-event-store';
  readonly sql = /* sql */ `
create table events (
  global_position bigint generated always as identity primary key,
  stream_id       text        not null,
  stream_position integer     not null check (stream_position >= 1),
  event_id        uuid        not null unique,
  type            text        not null,
  schema_version  integer     not null,
  data            jsonb       not null,
  metadata        jsonb       not null,
  recorded_at     timestamptz not null default clock_timestamp(),
  transaction_id  xid8        not null default pg_current_xact_id(),
  unique (stream_id, stream_position)
);
-- commit-safe global order: readers walk (transaction_id, global_position)
create index events_commit_order on events (transaction_id, global_position);
create index events_type on events (type);

-- one row per stream: the row lock serialises appenders, the version check refuses stale ones
create table streams (
  stream_id text primary key,
  version   integer not null
);

create function sacp_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'the % table is append-only: % is not allowed', tg_table_name, tg_op
    using errcode = 'insufficient_privilege';
end $$;

create trigger events_append_only before update or delete on events
  for each row execute function sacp_refuse_change();
create trigger events_no_truncate before truncate on events
  for each statement execute function sacp_refuse_change();

create function sacp_notify_append() returns trigger language plpgsql as $$
begin
  perform pg_notify('sacp_events', new.stream_id);
  return null;
end $$;
create trigger events_notify after insert on events
  for each row execute function sacp_notify_append();

-- idempotency: the first outcome of a command id, replayed for every duplicate
create table commands (
  command_id   text primary key,
  command_type text        not null,
  outcome      text        not null check (outcome in ('accepted', 'rejected')),
  reply        jsonb       not null,
  recorded_at  timestamptz not null default clock_timestamp()
);

-- every command received, rejected and duplicate ones included
create table command_audit (
  id           bigint generated always as identity primary key,
  command_id   text,
  command_type text,
  actor        jsonb,
  source       text,
  reason       text,
  outcome      text        not null,
  error_code   text,
  message      text,
  payload      jsonb,
  recorded_at  timestamptz not null default clock_timestamp()
);
create index command_audit_command on command_audit (command_id);
create trigger command_audit_append_only before update or delete on command_audit
  for each row execute function sacp_refuse_change();
create trigger command_audit_no_truncate before truncate on command_audit
  for each statement execute function sacp_refuse_change();

-- how far each reader (relay, projections) has got, in commit-safe order
create table checkpoints (
  name           text primary key,
  transaction_id xid8        not null,
  global_position bigint     not null,
  updated_at     timestamptz not null default clock_timestamp()
);
`;
}
