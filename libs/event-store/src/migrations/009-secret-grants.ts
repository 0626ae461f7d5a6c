import { SqlMigration } from './sql-migration';

/**
 * Which templates may use each secret. A secret is usable only by the templates it
 * is granted to (`sacp secret set NAME --templates a,b`). Secrets stored before grants
 * existed keep working for the templates that already refer to them: they are granted
 * to every template whose registered versions name them in a secretRef.
 */
export class SecretGrants1700000000009 extends SqlMigration {
  readonly name = 'SecretGrants1700000000009';
  readonly legacyId = '009-secret-grants';
  readonly sql = /* sql */ `
create table secret_grants (
  secret_name   text not null references secrets (name) on delete cascade,
  template_name text not null,
  primary key (secret_name, template_name)
);

insert into secret_grants (secret_name, template_name)
select distinct s.name, e.data ->> 'name'
  from secrets s
  join events e on e.type = 'template.version_registered'
 where exists (
   select 1 from jsonb_each(coalesce(e.data -> 'definition' -> 'env', '{}'::jsonb)) kv
    where jsonb_typeof(kv.value) = 'object' and kv.value ->> 'secretRef' = s.name)
on conflict do nothing;

do $$ begin
  if exists (select 1 from pg_roles where rolname = 'sacp_service') then
    grant select, insert, delete on secret_grants to sacp_service;
  end if;
end $$;
`;
}
