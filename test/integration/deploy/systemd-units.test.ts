import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/service-process';

/*
 * The systemd units in deploy/systemd, checked by systemd itself: `systemd-analyze
 * verify` loads each service's instance of the template with its drop-ins and must
 * print nothing (an unknown key or a bad value is only a warning there, so any output
 * fails the test). Debian's `systemd` package provides the tool; it is not skipped when
 * missing: the test fails saying what to install.
 */
const SERVICES = ['orchestrator', 'monitor', 'discord-gateway', 'api'];
const UNITS = join(REPO_ROOT, 'deploy/systemd');

function analyze(args: string[], unitPath: string) {
  const r = spawnSync('systemd-analyze', args, { env: { ...process.env, SYSTEMD_UNIT_PATH: `${unitPath}:`, SYSTEMD_LOG_COLOR: '0' }, encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    assert.fail('systemd-analyze is not installed: apt-get install --no-install-recommends systemd (Debian 12), then run this test again');
  }
  return r;
}

describe('systemd units (deploy/systemd)', () => {
  for (const unit of [...SERVICES.map((s) => `sacp@${s}.service`), 'sacp-migrate.service']) {
    test(`${unit} passes systemd-analyze verify with no warning`, () => {
      const r = analyze(['verify', unit], UNITS);
      assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'systemd-analyze printed warnings');
      assert.equal(r.status, 0);
    });
  }

  test('with the drop-in scripts/up.sh adds (this checkout, a state directory, log files) every unit still verifies', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sacp-units-'));
    try {
      cpSync(UNITS, dir, { recursive: true });
      const state = join(dir, 'state');
      const dropIn = spawnSync('bash', ['-c', 'set -euo pipefail; log() { :; }; fail() { echo "$*" >&2; exit 1; }; . "$REPO/scripts/supervise.sh"; sd_dropin'], {
        env: { PATH: process.env.PATH ?? '', REPO: REPO_ROOT, STATE_DIR: state, LOG_DIR: join(state, 'logs'), RUN_DIR: join(state, 'run'), NODE_BIN: process.execPath },
        encoding: 'utf8',
      });
      assert.equal(dropIn.status, 0, dropIn.stderr);
      assert.match(dropIn.stdout, new RegExp(`^ExecStart=${process.execPath} ${REPO_ROOT}/dist/apps/%i/main.js$`, 'm'));
      assert.match(dropIn.stdout, new RegExp(`^ReadWritePaths=${state}$`, 'm'));
      mkdirSync(join(dir, 'sacp@.service.d'), { recursive: true });
      writeFileSync(join(dir, 'sacp@.service.d/50-up.conf'), dropIn.stdout);
      const migrateDropIn = spawnSync(
        'bash',
        ['-c', 'set -euo pipefail; log() { :; }; fail() { exit 1; }; . "$REPO/scripts/supervise.sh"; sd_dropin dist/apps/orchestrator/migrate.js migrate'],
        {
          env: { PATH: process.env.PATH ?? '', REPO: REPO_ROOT, STATE_DIR: state, LOG_DIR: join(state, 'logs'), RUN_DIR: join(state, 'run'), NODE_BIN: process.execPath },
          encoding: 'utf8',
        },
      );
      assert.match(migrateDropIn.stdout, new RegExp(`^ExecStart=${process.execPath} ${REPO_ROOT}/dist/apps/orchestrator/migrate.js$`, 'm'));
      mkdirSync(join(dir, 'sacp-migrate.service.d'), { recursive: true });
      writeFileSync(join(dir, 'sacp-migrate.service.d/50-up.conf'), migrateDropIn.stdout);
      for (const unit of [...SERVICES.map((s) => `sacp@${s}.service`), 'sacp-migrate.service']) {
        const r = analyze(['verify', unit], dir);
        assert.equal(`${r.stdout}${r.stderr}`.trim(), '', `${unit} with the drop-in: systemd-analyze printed warnings`);
        assert.equal(r.status, 0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('verify is not blind: a misspelt key and a missing binary are reported', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sacp-units-'));
    try {
      cpSync(UNITS, dir, { recursive: true });
      const unit = join(dir, 'sacp@.service');
      const text = readFileSync(unit, 'utf8').replace('Restart=always', 'Restart=always\nRestrat=always').replace('/usr/bin/node ', '/usr/bin/no-such-node ');
      writeFileSync(unit, text);
      const r = analyze(['verify', 'sacp@api.service'], dir);
      assert.match(r.stderr, /Unknown key 'Restrat'/);
      assert.match(r.stderr, /no-such-node is not executable/);
      assert.notEqual(r.status, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('each service restarts, waits for its dependencies, and is hardened', () => {
    for (const s of SERVICES) {
      const r = analyze(['security', '--offline=yes', '--no-pager', `sacp@${s}.service`], UNITS);
      const text = `${r.stdout}${r.stderr}`;
      const exposure = /Overall exposure level for \S+: ([\d.]+)/.exec(text);
      assert.ok(exposure, `no exposure level in:\n${text}`);
      // 10 is an unhardened service; under 4 is what systemd calls "OK"
      assert.ok(Number(exposure[1]) < 4, `sacp@${s} exposure ${exposure[1]}:\n${text}`);
    }
    const unit = readFileSync(join(UNITS, 'sacp@.service'), 'utf8');
    for (const line of [
      'Restart=always',
      'RestartSec=2',
      'After=network-online.target postgresql.service nats-server.service docker.service',
      'EnvironmentFile=/etc/sacp/%i.env',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/sacp',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'User=sacp',
      'KillSignal=SIGTERM',
      'TimeoutStopSec=20',
    ]) {
      assert.ok(unit.split('\n').includes(line), `sacp@.service lacks ${line}`);
    }
    // the orchestrator starts after the migrations (as the owner), and only if they succeeded
    const migrateConf = readFileSync(join(UNITS, 'sacp@orchestrator.service.d/migrate.conf'), 'utf8');
    assert.match(migrateConf, /^Requires=sacp-migrate.service$/m);
    assert.match(migrateConf, /^After=sacp-migrate.service$/m);
    assert.match(readFileSync(join(UNITS, 'sacp-migrate.service'), 'utf8'), /^EnvironmentFile=\/etc\/sacp\/migrate.env$/m);
    // only the services that talk to Docker get its socket's group
    for (const s of SERVICES) {
      let dropIn = '';
      try {
        dropIn = readFileSync(join(UNITS, `sacp@${s}.service.d/docker.conf`), 'utf8');
      } catch {
        dropIn = '';
      }
      assert.equal(/^SupplementaryGroups=docker$/m.test(dropIn), s === 'orchestrator' || s === 'monitor', `docker group for ${s}`);
    }
  });
});

describe('the same policy in docker-compose.yml and under scripts/up.sh', () => {
  test('every compose service restarts unless stopped and gets 20 s to drain, like the units and supervisord', () => {
    const compose = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
    const anchor = /^x-service: &service\n((?: {2}.*\n|\s*#.*\n)+)/m.exec(compose)?.[1] ?? '';
    assert.match(anchor, /^ {2}restart: unless-stopped$/m);
    assert.match(anchor, /^ {2}stop_grace_period: 20s$/m);
    const services = compose.slice(compose.indexOf('\nservices:\n'));
    const names = [...services.matchAll(/^ {2}([a-z-]+):\n/gm)].map((m) => m[1]!);
    const blocks = services.split(/^ {2}[a-z-]+:\n/m).slice(1);
    // the one-shot steps (the migration, the bus credentials) run once per `up` and are not restarted; every service is
    const oneShots = ['bus-init', 'migrate'];
    assert.deepEqual(
      names.filter((n) => !oneShots.includes(n)),
      SERVICES,
    );
    names.forEach((name, i) => {
      if (oneShots.includes(name)) return assert.match(blocks[i]!, /^ {4}restart: "no"$/m, `${name} runs once`);
      assert.match(blocks[i]!, /^ {4}<<: (\*service|\[\*service, .*\])$/m, `${name} uses the shared settings`);
      assert.doesNotMatch(blocks[i]!, /^ {4}restart:/m, `${name} does not override the restart policy`);
    });
    const supervise = readFileSync(join(REPO_ROOT, 'scripts/supervise.sh'), 'utf8');
    assert.match(supervise, /^SV_STOPWAITSECS=20$/m);
    assert.match(supervise, /^autorestart=true$/m);
  });
});
