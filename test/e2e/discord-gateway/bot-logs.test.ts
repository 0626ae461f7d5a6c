import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { BotHarness, textOf } from '../../support/discord-bot-harness';
import { FIXTURE_CONFIG_DIR } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

/**
 * The collected logs in Discord: `!tail` follows an agent's lines live in one reply
 * edited as they arrive, for a bounded time; `!logs` of a removed agent answers from
 * what the monitor kept (real gateway, Discord stand-in, real control plane with a
 * monitor collecting from sim agents).
 */
describe('Discord bot: following and keeping agent logs', () => {
  const h = new BotHarness({ controlPlane: { configDir: FIXTURE_CONFIG_DIR, monitors: 1, env: { MONITOR_LOG_DISCOVER_MS: '500' } } });
  beforeAll(async () => {
    await h.start();
  });
  afterAll(async () => h.stop());

  test('!tail <agent> 6: the reply shows the lines as they are collected, then says it ended and how to follow longer', async () => {
    const id = await h.cp.deploy('sim', 'tailed');
    await h.cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running');
    const msg = h.say('bob', '!tail tailed 6');
    await h.waitReply(msg, (t) => /live \(\d+ s left\)/.test(t) && /heartbeat/.test(t), 'shows live heartbeat lines', 30_000);
    const done = await h.waitReply(msg, (t) => /ended/.test(t), 'ends', 30_000);
    const text = textOf(done);
    assert.match(text, /sacp logs tail --agent tailed/);
    assert.match(text, /heartbeat/);
    assert.ok(text.length <= 2000, `${text.length} characters`);
    assert.ok(h.replyVersions(msg).length >= 3, 'one reply, edited: following, live lines, ended');
  }, 60_000);

  test('!tail refuses what it cannot follow, and says why', async () => {
    const unknown = h.say('bob', '!tail nobody-here');
    await h.waitReply(unknown, (t) => /no agent or team named "nobody-here"/.test(t), 'names the problem');
    const tooLong = h.say('bob', '!tail tailed 500');
    await h.waitReply(tooLong, (t) => /seconds must be a whole number from 5 to 120, not "500"/.test(t), 'gives the range');
    const noRole = h.say('mallory', '!tail tailed');
    const dm = await h.waitDirectMessage('mallory', (t) => t.includes('⛔'));
    assert.match(textOf(dm), /you have no control-plane role/);
    assert.equal(h.replyTo(noRole), undefined, 'nothing said in the channel');
  });

  test('!logs of a removed agent: the lines the monitor collected, kept after its container is gone', async () => {
    const id = await h.cp.deploy('sim', 'gone');
    await h.cp.waitForAgent(id, (a) => a.state.observed === 'running', 'running');
    await waitFor('lines collected', async () => (await h.cp.pool.query('select 1 from agent_log_lines where agent_id = $1 limit 3', [id])).rowCount === 3, 30_000, 300);
    assert.ok((await h.cp.command('agent.remove', { agent: id })).ok);
    await waitFor('removed', async () => !(await h.cp.status('gone').catch(() => [])).length, 30_000, 300);
    const msg = h.say('bob', '!logs gone 5');
    const reply = await h.waitReply(msg, (t) => /collected line/.test(t), 'answers from the collected lines');
    assert.match(textOf(reply), /its container is gone/);
    assert.match(textOf(reply), /started|heartbeat/);
  });
});
