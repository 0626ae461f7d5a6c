import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';
import { simTeam } from '../../support/tasks';
import { explain, parseTable, sacp } from './sacp';

describe('sacp task: create --follow, list, show, cancel (real orchestrator and sim agents)', () => {
  let cp: TestControlPlane;
  let env: Record<string, string>;
  const run = (...args: string[]) => sacp(args, { env });

  beforeAll(async () => {
    cp = await new TestControlPlane().start();
    env = { ...cp.cliEnv, SACP_ACTOR: 'dave' };
    const created = await cp.command('team.create', { definition: simTeam('solo', [{ name: 'one', role: 'worker' }]) });
    assert.ok(created.ok, JSON.stringify(created));
    assert.ok((await cp.command('team.deploy', { team: 'solo' })).ok);
    await waitFor('the member running', async () => (await cp.status()).some((a) => a.team === 'solo' && a.state.observed === 'running'), 60_000);
  }, 180_000);
  afterAll(async () => cp?.stop());

  test('create --follow prints the progress and the result, and exits 0', async () => {
    const r = await run('task', 'create', 'count to three', '--team', 'solo', '--role', 'worker', '--inputs', '{"sim":{"workMs":600,"progressSteps":2}}', '--follow');
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, /^created task [0-9a-f-]{36}$/m);
    assert.match(r.stdout, /running attempt 1\/3 solo-one/);
    assert.match(r.stdout, /succeeded attempt 1\/3 solo-one/);
    assert.match(r.stdout, /^result: \{"agent":"solo-one"/m);
  });

  test('a task that fails: --follow exits 1 with the reason; list and show tell the same', async () => {
    const r = await run(
      'task',
      'create',
      'doomed',
      '--agent',
      'solo-one',
      '--max-attempts',
      '1',
      '--inputs',
      '{"sim":{"outcome":"fail","reason":"disk full","workMs":100}}',
      '--follow',
    );
    assert.equal(r.code, 1, explain(r));
    assert.match(r.stderr, /TASK\.FAILED: attempt 1 of 1: disk full/);
    const taskId = /created task ([0-9a-f-]{36})/.exec(r.stdout)![1]!;
    const list = await run('task', 'list', '--agent', 'solo-one', '--status', 'failed');
    assert.equal(list.code, 0, explain(list));
    const rows = parseTable(list.stdout);
    assert.ok(
      rows.some((row) => row.TASK === taskId && row.STATUS === 'failed' && row.TITLE === 'doomed'),
      list.stdout,
    );
    const show = await run('task', 'show', taskId);
    assert.equal(show.code, 0, explain(show));
    assert.match(show.stdout, /1\. solo-one .* failed: disk full/);
    assert.match(show.stdout, /created .* by cli:dave/);
  });

  test('cancel, and usage errors before any round trip', async () => {
    const c = await run('task', 'create', 'long', '--agent', 'solo-one', '--inputs', '{"sim":{"outcome":"hang"}}', '--json');
    assert.equal(c.code, 0, explain(c));
    const { taskId } = JSON.parse(c.stdout) as { taskId: string };
    const x = await run('task', 'cancel', taskId, '--reason', 'no longer needed');
    assert.equal(x.code, 0, explain(x));
    assert.equal(x.stdout, `cancelled task ${taskId}\n`);
    const again = await run('task', 'cancel', taskId);
    assert.match(again.stdout, /is cancelled already; nothing changed/);
    const both = await run('task', 'create', 'x', '--agent', 'a', '--team', 'b');
    assert.equal(both.code, 2, explain(both));
    assert.match(both.stderr, /exactly one of --agent and --team/);
    const badJson = await run('task', 'create', 'x', '--team', 'solo', '--inputs', '[1]');
    assert.match(badJson.stderr, /--inputs must be a JSON object/);
  });
});
