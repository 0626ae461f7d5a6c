import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_ROLES, USER_NAME, type BusCredential, type BusRole } from './bus-permissions';
import { natsServerConfig, type NatsServerSettings } from './nats-server-config';

/**
 * The bus's credentials on disk: one JSON file per connection, mode 600, under
 * `<natsDir>/credentials/`, next to the generated server config. Nothing here is
 * ever in the repository; `sacp bus init` creates what is missing and keeps the rest.
 */
export const credentialsDir = (natsDir: string) => join(natsDir, 'credentials');
export const credentialPath = (natsDir: string, user: string) => join(credentialsDir(natsDir), `${user}.json`);
export const serverConfigPath = (natsDir: string) => join(natsDir, 'nats-server.conf');

/** Written atomically and private from the first byte: a half-written or world-readable secret never exists. */
function writePrivate(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function readCredentialFile(path: string): BusCredential {
  let parsed: Partial<BusCredential>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<BusCredential>;
  } catch (err) {
    throw new Error(`cannot read the NATS credentials file ${path}: ${(err as Error).message}; create it with "sacp bus init"`);
  }
  if (typeof parsed.user !== 'string' || !USER_NAME.test(parsed.user) || typeof parsed.password !== 'string' || !parsed.password)
    throw new Error(`the NATS credentials file ${path} is not valid: expected {"user": "...", "password": "...", "role": "..."}; recreate it with "sacp bus init"`);
  return { user: parsed.user, password: parsed.password, role: parsed.role ?? 'reader', ...(parsed.consumers ? { consumers: parsed.consumers } : {}) };
}

export function listCredentials(natsDir: string): BusCredential[] {
  const dir = credentialsDir(natsDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => readCredentialFile(join(dir, f)));
}

/** Creates the credential if it is missing; an existing one keeps its password, so running services stay connected. */
export function ensureCredential(natsDir: string, user: string, role: BusRole, consumers?: string[]): { credential: BusCredential; created: boolean } {
  if (!USER_NAME.test(user)) throw new Error(`"${user}" is not a valid credential name: lower-case letters, digits, "_" and "-"`);
  const path = credentialPath(natsDir, user);
  if (existsSync(path)) return { credential: readCredentialFile(path), created: false };
  mkdirSync(credentialsDir(natsDir), { recursive: true, mode: 0o700 });
  const credential: BusCredential = { user, password: randomBytes(24).toString('base64url'), role, ...(consumers?.length ? { consumers } : {}) };
  writePrivate(path, `${JSON.stringify(credential, null, 2)}\n`);
  return { credential, created: true };
}

/**
 * Every service credential (one per role, named after it) and the server config for
 * all credentials in the directory. Idempotent: `changed` says whether the config
 * text differs from what was there, i.e. whether a running server needs a reload.
 */
export function initBus(natsDir: string, server: Omit<NatsServerSettings, 'storeDir'> & { storeDir?: string }): { configPath: string; changed: boolean; created: string[] } {
  mkdirSync(natsDir, { recursive: true, mode: 0o700 });
  const created = SERVICE_ROLES.filter((role) => ensureCredential(natsDir, role, role).created);
  return { ...writeServerConfig(natsDir, server), created };
}

const settingsPath = (natsDir: string) => join(natsDir, 'server-settings.json');
export const pidFilePath = (natsDir: string) => join(natsDir, 'nats-server.pid');

/** Rewrites the server config from the credentials on disk; without settings, those of the last `init` are kept. */
export function writeServerConfig(natsDir: string, server?: Omit<NatsServerSettings, 'storeDir'> & { storeDir?: string }): { configPath: string; changed: boolean } {
  const configPath = serverConfigPath(natsDir);
  if (server) writePrivate(settingsPath(natsDir), `${JSON.stringify(server, null, 2)}\n`);
  else if (!existsSync(settingsPath(natsDir))) throw new Error(`${natsDir} has no server settings yet: run "sacp bus init" first`);
  const settings = server ?? (JSON.parse(readFileSync(settingsPath(natsDir), 'utf8')) as Omit<NatsServerSettings, 'storeDir'>);
  const text = natsServerConfig({ storeDir: natsDir, pidFile: pidFilePath(natsDir), ...settings }, listCredentials(natsDir));
  const before = existsSync(configPath) ? readFileSync(configPath, 'utf8') : null;
  if (before !== text) writePrivate(configPath, text);
  return { configPath, changed: before !== text };
}

/** Deletes a credential file; true when there was one. The server keeps accepting it until its config is rewritten and reloaded. */
export function removeCredential(natsDir: string, user: string): boolean {
  if (!USER_NAME.test(user)) throw new Error(`"${user}" is not a valid credential name`);
  const path = credentialPath(natsDir, user);
  if (!existsSync(path)) return false;
  rmSync(path, { force: true });
  return true;
}
