import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as netConnect } from 'node:net';
import type { NatsConnection } from '@nats-io/nats-core';
import { connectBus, credentialPath, ensureCredential, initBus, readCredentialFile, writeServerConfig, type BusCredential } from '@sacp/bus';
import { freePort, waitFor } from './ports';

export interface TestNats {
  url: string;
  port: number;
  /** the directory `sacp bus init` would write: server config and credentials/<user>.json */
  natsDir: string;
  /** the credential file of a service role or reader, for a process's NATS_CREDENTIALS_FILE */
  credentialFile(user: string): string;
  credential(user: string): BusCredential;
  /** a client connected as this credential (a service role or a reader added with addReader) */
  connectAs(user: string, options?: { reconnect?: boolean }): Promise<NatsConnection>;
  /** adds a read-only credential and reloads the server, as `sacp bus add-reader` does */
  addReader(name: string, consumers?: string[]): Promise<BusCredential>;
  stop(): Promise<void>;
  /** a server restart on the same port and store, for outage tests */
  restart(): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = netConnect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

/**
 * A private nats-server with JetStream for one test file, configured the way
 * `sacp bus init` configures production: authorization on, one credential per
 * service role, each with only its own permissions.
 */
export async function startNats(): Promise<TestNats> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sacp-nats-'));
  const { configPath } = initBus(dir, { host: '127.0.0.1', port });
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn('nats-server', ['-c', configPath], { stdio: 'ignore' });
    await waitFor(`nats-server on ${port}`, () => portOpen(port), 10_000, 50);
  };
  const kill = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  };
  await start();
  const url = `nats://127.0.0.1:${port}`;
  const credential = (user: string) => readCredentialFile(credentialPath(dir, user));
  return {
    url,
    port,
    natsDir: dir,
    credentialFile: (user) => credentialPath(dir, user),
    credential,
    connectAs: (user, o = {}) => connectBus({ url, name: `test-${user}`, reconnect: o.reconnect ?? true, credentials: credential(user) }),
    addReader: async (name, consumers) => {
      const { credential: c } = ensureCredential(dir, name, 'reader', consumers);
      writeServerConfig(dir);
      proc?.kill('SIGHUP');
      // the reload is asynchronous: wait until the new user can connect
      await waitFor(
        `reader ${name} accepted`,
        async () => {
          const nc = await connectBus({ url, name: 'probe', reconnect: false, credentials: c }).catch(() => null);
          await nc?.close();
          return nc !== null;
        },
        5000,
        50,
      );
      return c;
    },
    start,
    kill,
    restart: async () => {
      await kill();
      await start();
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
