import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { BotHarness, textOf } from '../../support/discord-bot-harness';
import { FIXTURE_CONFIG_DIR } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

/**
 * The bot in front of big answers: a long log tail of long lines and more agents than
 * a reply holds. It reads a bounded number of pages, shows what fits and says how to
 * see the rest (real gateway, Discord stand-in, real control plane).
 */
describe('Discord bot: bounded replies over paged queries', () => {
  const h = new BotHarness({ controlPlane: { configDir: FIXTURE_CONFIG_DIR } });
  beforeAll(async () => {
    await h.start();
  });
  afterAll(async () => h.stop());

  test('!logs <agent> 200 of 16 KiB lines: the newest lines, under 2000 characters, and how to get all of them', async () => {
    const agentId = await h.cp.deploy('sim', 'loud');
    const view = await h.cp.waitForAgent(agentId, (a) => a.state.observed === 'running' && !!a.containerId, 'running');
    const exec = await h.cp.docker['client'].api
      .getContainer(view.containerId!)
      .exec({ Cmd: ['sim-ctl', 'print', '400', String(16 * 1024)], AttachStdout: true, AttachStderr: true });
    await new Promise((res, rej) => {
      exec.start({}).then((s) => s.on('end', res).resume(), rej);
    });
    await waitFor('the last line in the log', async () => (await h.cp.docker.logsTail(view.containerId!, 20)).some((l) => l.line.startsWith('line 399/400 ')), 60_000, 300);

    const msg = h.say('alice', '!logs loud 200');
    const reply = await h.waitReply(msg, (t) => t.includes('sacp logs loud -n 200'), 'says how to see all the lines', 60_000);
    const text = textOf(reply);
    assert.ok(text.length <= 2000, `${text.length} characters`);
    assert.match(text, /line 399\/400/, 'the newest line is shown');
    assert.equal(h.cp.orchestrators[0]!.proc!.exitCode, null, 'the orchestrator is still running');
  }, 180_000);

  test('!status with more agents than the bot reads: a bounded page that says there are more', async () => {
    const n = 1200; // more than 5 pages of 200
    await h.cp.pool.query(
      `insert into agent_registry (agent_id, name, template_name, template_version, adopted, generation, desired, observed, restarts, created_at, updated_at, version, state)
       select gen_random_uuid()::text, 'bulk-' || lpad(i::text, 4, '0'), 'sim', 1, false, 1, 'stopped', 'stopped', 0, now(), now(), 1, '{}'::jsonb from generate_series(1, $1) as i`,
      [n],
    );
    try {
      const msg = h.say('alice', '!status');
      const reply = await h.waitReply(msg, (t) => /there are more/.test(t), 'says there are more agents', 60_000);
      assert.match(textOf(reply), /Showing the first 1000 agents; there are more: .*sacp status/);
    } finally {
      await h.cp.pool.query("delete from agent_registry where name like 'bulk-%'");
    }
  }, 120_000);
});
