import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTestDatabase } from '../../support/postgres';
import { startNats, type TestNats } from '../../support/nats-server';
import { freePort, waitFor } from '../../support/ports';
import { REPO_ROOT } from '../../support/service-process';
import { FIXTURE_CONFIG_DIR } from '../../support/control-plane';

/*
 * The real scripts/up.sh and scripts/down.sh, with their own state directory (a temp
 * dir: supervisord's config, socket, pid, the environment files and the logs), free
 * ports, their own database (migrated by up.sh as its owner, the services on the
 * services' role) and their own nats-server, and their own SACP_INSTANCE label on Docker.
 * What they share with the machine: the Postgres cluster, its roles and the Docker
 * engine (SACP_UP_SKIP_SERVICES=1: step 1, scripts/services.sh, is not run, as it would
 * reset the roles' passwords from this state directory), the supervisor package, and
 * dist/ and the images (SACP_UP_SKIP_BUILD=1: this test does not rebuild).
 * Needs root, as up.sh does.
 */
const ODD = `q"uo'te, 100% $HOME \\x`;
const SERVICES = [
  { service: 'orchestrator', portVar: 'ORCHESTRATOR_HTTP_PORT' },
  { service: 'monitor', portVar: 'MONITOR_HTTP_PORT' },
  { service: 'discord-gateway', portVar: 'DISCORD_GATEWAY_HTTP_PORT' },
  { service: 'api', portVar: 'API_HTTP_PORT' },
] as const;

