import { SqlMigration } from './sql-migration';

/**
 * Dashboard sign-in sessions, shared by every API replica: the SHA-256 of the session
 * id (the cookie holds the id, the table never does), the user, the CSRF token of the
 * session, and its expiry. A session ends with its user (the foreign key) and with a
 * password change (user.set_password deletes the user's sessions in its commit), so
 * the services may also set a new password hash.
 */
export class ApiSessions1700000000012 extends SqlMigration {
  readonly name = 'ApiSessions1700000000012';
  readonly legacyId = '012-api-sessions';
  readonly sql = /* sql */ `
create table api_sessions (
  session_hash bytea       primary key check (length(session_hash) = 32),
  user_id      text        not null references user_credentials (user_id) on delete cascade,
  csrf_token   text        not null,
  created_at   timestamptz not null default clock_timestamp(),
  expires_at   timestamptz not null,
  last_seen_at timestamptz not null default clock_timestamp()
);
create index api_sessions_user on api_sessions (user_id);
create index api_sessions_expiry on api_sessions (expires_at);

do $$ begin
  if exists (select 1 from pg_roles where rolname = 'sacp_service') then
    grant select, insert, delete on api_sessions to sacp_service;
    grant update (last_seen_at) on api_sessions to sacp_service;
    grant update (password_hash) on user_credentials to sacp_service;
  end if;
end $$;
`;
}
