import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PoolClient, Pool } from 'pg';
import { ErrorCodes } from '@sacp/events';
import { DomainError, type Template } from '@sacp/domain';

/**
 * Secret values encrypted with AES-256-GCM under SACP_SECRET_KEY. Only the container's
 * environment ever sees a value in clear; events, logs and labels carry the name.
 */
export class SecretStore {
  private readonly key: Buffer | null;

  constructor(
    private readonly pool: Pool,
    keyBase64: string | undefined,
  ) {
    this.key = keyBase64 ? Buffer.from(keyBase64, 'base64') : null;
  }

  private requireKey(): Buffer {
    if (!this.key)
      throw new DomainError(ErrorCodes.SECRET_NOT_FOUND, 'secrets are disabled: set SACP_SECRET_KEY to 32 random bytes in base64 (openssl rand -base64 32) for the orchestrator');
    return this.key;
  }

  /** Encrypts and stores a value; returns its new version. Runs inside the caller's transaction. */
  async put(client: PoolClient | Pool, name: string, value: string): Promise<number> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.requireKey(), iv);
    cipher.setAAD(Buffer.from(name));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    const { rows } = await client.query<{ version: number }>(
      `insert into secrets (name, version, iv, tag, ciphertext) values ($1, 1, $2, $3, $4)
       on conflict (name) do update set version = secrets.version + 1, iv = excluded.iv, tag = excluded.tag,
         ciphertext = excluded.ciphertext, updated_at = clock_timestamp()
       returning version`,
      [name, iv, cipher.getAuthTag(), ciphertext],
    );
    return rows[0]!.version;
  }

  /** Replaces the templates a stored secret is granted to. Runs inside the caller's transaction. */
  async grant(client: PoolClient | Pool, name: string, templates: string[]): Promise<void> {
    await client.query('delete from secret_grants where secret_name = $1', [name]);
    await client.query('insert into secret_grants (secret_name, template_name) select $1, unnest($2::text[]) on conflict do nothing', [name, templates]);
  }

  /** The templates a secret is granted to, or null when no such secret is stored. */
  async grants(name: string): Promise<string[] | null> {
    const { rows } = await this.pool.query<{ template_name: string | null }>(
      'select g.template_name from secrets s left join secret_grants g on g.secret_name = s.name where s.name = $1 order by g.template_name',
      [name],
    );
    if (!rows.length) return null;
    return rows.flatMap((r) => (r.template_name ? [r.template_name] : []));
  }

  /**
   * Refuses a template that names a stored secret it is not granted. A secret not
   * stored yet is left to container creation, which waits for it (and its grant).
   */
  async assertGranted(templateName: string, template: Template): Promise<void> {
    for (const name of secretNames(template)) {
      const granted = await this.grants(name);
      if (granted && !granted.includes(templateName)) throw notGranted(name, templateName, granted);
    }
  }

  async currentVersion(name: string): Promise<number> {
    const { rows } = await this.pool.query<{ version: number }>('select version from secrets where name = $1', [name]);
    return rows[0]?.version ?? 0;
  }

  /**
   * The values of every secret a template refers to and is granted; a stored secret
   * it is not granted is refused, a missing one is left out (the caller says how to add it).
   */
  async resolveFor(template: Template): Promise<Record<string, string>> {
    const names = secretNames(template);
    if (!names.length) return {};
    const key = this.requireKey();
    const { rows } = await this.pool.query<{ name: string; iv: Buffer; tag: Buffer; ciphertext: Buffer; granted: string[] }>(
      `select s.name, s.iv, s.tag, s.ciphertext,
              coalesce(array_agg(g.template_name order by g.template_name) filter (where g.template_name is not null), '{}') as granted
         from secrets s left join secret_grants g on g.secret_name = s.name
        where s.name = any($1)
        group by s.name, s.iv, s.tag, s.ciphertext`,
      [names],
    );
    for (const r of rows) if (!r.granted.includes(template.name)) throw notGranted(r.name, template.name, r.granted);
    const out: Record<string, string> = {};
    for (const r of rows) {
      const decipher = createDecipheriv('aes-256-gcm', key, r.iv);
      decipher.setAAD(Buffer.from(r.name));
      decipher.setAuthTag(r.tag);
      out[r.name] = Buffer.concat([decipher.update(r.ciphertext), decipher.final()]).toString('utf8');
    }
    return out;
  }
}

const secretNames = (template: Template): string[] => [...new Set(Object.values(template.env).flatMap((v) => (typeof v === 'string' ? [] : [v.secretRef])))];

function notGranted(secret: string, template: string, granted: string[]): DomainError {
  return new DomainError(
    ErrorCodes.SECRET_NOT_GRANTED,
    `template "${template}" may not use secret "${secret}": it is granted to ${granted.length ? granted.join(', ') : 'no template'}; an admin grants it with: sacp secret grant ${secret} --templates ${[...granted, template].join(',')}`,
    { secret, template, granted },
  );
}
