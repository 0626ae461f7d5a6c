import { SqlMigration } from './sql-migration';

/**
 * Users' password hashes (argon2id) and API tokens (the SHA-256 of the token, never
 * the token), written by the orchestrator in the transaction of the command's events.
 * The events say who has which role; these tables hold what signing in checks.
 * The services may add, re-role and remove users, add tokens, and mark a token
 * revoked or used; they can neither change a stored hash nor forget a revocation.
 */
export class Credentials1700000000011 extends SqlMigration {
  readonly name = 'Credentials1700000000011';
  readonly legacyId = '011-credentials';
  readonly sql = /* sql */ `
create table user_credentials (
  user_id       text        primary key,
  name          text        not null unique,
  role          text        not null check (role in ('viewer', 'operator', 'admin')),
  password_hash text        not null check (password_hash like '$argon2id$%'),
  created_at    timestamptz not null default clock_timestamp(),
  updated_at    timestamptz not null default clock_timestamp()
);

create table api_tokens (
  token_id     text        primary key,
  token_hash   bytea       not null unique check (length(token_hash) = 32),
  name         text        not null,
  role         text        not null check (role in ('viewer', 'operator', 'admin')),
  user_name    text,
  expires_at   timestamptz,
  created_at   timestamptz not null default clock_timestamp(),
  revoked_at   timestamptz,
  last_used_at timestamptz
);
create index api_tokens_user on api_tokens (user_name) where revoked_at is null;

-- a revocation is final: no writer clears it
create function api_token_revocation_is_final() returns trigger language plpgsql as $fn$
begin
  if old.revoked_at is not null and new.revoked_at is distinct from old.revoked_at then
    raise exception 'token % was revoked; a revocation cannot be undone', old.token_id;
  end if;
  return new;
end $fn$;
create trigger api_tokens_revocation_final before update on api_tokens
  for each row execute function api_token_revocation_is_final();

do $$ begin
  if exists (select 1 from pg_roles where rolname = 'sacp_service') then
    grant select, insert, delete on user_credentials to sacp_service;
    grant update (role, updated_at) on user_credentials to sacp_service;
    grant select, insert on api_tokens to sacp_service;
    grant update (revoked_at, last_used_at) on api_tokens to sacp_service;
  end if;
end $$;
`;
}
