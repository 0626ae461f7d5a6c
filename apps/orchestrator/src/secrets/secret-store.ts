import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretRepository, StoreTransaction } from '@sacp/event-store';
import { ErrorCodes } from '@sacp/events';
import { DomainError, type Template } from '@sacp/domain';

/**
 * Secret values encrypted with AES-256-GCM under SACP_SECRET_KEY. Only the container's
 * environment ever sees a value in clear; events, logs and labels carry the name.
 */
export class SecretStore {
  private readonly key: Buffer | null;

  constructor(
    private readonly secrets: SecretRepository,
    keyBase64: string | undefined,
  ) {
    this.key = keyBase64 ? Buffer.from(keyBase64, 'base64') : null;
  }

  private requireKey(): Buffer {
    if (!this.key)
      throw new DomainError(ErrorCodes.SECRET_NOT_FOUND, 'secrets are disabled: set SACP_SECRET_KEY to 32 random bytes in base64 (openssl rand -base64 32) for the orchestrator');
    return this.key;
  }

  /** Encrypts and stores a value; returns its new version. Runs inside the append's transaction `tx` when given. */
  async put(tx: StoreTransaction | undefined, name: string, value: string): Promise<number> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.requireKey(), iv);
    cipher.setAAD(Buffer.from(name));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return this.secrets.put(tx, { name, iv, tag: cipher.getAuthTag(), ciphertext });
  }

  /** Replaces the templates a stored secret is granted to. Runs inside the append's transaction `tx` when given. */
  async grant(tx: StoreTransaction | undefined, name: string, templates: string[]): Promise<void> {
    await this.secrets.grant(tx, name, templates);
  }

  /** The templates a secret is granted to, or null when no such secret is stored. */
  grants(name: string): Promise<string[] | null> {
    return this.secrets.grants(name);
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

  currentVersion(name: string): Promise<number> {
    return this.secrets.currentVersion(name);
  }

  /**
   * The values of every secret a template refers to and is granted; a stored secret
   * it is not granted is refused, a missing one is left out (the caller says how to add it).
   */
  async resolveFor(template: Template): Promise<Record<string, string>> {
    const names = secretNames(template);
    if (!names.length) return {};
    const key = this.requireKey();
    const sealed = await this.secrets.sealed(names);
    for (const r of sealed) if (!r.granted.includes(template.name)) throw notGranted(r.name, template.name, r.granted);
    const out: Record<string, string> = {};
    for (const r of sealed) {
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
