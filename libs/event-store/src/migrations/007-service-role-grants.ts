import { SqlMigration, MIGRATIONS_TABLE } from './sql-migration';

/**
 * Least privilege for the services. Migrations run as the role that owns the
 * database (its tables, triggers and functions); the services connect as a login role
 * that is a member of the NOLOGIN group `sacp_service`, and get only what their code
 * does (test/integration/event-store/database-roles.test.ts checks every table):
 *
 * - events, command_audit: read and insert. No UPDATE, DELETE or TRUNCATE privilege,
 *   and as non-owners they can neither disable nor drop the append-only triggers.
 *   Events are inserted without `transaction_id`, `recorded_at` or `global_position`:
 *   those come from the database, never from the writer.
 * - streams: the append's version counter (insert, and update of `version` only).
 * - commands: the first outcome of each command id. The rejection path's upsert is a
 *   no-op update of `command_id` (to return the stored row); a trigger refuses any
 *   update that changes a row, so a stored outcome never changes.
 * - read models (agent_registry, template_registry) and checkpoints: what the
 *   projector and relay write; read models are also emptied by a rebuild.
 * - secrets: encrypted values, written by `secret.set`, read by the reconciler.
 * - the migrations' bookkeeping (TypeORM's `typeorm_migrations`; before TypeORM ran the
 *   migrations this line granted the same on the hand-written runner's `schema_migrations`,
 *   which a store migrated back then keeps): read, so a service can say the schema is
 *   not migrated.
 *
 * A column-level grant does not cover columns added later: a migration that adds a
 * column to `events` grants it too. Tables added later are readable by default (below);
 * any write is granted by the migration that creates the table.
 */
export class ServiceRoleGrants1700000000007 extends SqlMigration {
  readonly name = 'ServiceRoleGrants1700000000007';
  readonly legacyId = '007-service-role-grants';
  readonly sql = /* sql */ `
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'sacp_service') then
    raise exception 'role sacp_service does not exist: create it before migrating (bash scripts/services.sh does)'
      using errcode = 'undefined_object';
  end if;
  -- only the owner (and its members) and the service role may connect to this database
  execute format('revoke connect, temporary on database %I from public', current_database());
  execute format('grant connect on database %I to sacp_service', current_database());
end $$;

grant usage on schema public to sacp_service;

grant select on events to sacp_service;
grant insert (stream_id, stream_position, event_id, type, schema_version, data, metadata) on events to sacp_service;
grant select, insert on command_audit to sacp_service;
grant select, insert, update (version) on streams to sacp_service;
grant select, insert, update (command_id) on commands to sacp_service;
grant select, insert, update on checkpoints to sacp_service;
grant select, insert, update, delete on agent_registry, template_registry to sacp_service;
grant select, insert, update on secrets to sacp_service;
grant select on ${MIGRATIONS_TABLE} to sacp_service;
grant usage on all sequences in schema public to sacp_service;

revoke execute on function sacp_append(jsonb, jsonb, text, text, jsonb) from public;
grant execute on function sacp_append(jsonb, jsonb, text, text, jsonb) to sacp_service;

create function sacp_refuse_rewrite() returns trigger language plpgsql as $fn$
begin
  if new is distinct from old then
    raise exception 'a row of % is written once: changing it is not allowed', tg_table_name
      using errcode = 'insufficient_privilege';
  end if;
  return new;
end $fn$;
create trigger commands_write_once before update on commands
  for each row execute function sacp_refuse_rewrite();
create trigger commands_no_delete before delete or truncate on commands
  for each statement execute function sacp_refuse_change();

-- tables and sequences later migrations create (as this same role) are readable by the services
alter default privileges in schema public grant select on tables to sacp_service;
alter default privileges in schema public grant usage on sequences to sacp_service;
`;
}
