import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server } from 'node:net';
import { MONITOR_TEST_ACTOR } from '../../support/control-plane';
import { BotHarness, textOf } from '../../support/discord-bot-harness';
import { Op, type Json } from '../../support/discord-stand-in';
import { generateSealingKey } from '@sacp/platform';

const ALERT_MESSAGES = 'POST /channels/:channelId/messages';

/** How many alerts a message in #alerts carries: a summary says how many, a single alert is one. */
function alertsIn(m: Json): number {
  return ((m.embeds as { title?: string }[] | undefined) ?? []).reduce((n, e) => {
    const summary = /^🚨 (\d+) alerts/.exec(e.title ?? '');
    return n + (summary ? Number(summary[1]) : 1);
  }, 0);
}

describe('Discord bot: disconnects, bus outages, alert bursts and the token', () => {
  // commands only in #control; critical alerts ping the operator role
  const h = new BotHarness({ gatewayEnv: (x) => ({ DISCORD_COMMAND_CHANNEL_IDS: x.channelId('control'), DISCORD_ALERT_MENTION_ROLE_ID: x.standIn.idx.role('operator').id }) });

  beforeAll(async () => {
    await h.start();
    assert.ok((await h.cp.command('secret.set', { name: 'xai-api-key', value: 'xai-test-value-for-discord', templates: ['grok4'] })).ok);
  });

  afterAll(async () => {
    await h.stop();
  });

  const deployedOnce = async (commandId: string, name: string) => {
    const events = await h.eventsOfCommand(commandId);
    assert.equal(events.filter((e) => e.type === 'agent.deployed').length, 1, `one agent.deployed for ${commandId}`);
    assert.equal((await h.cp.status()).filter((a) => a.name === name).length, 1, `one agent named ${name}`);
    assert.equal((await h.cp.containers()).filter((c) => c.labels['sacp.agent.name'] === name).length, 1, `one container for ${name}`);
  };

  test('a gateway disconnect and resume in the middle of commands leaves exactly one effect each', async () => {
    const resumesBefore = h.standIn.frames({ direction: 'in', op: Op.Resume }).length;
    const m = h.say('alice', '!deploy grok4 resume-msg');
    h.standIn.dropGateway({ code: 4000, reason: 'test: connection lost' });
    // dispatched while the bot is away: Discord replays it after the resume
    const i = h.slash('alice', 'deploy', { template: 'grok4', name: 'resume-slash' });
    await h.standIn.waitFor('the bot to resume', () => h.standIn.frames({ direction: 'in', op: Op.Resume }).length > resumesBefore || undefined, 20_000);
    await h.waitReply(m, (t) => /is running/.test(t), 'says running', 60_000);
    await h.waitResponse(i.id, (t) => /is running/.test(t), 'says running', 60_000);
    // and a redelivery after the resume changes nothing either
    h.standIn.redeliverInteraction(i.id);
    h.standIn.redeliverMessage(m);
    await new Promise((r) => setTimeout(r, 1500));
    await deployedOnce(`discord-${m}`, 'resume-msg');
    await deployedOnce(`discord-${i.id}`, 'resume-slash');
    const replies = h.standIn.botMessages(h.channelId()).filter((x) => (x.message_reference as Json | undefined)?.message_id === m);
    assert.equal(replies.length, 1, 'one reply message (edited as it progressed)');
    assert.equal(h.standIn.interaction(i.id)!.callbacks.filter((c) => c.status < 300).length, 1, 'acknowledged once');
  });

  test('no orchestrator: the user is told, the command is retried with its id, and runs once when it is back', async () => {
    const orchestrator = h.cp.orchestrators[0]!;
    await orchestrator.kill('SIGTERM');
    await orchestrator.exited();
    const m = h.say('alice', '!deploy grok4 outage-1');
    await h.waitReply(m, (t) => /control plane is not answering \(no orchestrator\)/.test(t), 'says nobody answers', 20_000);
    await h.cp.addOrchestrator();
    await h.waitReply(m, (t) => /is running/.test(t), 'says running', 60_000);
    await deployedOnce(`discord-${m}`, 'outage-1');
  });

  test('NATS down mid-command: the user is told, nothing is lost, nothing runs twice', async () => {
    await h.cp.nats.kill();
    await h.standIn.waitFor('the gateway to notice', async () => (await fetch(`http://127.0.0.1:${h.gateway.port}/health/ready`)).status === 503 || undefined, 15_000);
    const m = h.say('alice', '!deploy grok4 outage-2');
    await h.standIn.waitFor('the user told the bus is unreachable', () => h.replyVersions(m).some((t) => /message bus unreachable/.test(t)) || undefined, 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    await h.cp.nats.start();
    await h.waitReply(m, (t) => /is running/.test(t), 'says running', 60_000);
    await deployedOnce(`discord-${m}`, 'outage-2');
  });

  test('50 alerts in a burst become a bounded number of messages; 429s are waited out; nothing is dropped', async () => {
    const alerts = h.channelId('alerts');
    const before = h.standIn.botMessages(alerts).length;
    const requestsBefore = h.standIn.requestsTo(ALERT_MESSAGES).length;
    h.standIn.forceRateLimit(ALERT_MESSAGES, { count: 2, retryAfterSeconds: 1 });
    const burst = Array.from({ length: 50 }, (_, n) => n);
    await Promise.all(
      burst.map((n) =>
        h.cp.command(
          'alert.raise',
          {
            key: `test:burst:${n}`,
            severity: n % 10 === 0 ? 'critical' : 'warning',
            agent: null,
            cause: n % 2 ? 'crash_loop' : 'oom_killed',
            message: `agent ${n} crashed`,
            lastLogLines: [],
          },
          { actor: MONITOR_TEST_ACTOR },
        ),
      ),
    );
    const posted = await h.standIn.waitFor(
      'all 50 alerts in #alerts',
      () => {
        const msgs = h.standIn.botMessages(alerts).slice(before);
        return msgs.reduce((n, x) => n + alertsIn(x), 0) >= 50 ? msgs : undefined;
      },
      30_000,
    );
    assert.ok(posted.length <= 3, `${posted.length} messages for 50 alerts`);
    assert.equal(
      posted.reduce((n, x) => n + alertsIn(x), 0),
      50,
      'every alert accounted for, none twice',
    );
    assert.match(posted.map(textOf).join('\n'), /crash\\?_loop ×25/);
    // the critical ones ping the on-call role (here: operator), once per message, and nobody else
    const operator = h.standIn.idx.role('operator').id;
    const pinging = posted.filter((x) => (x.content as string | undefined)?.startsWith(`<@&${operator}>`));
    assert.ok(pinging.length >= 1, 'the on-call role is pinged');
    assert.equal(
      pinging.reduce((n, x) => n + Number(/(\d+) critical alert/.exec(x.content as string)![1]), 0),
      5,
      'five critical alerts named',
    );
    const sentBodies = h.standIn
      .requestsTo(ALERT_MESSAGES)
      .slice(requestsBefore)
      .filter((r) => r.status === 200)
      .map((r) => r.body as { allowed_mentions?: unknown });
    assert.ok(
      sentBodies.every(
        (b) => JSON.stringify(b.allowed_mentions) === JSON.stringify({ parse: [], roles: [operator] }) || JSON.stringify(b.allowed_mentions) === JSON.stringify({ parse: [] }),
      ),
    );
    const limited = h.standIn
      .requestsTo(ALERT_MESSAGES)
      .slice(requestsBefore)
      .filter((r) => r.status === 429);
    assert.ok(limited.length >= 1, 'Discord answered 429 at least once');

    // resolving one posts that it resolved
    assert.ok((await h.cp.command('alert.resolve', { key: 'test:burst:7', message: 'agent 7 is running again' }, { actor: MONITOR_TEST_ACTOR })).ok);
    const resolved = await h.standIn.waitFor(
      'the resolution posted',
      () =>
        h.standIn
          .botMessages(alerts)
          .slice(before + posted.length)
          .find((x) => /resolved/.test(textOf(x))),
      15_000,
    );
    assert.match(textOf(resolved), /agent 7 is running again/);
    assert.equal(resolved.content ?? '', '', 'a resolution pings nobody');
  });

  test('the token never appears in logs, events, the audit trail or anything the bot sent', async () => {
    const token = h.standIn.token;
    assert.ok(token.length > 20);
    assert.ok(!h.gateway.logs.includes(token), 'gateway logs');
    for (const o of h.cp.orchestrators) assert.ok(!o.logs.includes(token), 'orchestrator logs');
    const { rows: ev } = await h.cp.pool.query(`select count(*)::int as n from events where data::text like $1 or metadata::text like $1`, [`%${token}%`]);
    assert.equal(ev[0].n, 0, 'events');
    const { rows: au } = await h.cp.pool.query(
      `select count(*)::int as n from command_audit where coalesce(payload::text, '') || coalesce(message, '') || coalesce(actor::text, '') like $1`,
      [`%${token}%`],
    );
    assert.equal(au[0].n, 0, 'audit trail');
    const sent = h.standIn.requests.filter((r) => JSON.stringify(r.body ?? '').includes(token));
    assert.equal(sent.length, 0, 'request bodies sent to Discord');
  });

  test('a wrong token or a wrong key stops the gateway with advice, never echoing the token', async () => {
    const bad = `${h.standIn.token.slice(0, -6)}XXXXXX`;
    const g1 = await h.cp.addDiscordGateway(
      { ...h.gatewayEnv({ DISCORD_ALERT_CHANNEL_ID: '' }), DISCORD_TOKEN_FILE: '', DISCORD_TOKEN_KEY_FILE: '', DISCORD_TOKEN: bad },
      { waitReady: false },
    );
    assert.equal(await g1.exited(30_000), 1);
    assert.match(g1.logs, /Discord refused the bot token \(401\)/);
    assert.ok(!g1.logs.includes(bad), 'the wrong token is not in the output');
    assert.ok(!g1.logs.includes(bad.slice(0, 24)), 'not even its first part');

    const env = h.gatewayEnv();
    const otherKey = join(tmpdir(), `sacp-other-${randomUUID()}.key`);
    writeFileSync(otherKey, generateSealingKey());
    const g2 = await h.cp.addDiscordGateway({ ...env, DISCORD_TOKEN_KEY_FILE: otherKey }, { waitReady: false });
    assert.equal(await g2.exited(30_000), 78);
    assert.match(g2.logs, /DISCORD_TOKEN_FILE cannot be opened: .*the key does not open this file/);
    assert.ok(!g2.logs.includes(h.standIn.token));
    assert.ok(!g2.logs.includes(readFileSync(env.DISCORD_TOKEN_KEY_FILE!, 'utf8').trim()), 'nor the key');
    assert.ok(!readFileSync(env.DISCORD_TOKEN_FILE!, 'utf8').includes(h.standIn.token), 'the sealed file does not hold the token in clear');
  });

  test('DISCORD_GATEWAY_URL overrides the gateway address Discord hands out', async () => {
    // a TCP relay in front of the stand-in's gateway: only a bot that uses the override goes through it
    let relayed = 0;
    const relay: Server = createServer((client) => {
      relayed++;
      const upstream = connect(h.standIn.address.port, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    const port = (relay.address() as { port: number }).port;
    try {
      const g = await h.cp.addDiscordGateway({
        ...h.gatewayEnv({ DISCORD_ALERT_CHANNEL_ID: '', DISCORD_REGISTER_COMMANDS: 'false' }),
        DISCORD_GATEWAY_URL: `ws://127.0.0.1:${port}/gateway`,
      });
      assert.ok(relayed >= 1, 'the bot connected through the overriding address');
      assert.match(g.logs, /connected to Discord/);
      await g.kill('SIGTERM');
    } finally {
      relay.close();
    }
  });

  test('alerts through a webhook, with the bot off: the webhook token stays out of the logs', async () => {
    const hook = h.standIn.idx.webhook('alerts-hook');
    const g = await h.cp.addDiscordGateway({
      ...h.gatewayEnv(),
      DISCORD_TOKEN_FILE: '',
      DISCORD_TOKEN_KEY_FILE: '',
      DISCORD_ROLES: '',
      DISCORD_ALERT_CHANNEL_ID: '',
      DISCORD_ALERT_WEBHOOK_URL: `${h.standIn.restUrl}/webhooks/${hook.id}/${hook.token}`,
      // its own durable consumer: this gateway sees every new alert
      SACP_INSTANCE: `${h.cp.instance}-hook`,
    });
    assert.match(g.logs, /no Discord token configured: the bot is off/);
    assert.ok(
      (
        await h.cp.command(
          'alert.raise',
          { key: 'test:hook', severity: 'critical', agent: null, cause: 'disk_full', message: 'disk 97% full', lastLogLines: [] },
          { actor: MONITOR_TEST_ACTOR },
        )
      ).ok,
    );
    const posted = await h.standIn.waitFor(
      'the alert through the webhook',
      () => h.standIn.messagesIn('alerts').find((m) => m.webhook_id === hook.id && /disk_full/.test(textOf(m))),
      15_000,
    );
    assert.match(textOf(posted), /critical/);
    assert.match(textOf(posted), /disk 97% full/);
    await g.kill('SIGTERM');
    assert.ok(!g.logs.includes(hook.token), 'the webhook token is not logged');
  });

  test('commands are read only in the command channels: elsewhere a message is chat, a slash command is pointed there', async () => {
    const m = h.say('alice', '!status', 'alerts');
    const i = h.slash('alice', 'status', undefined, 'alerts');
    const told = await h.standIn.waitFor('a private pointer', () => h.privateRepliesTo(i.id).find((t) => /commands are taken in/.test(t)));
    assert.equal(told, `commands are taken in <#${h.channelId('control')}> only`);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(h.replyTo(m), undefined, 'no answer in #alerts');
    const ok = h.say('alice', '!status');
    await h.waitReply(ok, (t) => /agents?/i.test(t), 'answers in #control');
  });
});
