import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PoolClient, Pool } from 'pg';
import { ErrorCodes } from '../../../../libs/events/src/error-codes';
import { DomainError } from '../../../../libs/domain/src/domain-error';
import type { Template } from '../../../../libs/domain/src/templates/template.schema';

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

  async currentVersion(name: string): Promise<number> {
    const { rows } = await this.pool.query<{ version: number }>('select version from secrets where name = $1', [name]);
    return rows[0]?.version ?? 0;
  }

  /** The values of every secret a template refers to. */
  async resolveFor(template: Template): Promise<Record<string, string>> {
    const names = [...new Set(Object.values(template.env).flatMap((v) => (typeof v === 'string' ? [] : [v.secretRef])))];
    if (!names.length) return {};
    const key = this.requireKey();
    const { rows } = await this.pool.query<{ name: string; iv: Buffer; tag: Buffer; ciphertext: Buffer }>(
      'select name, iv, tag, ciphertext from secrets where name = any($1)',
      [names],
    );
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
