import type { DataSource, EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { SecretEntity, SecretGrantEntity } from '../entities/secret.entity';

/** What is stored of a secret: its value encrypted (AES-256-GCM), never in clear. */
export interface SealedSecret {
  name: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/**
 * Secrets and their grants (migrations 003 and 009). Writes take the append's
 * transaction (`tx`), so a value and its grant commit with their events or not at all.
 */
export class SecretRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a sealed value as the secret's next version; returns that version. */
  async put(tx: EntityManager | undefined, sealed: SealedSecret): Promise<number> {
    // the version is counted by the row itself, so two writers never store the same version
    const rows: { version: number }[] = await (tx ?? this.dataSource.manager).query(
      `insert into secrets (name, version, iv, tag, ciphertext) values ($1, 1, $2, $3, $4)
       on conflict (name) do update set version = secrets.version + 1, iv = excluded.iv, tag = excluded.tag,
         ciphertext = excluded.ciphertext, updated_at = clock_timestamp()
       returning version`,
      [sealed.name, sealed.iv, sealed.tag, sealed.ciphertext],
    );
    return rows[0]!.version;
  }

  /** Replaces the templates a secret is granted to. */
  async grant(tx: EntityManager | undefined, name: string, templates: string[]): Promise<void> {
    const m = tx ?? this.dataSource.manager;
    await m.delete(SecretGrantEntity, { secretName: name });
    if (templates.length)
      await m
        .createQueryBuilder()
        .insert()
        .into(SecretGrantEntity)
        .values(templates.map((templateName) => ({ secretName: name, templateName })))
        .orIgnore()
        .updateEntity(false)
        .execute();
  }

  /** The templates a secret is granted to, in name order, or null when no such secret is stored. */
  async grants(name: string): Promise<string[] | null> {
    if (!(await this.dataSource.manager.existsBy(SecretEntity, { name }))) return null;
    const rows = await this.dataSource.manager.find(SecretGrantEntity, { where: { secretName: name }, order: { templateName: 'ASC' } });
    return rows.map((r) => r.templateName);
  }

  /** The stored version of a secret, 0 when it is not stored. */
  async currentVersion(name: string): Promise<number> {
    const row = await this.dataSource.manager.findOne(SecretEntity, { select: { version: true }, where: { name } });
    return row?.version ?? 0;
  }

  /** The sealed values of the named secrets that are stored, each with the templates it is granted to. */
  async sealed(names: string[]): Promise<(SealedSecret & { granted: string[] })[]> {
    if (!names.length) return [];
    const secrets = await this.dataSource.manager.find(SecretEntity, { where: { name: In(names) } });
    if (!secrets.length) return [];
    const grants = await this.dataSource.manager.find(SecretGrantEntity, { where: { secretName: In(secrets.map((s) => s.name)) }, order: { templateName: 'ASC' } });
    return secrets.map((s) => ({
      name: s.name,
      iv: s.iv,
      tag: s.tag,
      ciphertext: s.ciphertext,
      granted: grants.filter((g) => g.secretName === s.name).map((g) => g.templateName),
    }));
  }
}
