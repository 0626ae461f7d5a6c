/** The registry shows health, the last exit, scheduled restarts and the last alert per agent. */
export const migration006 = {
  id: '006-registry-health',
  sql: /* sql */ `
alter table agent_registry
  add column health             text    not null default 'unknown',
  add column last_oom_killed    boolean not null default false,
  add column restart_due_at     timestamptz,
  add column recovery_abandoned boolean not null default false,
  add column last_alert         jsonb;
`,
};