describe('scripts/up.sh runs the services under supervision (real script, real processes)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'sacp-up-'));
  const env: Record<string, string> = {};
  const ports: Record<string, number> = {};
  let nats: TestNats;
  let dropDb: () => Promise<void>;
  let downRan = false;

  const run = (script: string, timeoutMs = 120_000) => {
    const r = spawnSync('bash', [join(REPO_ROOT, 'scripts', script)], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
      encoding: 'utf8',
      timeout: timeoutMs,
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const ctl = (...args: string[]) => spawnSync('supervisorctl', ['-c', join(stateDir, 'supervisor/supervisord.conf'), ...args], { encoding: 'utf8' });
  const pidOf = (s: string): number => Number(ctl('pid', s).stdout.trim());
  const ready = async (s: string) => (await fetch(`http://127.0.0.1:${ports[s]}/health/ready`).catch(() => null))?.status === 200;
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  /** every process whose command line names this state directory's supervisord or this checkout's services under it */
  const ourProcesses = () => {
    const daemon = Number(readFileSafe(join(stateDir, 'run/supervisord.pid')));
    return spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter((l) => l.includes(stateDir) || (daemon && new RegExp(`^\\s*\\d+\\s+${daemon}\\s`).test(l)));
  };

  beforeAll(async () => {
    const db = await createTestDatabase();
    dropDb = db.drop;
    nats = await startNats();
    for (const { service, portVar } of SERVICES) {
      ports[service] = await freePort();
      env[portVar] = String(ports[service]);
    }
    Object.assign(env, {
      SACP_STATE_DIR: stateDir,
      DATABASE_URL: db.url,
      DATABASE_MIGRATION_URL: db.ownerUrl,
      NATS_URL: nats.url,
      // the test's own nats-server wrote its credentials, as services.sh's "sacp bus init" does
      SACP_NATS_CREDENTIALS_DIR: dirname(nats.credentialFile('orchestrator')),
      // up.sh gives the orchestrator that directory's parent (SACP_NATS_DIR); its agent bus gateway gets a port of its own
      SACP_AGENT_BUS_PORT: String(await freePort()),
      SACP_CONFIG_DIR: FIXTURE_CONFIG_DIR,
      SACP_INSTANCE: `sup${Date.now().toString(36)}`,
      SACP_UP_SKIP_BUILD: '1',
      // scripts/services.sh would reset the shared roles' passwords from this state directory
      SACP_UP_SKIP_SERVICES: '1',
      SACP_SUPERVISOR: 'supervisord',
      SACP_UP_TIMEOUT: '90',
      // passed through to every service, exactly: quotes, a comma, %, $ and a backslash
      SACP_TEST_ODD_VALUE: ODD,
    });
  });

  afterAll(async () => {
    if (!downRan) run('down.sh');
    await nats?.stop();
    await dropDb?.();
    rmSync(stateDir, { recursive: true, force: true });
  });

  test('up.sh starts every service under its own supervisord and waits until each is ready', () => {
    const r = run('up.sh');
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /SuperAgent Control Plane is up\./);
    assert.match(r.out, /supervisor\s+supervisord: supervisorctl -c .*supervisord\.conf status/);
    const status = ctl('status').stdout;
    for (const { service } of SERVICES) assert.match(status, new RegExp(`^${service}\\s+RUNNING`, 'm'), status);
    assert.ok(existsSync(join(stateDir, 'supervisor/supervisord.conf')));
    assert.doesNotMatch(readFileSync(join(stateDir, 'supervisor/supervisord.conf'), 'utf8'), /SACP_SECRET_KEY/);
    assert.ok(existsSync(join(stateDir, 'run/supervisor.sock')));
    assert.ok(existsSync(join(stateDir, 'logs/orchestrator.log')));
    // each service gets only its own settings, from a file only root reads
    for (const { service } of SERVICES) {
      const file = join(stateDir, `env/${service}.env`);
      assert.equal(statSync(file).mode & 0o777, 0o600, file);
      const environ = processEnv(pidOf(service));
      assert.equal(environ.SACP_SECRET_KEY !== undefined, service === 'orchestrator', `${service} and SACP_SECRET_KEY`);
      assert.equal(environ.SACP_TEST_ODD_VALUE, ODD, `${service} got the value as it was`);
      assert.equal(environ.NATS_URL, env.NATS_URL);
      // only the orchestrator writes agents' bus credentials, next to the services' own
      assert.equal(environ.SACP_NATS_DIR, service === 'orchestrator' ? nats.natsDir : undefined, `${service} and SACP_NATS_DIR`);
      // the services' role, except for the gateway (bus only); the owner's URL reaches no service
      assert.equal(environ.DATABASE_URL, service === 'discord-gateway' ? undefined : env.DATABASE_URL, `${service} and DATABASE_URL`);
      assert.equal(environ.DATABASE_MIGRATION_URL, undefined, `${service} and DATABASE_MIGRATION_URL`);
    }
  });

  test('up.sh run again starts no duplicate: same pids, one process per service', () => {
    const before = Object.fromEntries(SERVICES.map(({ service }) => [service, pidOf(service)]));
    const r = run('up.sh');
    assert.equal(r.status, 0, r.out);
    for (const { service } of SERVICES) {
      assert.equal(pidOf(service), before[service], `${service} was restarted`);
      assert.match(r.out, new RegExp(`${service} already running`));
      const copies = ourProcesses().filter((l) => l.includes(`dist/apps/${service}/main.js`));
      assert.equal(copies.length, 1, copies.join('\n'));
    }
    const daemons = ourProcesses().filter((l) => /supervisord/.test(l));
    assert.equal(daemons.length, 1, daemons.join('\n'));
  });

  test("up.sh run with one service's setting changed restarts that service only", async () => {
    const before = Object.fromEntries(SERVICES.map(({ service }) => [service, pidOf(service)]));
    env.MONITOR_SAMPLE_INTERVAL_MS = '5000';
    const r = run('up.sh');
    assert.equal(r.status, 0, r.out);
    for (const { service } of SERVICES) {
      if (service === 'monitor') assert.notEqual(pidOf(service), before[service], 'the monitor was restarted');
      else assert.equal(pidOf(service), before[service], `${service} was left alone`);
    }
    assert.equal(processEnv(pidOf('monitor')).MONITOR_SAMPLE_INTERVAL_MS, '5000');
    assert.equal(await ready('monitor'), true);
  });

  for (const { service } of SERVICES) {
    test(`${service} killed with SIGKILL is running again within 10 s (new pid, ready)`, async () => {
      const old = pidOf(service);
      assert.ok(old > 0);
      process.kill(old, 'SIGKILL');
      const killedAt = Date.now();
      await waitFor(
        `${service} to be back`,
        async () => {
          const pid = pidOf(service);
          return pid > 0 && pid !== old && !alive(old) && (await ready(service));
        },
        10_000,
        100,
      );
      const took = Date.now() - killedAt;
      assert.ok(took < 10_000, `back after ${took} ms`);
    });
  }

  test('down.sh stops every service and supervisord: no process of this state directory is left', async () => {
    const pids = SERVICES.map(({ service }) => pidOf(service));
    const daemon = Number(readFileSafe(join(stateDir, 'run/supervisord.pid')));
    assert.ok(daemon > 0);
    const r = run('down.sh');
    downRan = true;
    assert.equal(r.status, 0, r.out);
    for (const { service } of SERVICES) assert.match(r.out, new RegExp(`${service} stopped`));
    await waitFor('every process to be gone', async () => [daemon, ...pids].every((p) => !alive(p)), 5_000);
    assert.deepEqual(ourProcesses(), []);
    for (const { service } of SERVICES) assert.equal(await ready(service), false);
  });
});

/** The environment a process runs with, from /proc. */
function processEnv(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean)) out[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
  return out;
}

function readFileSafe(p: string): string {
  try {
    return readFileSync(p, 'utf8').trim();
  } catch {
    return '';
  }
}
