import { SqlMigration } from './sql-migration';

/** Secret values, encrypted at rest (AES-256-GCM). Events refer to secrets by name only. */
export class Secrets1700000000003 extends SqlMigration {
  readonly name = 'Secrets1700000000003';
  readonly legacyId = '003-secrets';
  readonly sql = /* sql */ `
create table secrets (
  name        text primary key,
  version     integer     not null,
  iv          bytea       not null,
  tag         bytea       not null,
  ciphertext  bytea       not null,
  updated_at  timestamptz not null default clock_timestamp()
);
`;
}
