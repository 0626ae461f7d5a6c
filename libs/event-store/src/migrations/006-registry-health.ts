import { SqlMigration } from './sql-migration';

/** The registry shows health, the last exit, scheduled restarts and the last alert per agent. */
export class RegistryHealth1700000000006 extends SqlMigration {
  readonly name = 'RegistryHealth1700000000006';
  readonly legacyId = '006-registry-health';
  readonly sql = /* sql */ `
alter table agent_registry
  add column health             text    not null default 'unknown',
  add column last_oom_killed    boolean not null default false,
  add column restart_due_at     timestamptz,
  add column recovery_abandoned boolean not null default false,
  add column last_alert         jsonb;
`;
}
