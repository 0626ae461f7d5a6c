import { SqlMigration } from './sql-migration';

/**
 * The tasks read model: one row per task with its folded state (`state`, what a
 * replay of `task-<id>` produces) and the columns the lists, the dispatcher's queue
 * and its timer pass need. `due_at` is when the dispatcher must look at the task by
 * itself (an accept or run timeout, or the deadline of a queued task); with it in
 * the read model, a restarted dispatcher finds every timer. Kept by the tasks
 * projection; no task event exists before this migration.
 */
export class Tasks1700000000016 extends SqlMigration {
  readonly name = 'Tasks1700000000016';
  readonly legacyId = '016-tasks';
  readonly sql = /* sql */ `
create table tasks (
  task_id        text        primary key,
  title          text        not null,
  status         text        not null,
  priority_rank  smallint    not null,
  team           text,
  role           text,
  agent_id       text,
  parent_task_id text,
  due_at         timestamptz,
  state          jsonb       not null,
  created_at     timestamptz not null,
  updated_at     timestamptz not null,
  version        integer     not null
);

create index tasks_newest on tasks (created_at desc, task_id desc);
create index tasks_team on tasks (team, created_at desc, task_id desc);
create index tasks_agent on tasks (agent_id, created_at desc, task_id desc);
create index tasks_status on tasks (status, created_at desc, task_id desc);
create index tasks_queue on tasks (priority_rank desc, created_at, task_id) where status = 'queued';
create index tasks_open_by_agent on tasks (agent_id) where status in ('assigned', 'running');
create index tasks_due on tasks (due_at) where due_at is not null;

do $$ begin
  if exists (select 1 from pg_roles where rolname = 'sacp_service') then
    grant select, insert, update, delete on tasks to sacp_service;
  end if;
end $$;
`;
}
