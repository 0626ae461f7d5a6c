import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { startNats, type TestNats } from '../../support/nats-server';
import { explain, sacp, SACP_BIN } from './sacp';

/** What the CLI does without a working control plane: unreachable bus, usage errors, local validation, help. */
describe('sacp without a control plane', () => {
  let dir: string;
  let nats: TestNats;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sacp-cli-'));
    nats = await startNats();
  });
  afterAll(async () => {
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an unreachable NATS exits 3 naming the URL', async () => {
    const r = await sacp(['--nats', 'nats://127.0.0.1:1', 'status']);
    assert.equal(r.code, 3, explain(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^sacp: BUS\.UNAVAILABLE: cannot reach NATS at nats:\/\/127\.0\.0\.1:1 .*is nats-server running\?/);

    // NATS_URL is the default; --nats works after the command name too
    const fromEnv = await sacp(['deploy', 'sim'], { env: { NATS_URL: 'nats://127.0.0.1:1' } });
    assert.equal(fromEnv.code, 3, explain(fromEnv));
    const after = await sacp(['stop', 'x', '--nats', 'nats://127.0.0.1:1']);
    assert.equal(after.code, 3, explain(after));
  });

  test('NATS without credentials exits 3 saying which credential file to check', async () => {
    const missing = join(dir, 'nope.json');
    const r = await sacp(['--nats', nats.url, '--nats-credentials', missing, 'status']);
    assert.equal(r.code, 3, explain(r));
    assert.match(
      r.stderr,
      /^sacp: BUS\.UNAUTHORIZED: NATS at .* refused the connection: Authorization Violation: check the CLI credential .*nope\.json \(cannot read the NATS credentials file/,
    );
    const fromEnv = await sacp(['status'], { env: { NATS_URL: nats.url, SACP_STATE_DIR: dir } });
    assert.equal(fromEnv.code, 3, explain(fromEnv));
    assert.match(fromEnv.stderr, new RegExp(`check the CLI credential ${join(dir, 'nats/credentials/cli.json')}`));
  });

  test('NATS without an orchestrator exits 3 saying nothing answers', async () => {
    const r = await sacp(['--nats', nats.url, 'deploy', 'sim'], { env: { SACP_NATS_CREDENTIALS: nats.credentialFile('cli') } });
    assert.equal(r.code, 3, explain(r));
    assert.match(r.stderr, /^sacp: BUS\.NO_RESPONDERS: nothing answers on sacp\.cmd\.agent\.deploy\.cli: is the orchestrator running\?/);
  });

  test('usage errors exit 2 with a usage message naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['deploy'], /^sacp: missing required argument 'template'\nusage: sacp deploy \[options\] <template>/],
      [['frobnicate'], /^sacp: unknown command 'frobnicate'/],
      [['status', '--bogus'], /^sacp: unknown option '--bogus'\nusage: sacp status/],
      [['logs', 'a1', '-n', 'many'], /^sacp: option '-n, --lines <n>' argument 'many' is invalid\. expected a whole number/],
      [['--timeout', '-1', 'status'], /argument '-1' is invalid\. expected a number of seconds/],
      [['deploy', 'sim', '--name', 'Not_Valid'], /^sacp: invalid --name: agent names are 1-63 characters.*\n\(see "sacp deploy --help"\)/],
      [['secret', 'set', 'BAD NAME'], /^sacp: invalid secret name: secret names use a-z.*\n\(see "sacp secret set --help"\)/],
      [['secret', 'set', 'k', '--templates', 'grok4,Not A Template'], /^sacp: invalid --templates: template names use a-z, 0-9, "_" and "-"\n\(see "sacp secret set --help"\)/],
      [['templates', 'validate'], /^sacp: missing required argument 'files'/],
    ];
    for (const [args, expected] of cases) {
      const r = await sacp(['--nats', 'nats://127.0.0.1:1', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${explain(r)}`);
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, expected, `${args.join(' ')}: ${explain(r)}`);
    }
  });

  test('templates validate exits 1 listing every problem by file and field', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', image: 'sacp/sim-agent:latest', resources: { memory: 'lots' } }));
    const misnamed = join(dir, 'other.json');
    writeFileSync(misnamed, JSON.stringify({ name: 'sim', image: 'sacp/sim-agent:latest' }));
    const mounts = join(dir, 'mounts.json');
    writeFileSync(mounts, JSON.stringify({ name: 'mounts', image: 'x:1', volumes: [{ hostPath: '/etc', target: '/host-etc' }] }));
    const good = 'test/fixtures/configs/agents/sim.json';

    const r = await sacp(['templates', 'validate', bad, misnamed, good, join(dir, 'absent.json')]);
    assert.equal(r.code, 1, explain(r));
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(
      lines.some((l) => l.startsWith(`${bad}: resources.memory: `)),
      r.stdout,
    );
    assert.ok(lines.includes(`${misnamed}: name: the template is named "sim" but its file is other.json; they must match`), r.stdout);
    assert.ok(lines.includes(`${good}: ok`), r.stdout);
    assert.ok(lines.includes(`${join(dir, 'absent.json')}: (file): cannot read it: no such file`), r.stdout);
    assert.match(r.stderr, /^sacp: TEMPLATE\.INVALID: 3 of 4 template files have problems/);

    // host paths are refused unless the admin allows them, as on the orchestrator
    const refused = await sacp(['templates', 'validate', mounts]);
    assert.equal(refused.code, 1, explain(refused));
    assert.match(refused.stdout, /mounts\.json: volumes\.0\.hostPath: host path \/etc may not be mounted/);
    const allowed = await sacp(['templates', 'validate', mounts], { env: { SACP_ALLOWED_HOST_PATHS: '/srv, /etc' } });
    assert.equal(allowed.code, 0, explain(allowed));
    assert.equal(allowed.stdout, `${mounts}: ok\n`);

    // and resolved first: a symlink under an allowed path that points at / is refused
    symlinkSync('/', join(dir, 'escape'));
    const linked = join(dir, 'linked.json');
    writeFileSync(linked, JSON.stringify({ name: 'linked', image: 'x:1', volumes: [{ hostPath: join(dir, 'escape'), target: '/h' }] }));
    const escaped = await sacp(['templates', 'validate', linked], { env: { SACP_ALLOWED_HOST_PATHS: dir } });
    assert.equal(escaped.code, 1, explain(escaped));
    assert.match(
      escaped.stdout,
      /linked\.json: volumes\.0\.hostPath: host path .*\/escape may not be mounted: it is the host's root directory \(it resolves to \/, symlinks followed\)/,
    );
  });

  test('an unbuilt checkout says how to build and exits 2', async () => {
    // bin/sacp.js finds the build relative to itself: a copy with no dist/ beside it is "not built"
    mkdirSync(join(dir, 'bin'));
    copyFileSync(SACP_BIN, join(dir, 'bin/sacp.js'));
    const r = spawnSync(process.execPath, [join(dir, 'bin/sacp.js'), 'status'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'sacp is not built: run npm run build\n');
  });

  test('--help shows the commands, and each command its usage and examples', async () => {
    const r = await sacp(['--help']);
    assert.equal(r.code, 0, explain(r));
    for (const cmd of ['deploy', 'status', 'stop', 'start', 'restart', 'rm', 'logs', 'history', 'why', 'templates', 'replay', 'secret', 'adopt'])
      assert.match(r.stdout, new RegExp(`^  ${cmd} `, 'm'));
    assert.match(r.stdout, /Exit codes:/);

    const d = await sacp(['deploy', '--help']);
    assert.equal(d.code, 0, explain(d));
    assert.match(d.stdout, /^Usage: sacp deploy \[options\] <template>/);
    assert.match(d.stdout, /--no-wait/);
    assert.match(d.stdout, /--timeout <seconds>/, 'global options are shown');
    assert.match(d.stdout, /Examples:\n {2}\$ sacp deploy/);

    const t = await sacp(['templates', 'validate', '--help']);
    assert.match(t.stdout, /^Usage: sacp templates validate \[options\] <files\.\.\.>/);

    const bare = await sacp([]);
    assert.equal(bare.code, 2, 'sacp alone is a usage error');
    assert.match(bare.stderr, /Usage: sacp/);
  });
});
