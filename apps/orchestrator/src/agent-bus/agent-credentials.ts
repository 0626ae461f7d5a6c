import { readFileSync } from 'node:fs';
import { agentBusUser } from '@sacp/agent-protocol';
import { connectBus, ensureCredential, pidFilePath, removeCredential, writeServerConfig, type BusCredential } from '@sacp/bus';
import { JsonLogger } from '@sacp/platform';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Per-agent NATS credentials: `<natsDir>/credentials/agent-<agentId>.json` (mode 600, like
 * the services'), added to the server config, which nats-server reloads on SIGHUP (the
 * pid in `<natsDir>/nats-server.pid`). One credential per agent, kept across its
 * container generations, deleted when the agent is removed. The password goes only into
 * that file and the agent's container environment: never into events, labels or logs.
 */
export class AgentCredentials {
  /** one change at a time in this process; replicas that race each re-write and reload until their user is accepted */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly natsDir: string,
    private readonly natsUrl: string,
    private readonly log: JsonLogger,
    private readonly acceptTimeoutMs = 15_000,
  ) {}

  /** The agent's credential, created when missing; resolves once NATS accepts it. */
  ensure(agentId: string): Promise<BusCredential> {
    return this.serialized(async () => {
      const { credential, created } = ensureCredential(this.natsDir, agentBusUser(agentId), 'agent');
      // should it ever reach a log line (an error quoting the environment), it is written [redacted]
      JsonLogger.redactValue(credential.password);
      if (!created && (await this.accepted(credential))) return credential;
      const started = Date.now();
      for (let round = 0; ; round++) {
        // re-written every round: another replica may have written the config from a listing without this file
        if (writeServerConfig(this.natsDir).changed || round > 0) this.reload();
        for (const until = Date.now() + 2000; Date.now() < until; await sleep(100)) if (await this.accepted(credential)) return credential;
        if (Date.now() - started > this.acceptTimeoutMs)
          throw new Error(
            `NATS did not accept the new credential ${credential.user} after reloading its config: is SACP_NATS_DIR (${this.natsDir}) the directory of the running nats-server's config?`,
          );
      }
    });
  }

  /** Deletes the agent's credential and reloads NATS, which then refuses it (and drops its connections). */
  remove(agentId: string): Promise<void> {
    return this.serialized(async () => {
      if (!removeCredential(this.natsDir, agentBusUser(agentId))) return;
      writeServerConfig(this.natsDir);
      this.reload();
      this.log.info('agent bus credential removed', { agentId });
    });
  }

  private reload(): void {
    const pidFile = pidFilePath(this.natsDir);
    let pid: number;
    try {
      pid = Number(readFileSync(pidFile, 'utf8').trim());
    } catch (err) {
      throw new Error(`cannot read ${pidFile} (${(err as Error).message}): nats-server must run with the config "sacp bus init" wrote in ${this.natsDir}`);
    }
    try {
      process.kill(pid, 'SIGHUP');
    } catch (err) {
      throw new Error(
        `cannot signal nats-server (pid ${pid} from ${pidFile}) to reload its config: ${(err as Error).message}; the orchestrator needs the same user as nats-server (or root) and the host's pid namespace`,
      );
    }
  }

  private async accepted(c: BusCredential): Promise<boolean> {
    try {
      const nc = await connectBus({ url: this.natsUrl, name: 'sacp-orchestrator-credential-probe', reconnect: false, credentials: c });
      await nc.close();
      return true;
    } catch {
      return false;
    }
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
