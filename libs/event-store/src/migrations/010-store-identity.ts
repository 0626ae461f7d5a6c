import { SqlMigration } from './sql-migration';

/**
 * The event store's own identity: a random id made once, when this database is
 * created. Every container the control plane makes carries it as the `sacp.store`
 * label, so a second control plane on the same Docker engine (another database,
 * even under the same instance name) never mistakes those containers for its own.
 *
 * A restored backup keeps the id (it is the same store, at an older point of its
 * history): containers made after the backup was taken then carry our labels for
 * agents the restored history does not know, and are quarantined (stopped, kept,
 * alerted), never removed at once. The one row cannot be changed or deleted.
 */
export class StoreIdentity1700000000010 extends SqlMigration {
  readonly name = 'StoreIdentity1700000000010';
  readonly legacyId = '010-store-identity';
  readonly sql = /* sql */ `
create table store_identity (
  singleton  boolean primary key default true check (singleton),
  store_id   uuid        not null default gen_random_uuid(),
  created_at timestamptz not null default clock_timestamp()
);
insert into store_identity default values;

create function store_identity_is_frozen() returns trigger language plpgsql as $fn$
begin
  raise exception 'the store identity is written once and never changed';
end $fn$;
create trigger store_identity_frozen before update or delete or truncate on store_identity
  for each statement execute function store_identity_is_frozen();

do $$ begin
  if exists (select 1 from pg_roles where rolname = 'sacp_service') then
    grant select on store_identity to sacp_service;
  end if;
end $$;
`;
}
