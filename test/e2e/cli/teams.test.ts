import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestControlPlane } from '../../support/control-plane';
import { shippedConfigDir } from '../../support/team-configs';
import { explain, parseTable, sacp } from './sacp';

/** `sacp team`: a team of sim agents from a file of the operator's, deployed, refused past its quota, stopped, and its activity. */
describe('sacp team: create, deploy, show, quota refusal, stop, activity', () => {
  const configs = shippedConfigDir();
  let cp: TestControlPlane;
  let env: Record<string, string>;
  const run = (...args: string[]) => sacp(args, { env });
  const file = join(configs.dir, 'pair.json');

  beforeAll(async () => {
    cp = await new TestControlPlane({ configDir: configs.dir }).start();
    env = { ...cp.cliEnv, SACP_ACTOR: 'carol' };
    writeFileSync(
      file,
      JSON.stringify({
        name: 'pair',
        members: [
          { name: 'a', role: 'coder', template: 'sim' },
          { name: 'b', role: 'reviewer', template: 'sim' },
        ],
        quota: { memory: '128m', cpus: 0.5, pids: 128 },
        sharedVolume: true,
      }),
    );
  }, 120_000);
  afterAll(async () => {
    await cp?.stop();
    configs.remove();
  });

  test('a configuration file with problems is refused here, naming each field', async () => {
    const bad = join(configs.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'pair', quota: { memory: 'lots', cpus: 1, pids: 64 } }));
    const r = await run('team', 'create', '--file', bad);
    assert.equal(r.code, 1, explain(r));
    assert.match(r.stderr, /TEAM\.INVALID: .*bad\.json: quota\.memory: expected a size like/);
  });

  test('create, deploy (waiting until the members run), show and status --team', async () => {
    const c = await run('team', 'create', '--file', file, '--reason', 'pairing');
    assert.equal(c.code, 0, explain(c));
    assert.match(c.stdout, /^created team pair \(configuration v1, sha256:/);
    const d = await run('team', 'deploy', 'pair');
    assert.equal(d.code, 0, explain(d));
    assert.match(d.stdout, /team pair: deployed pair-a, pair-b; the team uses 128m memory, 0.5 CPUs, 128 pids of 128m memory, 0.5 CPUs, 128 pids/);
    const s = await run('team', 'show', 'pair');
    assert.equal(s.code, 0, explain(s));
    const rows = parseTable(s.stdout.split('\n\n')[1]!);
    assert.deepEqual(
      rows.map((r) => [r.AGENT, r.ROLE, r['DESIRED/OBSERVED']]),
      [
        ['pair-a', 'coder', 'running/running'],
        ['pair-b', 'reviewer', 'running/running'],
      ],
    );
    const st = await run('status', '--team', 'pair');
    assert.equal(st.code, 0, explain(st));
    assert.deepEqual(
      parseTable(st.stdout).map((r) => [r.NAME, r.TEAM]),
      [
        ['pair-a', 'pair'],
        ['pair-b', 'pair'],
      ],
    );
    const l = await run('team', 'list', '--json');
    assert.deepEqual(
      JSON.parse(l.stdout).map((t: { name: string }) => t.name),
      ['pair'],
    );
  }, 90_000);

  test('a deploy into the team past its quota exits 1 with the numbers', async () => {
    const r = await run('deploy', 'sim', '--name', 'third', '--team', 'pair');
    assert.equal(r.code, 1, explain(r));
    assert.match(
      r.stderr,
      /TEAM\.QUOTA_EXCEEDED: deploying agent "third" \(sim\) would exceed the quota of team "pair": memory 128m used \+ 64m asked = 192m > 128m quota; cpus 0.5 used \+ 0.25 asked = 0.75 > 0.5 quota; pids 128 used \+ 64 asked = 192 > 128 quota/,
    );
  });

  test('stop stops both; the activity names carol and her reasons', async () => {
    const s = await run('team', 'stop', 'pair', '--reason', 'lunch');
    assert.equal(s.code, 0, explain(s));
    assert.match(s.stdout, /team pair: stopping pair-a, pair-b/);
    const a = await run('team', 'activity', 'pair', '--limit', '500');
    assert.equal(a.code, 0, explain(a));
    const rows = parseTable(a.stdout);
    assert.ok(
      rows.some((r) => r.WHAT?.startsWith('team pair created') && r.ACTOR === 'cli:carol' && r.WHY === 'pairing'),
      a.stdout,
    );
    assert.equal(rows.filter((r) => r.WHAT === 'stop requested' && r.WHY === 'lunch').length, 2, a.stdout);
    const j = await run('team', 'activity', '--agent', 'pair-a', '--json');
    const entries = JSON.parse(j.stdout) as { type: string; agent: string }[];
    assert.ok(entries.some((e) => e.type === 'agent.stop_requested'));
    assert.equal(entries.at(-1)!.type, 'agent.deployed', 'newest first: the deploy comes last');
    assert.ok(entries.every((e) => e.agent === 'pair-a'));
  });

  test("team change sets the team's log retention and takes it back to the global one", async () => {
    const c = await run('team', 'change', 'pair', '--log-days', '2', '--log-mb', '50', '--reason', 'short memory');
    assert.equal(c.code, 0, explain(c));
    const shown = async () => JSON.parse((await run('team', 'show', 'pair', '--json')).stdout) as { config: { logRetention: unknown } };
    assert.deepEqual((await shown()).config.logRetention, { days: 2, maxMb: 50 });
    assert.equal((await run('team', 'change', 'pair', '--log-global')).code, 0);
    assert.equal((await shown()).config.logRetention, null);
  });

  test('team delete --volumes takes the shared volume with the team; without the flag it would stay, listed as orphaned', async () => {
    const shared = `sacp-${cp.instance}-team-pair-shared`;
    const v = await run('volumes', '--json');
    assert.ok(
      JSON.parse(v.stdout).volumes.some((x: { name: string; team: { name: string } | null }) => x.name === shared && x.team?.name === 'pair'),
      v.stdout,
    );
    for (const agent of ['pair-a', 'pair-b']) assert.equal((await run('rm', agent)).code, 0);
    const d = await run('team', 'delete', 'pair', '--volumes', '--reason', 'done');
    assert.equal(d.code, 0, explain(d));
    assert.equal(d.stdout, `deleted team pair; removed volume ${shared}\n`);
    assert.equal(await cp.docker.inspectVolume(shared), null);
  }, 60_000);
});
