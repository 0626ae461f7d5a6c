import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ensureCredential, initBus, pidFilePath, writeServerConfig, SERVICE_ROLES } from '@sacp/bus';
import type { CliContext } from '../context';
import { CliError, ExitCode, UsageError } from '../errors';
import type { Runtime } from '../runtime';

interface InitOptions {
  stateDir?: string;
  host: string;
  port: number;
  maxPayload: number;
}

/**
 * Tells a running nats-server to re-read its config (SIGHUP): new credentials take
 * effect without dropping anyone's connection. No pid file means no server to tell.
 */
function reloadServer(natsDir: string): string {
  const pidFile = pidFilePath(natsDir);
  if (!existsSync(pidFile)) return 'no running nats-server found (no pid file); start it with the config above';
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  try {
    process.kill(pid, 'SIGHUP');
    return `nats-server (pid ${pid}) reloaded its config`;
  } catch (err) {
    return `nats-server pid ${pid} could not be signalled (${(err as NodeJS.ErrnoException).code}); restart it, or run this as its owner`;
  }
}

const natsDirOf = (ctx: CliContext, stateDir?: string) => join(resolve(stateDir ?? ctx.env.stateDir), 'nats');

/**
 * `sacp bus ...`: the bus's server config and credentials, on this machine. They never
 * talk to NATS themselves; they write files (mode 600) that nats-server and every
 * service read, under `<state dir>/nats`.
 */
export function registerBus(program: Command, rt: Runtime): void {
  const bus = program.command('bus').summary('write the NATS server config and the credentials of every service and external reader');

  bus
    .command('init')
    .summary('create missing service credentials and (re)write the server config; idempotent')
    .option('--state-dir <dir>', 'the state directory (default: $SACP_STATE_DIR or /var/lib/sacp)')
    .option('--host <address>', 'address nats-server listens on', '127.0.0.1')
    .option('--port <port>', 'port nats-server listens on', (v) => Number(v), 4222)
    .option('--max-payload <bytes>', 'largest message nats-server accepts', (v) => Number(v), 1024 * 1024)
    .action(
      rt.action(async (ctx, o: InitOptions) => {
        if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) throw new UsageError('--port must be a port number (1-65535)');
        if (!Number.isInteger(o.maxPayload) || o.maxPayload < 1024) throw new UsageError('--max-payload must be a whole number of bytes, at least 1024');
        const natsDir = natsDirOf(ctx, o.stateDir);
        const r = initBus(natsDir, { host: o.host, port: o.port, maxPayload: o.maxPayload });
        ctx.io.out(`server config: ${r.configPath}${r.changed ? ' (written)' : ' (unchanged)'}\n`);
        for (const role of SERVICE_ROLES) ctx.io.out(`credential ${role}: ${join(natsDir, 'credentials', `${role}.json`)}${r.created.includes(role) ? ' (new)' : ''}\n`);
        if (r.changed) ctx.io.out(`${reloadServer(natsDir)}\n`);
      }),
    );

  bus
    .command('add-reader <name>')
    .summary('add a read-only credential for an external tool (sacp.evt.> and its own durable consumers)')
    .description(
      'Adds a credential that may subscribe to sacp.evt.> and create, read and ack durable consumers on SACP_EVENTS named after it (or those given with --consumer), and publish nothing else. Prints the file to hand to the tool; reloads a running nats-server.',
    )
    .option('--state-dir <dir>', 'the state directory (default: $SACP_STATE_DIR or /var/lib/sacp)')
    .option('--consumer <name...>', 'durable consumer names it owns (default: the credential name)')
    .action(
      rt.action(async (ctx, name: string, o: { stateDir?: string; consumer?: string[] }) => {
        if ((SERVICE_ROLES as readonly string[]).includes(name)) throw new UsageError(`"${name}" is a service's credential name; choose another`);
        for (const c of o.consumer ?? []) if (!/^[A-Za-z0-9_-]{1,64}$/.test(c)) throw new UsageError(`consumer name "${c}" must be letters, digits, "_" or "-"`);
        const natsDir = natsDirOf(ctx, o.stateDir);
        let created: boolean;
        try {
          created = ensureCredential(natsDir, name, 'reader', o.consumer).created;
          writeServerConfig(natsDir);
        } catch (err) {
          throw new CliError((err as Error).message, ExitCode.FAILED);
        }
        ctx.io.out(`credential ${name}: ${join(natsDir, 'credentials', `${name}.json`)}${created ? ' (new)' : ' (exists; unchanged)'}\n`);
        ctx.io.out(`connect with user "${name}", the password in that file, and inbox prefix "_INBOX.${name}"\n`);
        ctx.io.out(`${reloadServer(natsDir)}\n`);
      }),
    );
}
