import { randomUUID } from 'node:crypto';
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestControlPlane } from '../../support/control-plane';
import { dockerTestContext, removeTestObjects, testAgentSpec } from '../../support/docker';
import { explain, parseTable, sacp } from './sacp';
import { waitFor } from '../../support/ports';

/** The commands around agents: templates, secrets, replay, adopt, failures and retries. */
describe('sacp: templates, secrets, replay, adopt and failures', () => {
  let cp: TestControlPlane;
  let env: Record<string, string>;
  const docker = dockerTestContext();
  const run = (...args: string[]) => sacp(args, { env });

  beforeAll(async () => {
    cp = await new TestControlPlane().start();
    env = { ...cp.cliEnv, SACP_ACTOR: 'bob' };
  });
  afterAll(async () => {
    await removeTestObjects(docker).catch(() => undefined);
    await cp?.stop();
  });

  test('templates list shows the fixture templates and the files with problems', async () => {
    const r = await run('templates', 'list');
    assert.equal(r.code, 0, explain(r));
    const rows = parseTable(r.stdout.split('\n\n')[0]!);
    const sim = rows.find((row) => row.NAME === 'sim');
    assert.ok(sim, r.stdout);
    assert.equal(sim.IMAGE, 'sacp/sim-agent:latest');
    assert.equal(sim.MEMORY, '64m');
    assert.equal(sim.DESCRIPTION, 'The sim agent with small limits, for tests');

    const j = await run('templates', 'list', '--json');
    const listing = JSON.parse(j.stdout) as { templates: { name: string }[]; problems: unknown[] };
    const names = listing.templates.map((t) => t.name);
    for (const name of ['keyed', 'missing-image', 'sim']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    if (listing.problems.length) assert.match(r.stdout, /\ninvalid template files \(not deployable until fixed\):\n {2}\S+\.json: /);
  });

  test('templates sync records each template as a version', async () => {
    const r = await run('templates', 'sync', '--reason', 'e2e: first sync');
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, /^(registered|unchanged)\s+sim@1$/m);
    const again = await run('templates', 'sync', '--json');
    assert.equal(again.code, 0, explain(again));
    const out = JSON.parse(again.stdout) as { registered: unknown[]; unchanged: { name: string; version: number }[] };
    assert.deepEqual(out.registered, [], 'nothing changed since the first sync');
    assert.ok(
      out.unchanged.some((t) => t.name === 'sim' && t.version === 1),
      again.stdout,
    );
  });

  test('secret set reads the value from stdin, never echoes it, and agents get it', async () => {
    const value = `sk-e2e-${randomUUID()}`;
    const r = await sacp(['secret', 'set', 'test-api-key', '--templates', 'keyed'], { env, input: `${value}\n` });
    assert.equal(r.code, 0, explain(r));
    assert.equal(r.stdout, 'secret "test-api-key" stored (version 1); usable by keyed\n');
    assert.ok(!r.stdout.includes(value) && !r.stderr.includes(value), 'the value is never printed');

    const d = await run('deploy', 'keyed', '--name', 'keyed-1', '--json');
    assert.equal(d.code, 0, explain(d));
    const info = await cp.docker['client'].api.getContainer(JSON.parse(d.stdout).containerId).inspect();
    assert.ok(info.Config.Env.includes(`API_KEY=${value}`), 'the agent got the value without the trailing newline');

    // granting needs no value: another template may use it from now on, and a deploy of one not granted is refused
    const g = await run('secret', 'grant', 'test-api-key', '--templates', 'keyed,sim');
    assert.equal(g.code, 0, explain(g));
    assert.equal(g.stdout, 'secret "test-api-key" usable by keyed, sim\n');
    const narrowed = await run('secret', 'grant', 'test-api-key', '--templates', 'sim', '--json');
    assert.deepEqual(JSON.parse(narrowed.stdout), { name: 'test-api-key', templates: ['sim'], duplicate: false });
    const refused = await run('deploy', 'keyed', '--name', 'keyed-2');
    assert.equal(refused.code, 1, explain(refused));
    assert.match(
      refused.stderr,
      /SECRET\.NOT_GRANTED: template "keyed" may not use secret "test-api-key": it is granted to sim; an admin grants it with: sacp secret grant test-api-key --templates sim,keyed/,
    );
    assert.equal((await run('secret', 'grant', 'test-api-key', '--templates', 'keyed')).code, 0);

    const empty = await sacp(['secret', 'set', 'test-api-key'], { env, input: '\n' });
    assert.equal(empty.code, 2, explain(empty));
    assert.match(empty.stderr, /^sacp: the value for secret "test-api-key" is empty/);
  });

  test('replay reports how many events it replayed', async () => {
    const r = await run('replay', '--reason', 'e2e: check projections');
    assert.equal(r.code, 0, explain(r));
    const m = /^replayed (\d+) events into the read models in \d+ ms\n$/.exec(r.stdout);
    assert.ok(m, r.stdout);
    assert.ok(Number(m[1]) > 0);
    // the registry rebuilt from events is the same as before
    const s = await run('status', 'keyed-1', '--json');
    assert.equal(JSON.parse(s.stdout)[0].state.observed, 'running');
  });

  test('a deploy whose container cannot be created fails with the reason and exit 1', async () => {
    const r = await run('deploy', 'missing-image', '--name', 'broken-1');
    assert.equal(r.code, 1, explain(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^sacp: agent "broken-1" did not become running: DOCKER\.IMAGE_NOT_FOUND: .*sacp\/never-built:latest/);
    const s = await run('status', 'broken-1');
    assert.match(parseTable(s.stdout)[0]!.ERROR!, /^DOCKER\.IMAGE_NOT_FOUND/);
  });

  test('--timeout bounds the wait and says what state the agent is in', async () => {
    // the stubborn agent ignores SIGTERM: its stop takes the template's 20 s stop timeout
    const deployed = await run('deploy', 'stubborn', '--name', 'slow-1');
    assert.equal(deployed.code, 0, explain(deployed));
    const started = Date.now();
    const r = await run('--timeout', '1', 'stop', 'slow-1');
    assert.equal(r.code, 1, explain(r));
    assert.ok(Date.now() - started < 15_000, 'the CLI gave up at its timeout, not the stop timeout');
    assert.match(r.stderr, /^sacp: WAIT\.TIMEOUT: agent "slow-1" is not stopped after 1 s \(desired stopped, observed running\)/);
  });

  test('--no-wait returns once recorded; a retry with the same --command-id deploys nothing new', async () => {
    const commandId = randomUUID();
    const first = await run('--command-id', commandId, 'deploy', 'sim', '--name', 'retry-1', '--no-wait', '--json');
    assert.equal(first.code, 0, explain(first));
    const a = JSON.parse(first.stdout);
    assert.equal(a.state.desired, 'running');
    const second = await run('deploy', 'sim', '--name', 'retry-1', '--json', '--command-id', commandId);
    assert.equal(second.code, 0, explain(second));
    const b = JSON.parse(second.stdout);
    assert.equal(b.agentId, a.agentId, 'the same agent, not a second one');
    assert.equal(b.state.observed, 'running');
    const all = JSON.parse((await run('status', '--json')).stdout) as { name: string }[];
    assert.equal(all.filter((v) => v.name === 'retry-1').length, 1);
  });

  test('adopt brings an existing container under management', async () => {
    const created = await cp.docker.createContainer(testAgentSpec(docker, 'legacy'));
    await cp.docker.start(created.id);
    const r = await run('adopt', docker.name('legacy'), '--name', 'legacy-1', '--json');
    assert.equal(r.code, 0, explain(r));
    const out = JSON.parse(r.stdout);
    assert.equal(out.name, 'legacy-1');
    assert.equal(out.containerId, created.id);
    const s = JSON.parse((await run('status', 'legacy-1', '--json')).stdout);
    assert.equal(s[0].containerId, created.id);

    const missing = await run('adopt', 'no-such-container-here');
    assert.equal(missing.code, 1, explain(missing));
    assert.match(missing.stderr, /^sacp: adopt: CONTAINER\.NOT_FOUND: no container "no-such-container-here"/);
  });

  test('quarantine list shows a container with our labels that the store does not know; quarantine rm removes it', async () => {
    const labels = { ...docker.labels, 'sacp.managed': 'true', 'sacp.instance': cp.instance, 'sacp.store': await cp.storeId(), 'sacp.agent.id': randomUUID() };
    const created = await cp.docker.createContainer(testAgentSpec(docker, 'stray', { labels }));
    await cp.docker.start(created.id);
    await waitFor(
      'the stray container to be quarantined',
      async () => {
        const c = await cp.docker.inspect(created.id);
        return c && !c.running && c.name.startsWith('sacp-quarantined-') ? c : null;
      },
      30_000,
    );
    await waitFor('the quarantine to be recorded', async () => (await cp.pool.query("select 1 from events where type = 'container.quarantined'")).rows.length > 0 || null, 10_000);
    const l = await run('quarantine', 'list');
    assert.equal(l.code, 0, explain(l));
    const rows = parseTable(l.stdout);
    assert.equal(rows[0]?.CONTAINER, created.id.slice(0, 12), l.stdout);
    assert.equal(rows[0]?.STATE, 'kept, stopped');

    const r = await run('quarantine', 'rm', created.id.slice(0, 12), '--reason', 'leftover');
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, /^removed quarantined container sacp-quarantined-/);
    assert.equal(await cp.docker.inspect(created.id), null);
    const again = await run('quarantine', 'rm', created.id.slice(0, 12));
    assert.equal(again.code, 1, explain(again));
    assert.match(again.stderr, /CONTAINER\.NOT_FOUND/);
    const all = JSON.parse((await run('quarantine', 'list', '--all', '--json')).stdout) as { containerId: string; removed: { by: string } | null }[];
    assert.equal(all.find((v) => v.containerId === created.id)?.removed?.by, 'operator');
  });
});
