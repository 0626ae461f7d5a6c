/** Secret values, encrypted at rest (AES-256-GCM). Events refer to secrets by name only. */
export const migration003 = {
  id: '003-secrets',
  sql: /* sql */ `
create table secrets (
  name        text primary key,
  version     integer     not null,
  iv          bytea       not null,
  tag         bytea       not null,
  ciphertext  bytea       not null,
  updated_at  timestamptz not null default clock_timestamp()
);
`,
};
