import { SqlMigration } from './sql-migration';

/** Read models. Rebuildable from the events table at any time (`sacp replay`). */
export class ReadModels1700000000002 extends SqlMigration {
  readonly name = 'ReadModels1700000000002';
  readonly legacyId = '002-read-models';
  readonly sql = /* sql */ `
create table agent_registry (
  agent_id         text primary key,
  name             text        not null,
  template_name    text,
  template_version integer,
  adopted          boolean     not null,
  generation       integer     not null,
  desired          text        not null,
  observed         text        not null,
  container_id     text,
  container_name   text,
  last_exit_code   integer,
  restarts         integer     not null,
  last_error       jsonb,
  created_at       timestamptz,
  updated_at       timestamptz,
  version          integer     not null,
  -- the folded state, so the projection continues from exactly what replay would produce
  state            jsonb       not null
);
create index agent_registry_name on agent_registry (name);

create table template_registry (
  name        text primary key,
  version     integer     not null,
  hash        text        not null,
  file        text        not null,
  definition  jsonb       not null,
  updated_at  timestamptz not null
);
`;
}
