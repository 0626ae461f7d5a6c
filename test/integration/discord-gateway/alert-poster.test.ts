/*
 * The alert poster end to end: alerts published on JetStream (a private nats-server)
 * reach #alerts of the Discord stand-in through the real discord.js client (bot channel
 * sink) or a real discord.js WebhookClient, once each, in a shape a phone can read.
 */
import { describe, test, beforeAll, afterAll, afterEach } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client, GatewayIntentBits, type APIEmbed } from 'discord.js';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { DiscordStandIn, type Json } from '../../support/discord-stand-in';
import { startNats, type TestNats } from '../../support/nats-server';
import { freePort } from '../../support/ports';
import { ensureEventStream } from '@sacp/bus';
import type { StoredEvent, AlertRaisedDataV1, AlertResolvedDataV1 } from '@sacp/events';
import { JsonLogger } from '@sacp/platform';
import { AlertPoster, type AlertMessage, type AlertSink } from '../../../apps/discord-gateway/src/alerts/alert-poster';
import { ChannelSink, WebhookSink, parseWebhookUrl } from '../../../apps/discord-gateway/src/alerts/alert-sinks';

const MESSAGES = 'POST /channels/:channelId/messages';
const WEBHOOK = 'POST /webhooks/:webhookId/:token';

/** A JsonLogger that keeps its lines instead of printing them. */
class CaptureLog extends JsonLogger {
  readonly lines: { level: string; msg: string; extra: Record<string, unknown> }[] = [];
  constructor() {
    super('discord-gateway', 'debug');
  }
  override write(...[level, msg, extra]: Parameters<JsonLogger['write']>): void {
    this.lines.push({ level, msg, extra: extra ?? {} });
  }
}

let globalPosition = 0;
function event<T extends string, D>(type: T, data: D): StoredEvent<T, D> {
  const at = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    streamId: 'alerts',
    streamPosition: ++globalPosition,
    globalPosition: String(globalPosition),
    transactionId: String(globalPosition),
    data,
    metadata: {
      commandId: null,
      correlationId: randomUUID(),
      causationId: null,
      actor: { kind: 'system', id: 'sacp', displayName: 'control plane' },
      source: 'monitor',
      reason: null,
      occurredAt: at,
    },
    recordedAt: at,
  };
}

function raised(agentName: string, over: Partial<AlertRaisedDataV1> = {}) {
  const agentId = randomUUID();
  return event<'alert.raised', AlertRaisedDataV1>('alert.raised', {
    key: `agent:${agentId}:recovery`,
    severity: 'critical',
    agentId,
    agentName,
    cause: 'recovery_abandoned',
    message: `${agentName} crashed 5 times in 600 s; automatic restarts stopped`,
    lastLogLines: ['{"level":"error","msg":"model quota exceeded"}'],
    ...over,
  });
}

function resolvedOf(r: StoredEvent<'alert.raised', AlertRaisedDataV1>, message: string) {
  return event<'alert.resolved', AlertResolvedDataV1>('alert.resolved', { key: r.data.key, agentId: r.data.agentId, message });
}

const embedsOf = (messages: Json[]) => messages.flatMap((m) => (m.embeds as APIEmbed[] | undefined) ?? []);
/** How many alerts a set of messages accounts for: a summary says how many, any other embed is one. */
const accounted = (messages: Json[]) =>
  embedsOf(messages).reduce((n, e) => {
    const m = /^🚨 (\d+) alerts/.exec(e.title ?? '');
    return n + (m ? Number(m[1]) : 1);
  }, 0);
const titled = (messages: Json[], part: string) => embedsOf(messages).filter((e) => (e.title ?? '').includes(part));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('alert poster: JetStream alerts to Discord', () => {
  let nats: TestNats;
  /** the gateway's credential reads alerts; the orchestrator's publishes them, as in production */
  let nc: NatsConnection;
  let orchestrator: NatsConnection;
  let js: JetStreamClient;
  const standIn = new DiscordStandIn({ heartbeatIntervalMs: 1000 });
  let client: Client;
  let alertsId: string;
  const posters: AlertPoster[] = [];

  const publish = async (...events: StoredEvent[]) => {
    for (const ev of events) await js.publish(`sacp.evt.${ev.type}`, JSON.stringify(ev), { msgID: ev.eventId });
  };
  /** Bot messages in #alerts written after `from` (an index into botMessages). */
  const botAlerts = (from: number) => standIn.botMessages('alerts').slice(from);
  const poster = async (opts: Partial<ConstructorParameters<typeof AlertPoster>[0]> & { instance: string }) => {
    const p = new AlertPoster({ nc, log: new CaptureLog(), sink: new ChannelSink(client, alertsId), burstWindowMs: 300, ...opts });
    posters.push(p);
    await p.start();
    return p;
  };

  beforeAll(async () => {
    nats = await startNats();
    nc = await nats.connectAs('discord-gateway');
    orchestrator = await nats.connectAs('orchestrator');
    await ensureEventStream(orchestrator);
    js = jetstream(orchestrator);
    await standIn.start();
    alertsId = standIn.idx.channel('alerts').id;
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: standIn.restUrl } });
    const ready = new Promise((r) => client.once('clientReady', r));
    await client.login(standIn.token);
    await ready;
  });

  // every running poster reads every new alert: one left running by a test that failed
  // half-way would post the next tests' alerts too and fail them as well
  afterEach(async () => {
    for (const p of posters) await p.stop();
  });

  afterAll(async () => {
    for (const p of posters) await p.stop();
    await client?.destroy();
    await nc?.close();
    await orchestrator?.close();
    await standIn.stop();
    await nats?.stop();
  });

  test('one alert raised → one message naming agent, severity, cause and message; resolving it → a second message saying so', async () => {
    const from = standIn.botMessages('alerts').length;
    const p = await poster({ instance: 'single' });
    const alert = raised('coder-1', { lastLogLines: ['{"level":"info","msg":"starting"}', '{"level":"error","msg":"model quota exceeded"}'] });
    await publish(alert);
    await standIn.waitFor('the alert message', () => botAlerts(from).length >= 1);
    const [msg] = botAlerts(from);
    const [embed] = embedsOf([msg!]);
    assert.equal(embed!.title, '🔴 critical: coder-1 — recovery_abandoned');
    assert.equal(embed!.description, 'coder-1 crashed 5 times in 600 s; automatic restarts stopped');
    assert.equal(embed!.fields?.[0]?.name, 'Last log lines');
    assert.match(embed!.fields[0].value, /^```\n.*starting.*\n.*model quota exceeded.*\n```$/);
    assert.equal(embed!.timestamp, alert.metadata.occurredAt);
    assert.equal(embed!.color, 0xe74c3c);
    const req = standIn.requestsTo(MESSAGES).at(-1)!;
    assert.equal(req.status, 200);
    assert.deepEqual((req.body as Json).allowed_mentions, { parse: [] }, 'alerts never ping anyone');

    await publish(resolvedOf(alert, 'coder-1 is running again'));
    await standIn.waitFor('the resolved message', () => botAlerts(from).length >= 2);
    const resolved = embedsOf([botAlerts(from)[1]!])[0]!;
    assert.equal(resolved.title, '✅ resolved: coder-1 — coder-1 is running again');
    await sleep(500);
    assert.equal(botAlerts(from).length, 2, 'nothing else was posted');
    assert.equal(p.posted, 2);
    await p.stop();
  });

  test('an alert far beyond Discord limits (long name, message and logs) is trimmed, not refused', async () => {
    const from = standIn.botMessages('alerts').length;
    const reqFrom = standIn.requests.length;
    const p = await poster({ instance: 'huge' });
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i} ` + 'x'.repeat(400) + ' ``` @everyone');
    await publish(raised('n'.repeat(300), { message: 'm'.repeat(10_000), lastLogLines: lines, cause: 'c'.repeat(500) }));
    await standIn.waitFor('the huge alert', () => botAlerts(from).length >= 1);
    const e = embedsOf(botAlerts(from))[0]!;
    assert.ok(e.title!.length <= 256 && e.description!.length <= 4096 && e.fields![0]!.value.length <= 1024);
    assert.match(e.fields![0]!.value, /line 399/, 'the newest log lines are the ones kept');
    assert.match(e.fields![0]!.value, /earlier lines/);
    assert.deepEqual(
      standIn.requests
        .slice(reqFrom)
        .filter((r) => r.route === MESSAGES)
        .map((r) => r.status),
      [200],
    );
    await p.stop();
  });

  test('50 alerts within ~1 s → at most 3 messages that account for all 50 (a summary)', async () => {
    const from = standIn.botMessages('alerts').length;
    const p = await poster({ instance: 'burst', burstWindowMs: 2000 });
    const causes = ['recovery_abandoned', 'memory_high', 'unhealthy'] as const;
    const severities = ['critical', 'warning', 'info'] as const;
    const publishStart = Date.now();
    for (let i = 1; i <= 50; i++) {
      await publish(raised(`worker-${i}`, { cause: causes[i % 3]!, severity: severities[i % 3]! }));
      await sleep(10);
    }
    const publishMs = Date.now() - publishStart;
    await standIn.waitFor('all 50 alerts posted', () => accounted(botAlerts(from)) >= 50, 15_000);
    await sleep(800);
    const msgs = botAlerts(from);
    assert.ok(msgs.length >= 1 && msgs.length <= 3, `${msgs.length} messages`);
    assert.equal(accounted(msgs), 50);
    const summary = embedsOf(msgs).find((e) => /^🚨 50 alerts/.test(e.title ?? ''));
    assert.ok(summary, `one summary says 50 (publishing took ${publishMs} ms)`);
    assert.equal(summary.title, '🚨 50 alerts: 50 raised, 0 resolved');
    assert.match(summary.description!, /🔴 16 critical · 🟠 17 warning · 🔵 17 info/);
    assert.match(summary.description!, /recovery_abandoned ×16/);
    assert.match(summary.description!, /memory_high ×17/);
    assert.match(summary.description!, /Agents \(50\):\*\* worker-1, worker-2, .*worker-10 …and 40 more/);
    assert.ok(!/worker-11\b/.test(summary.description!));
    await standIn.waitFor('the poster to count them', () => p.posted >= msgs.length);
    assert.equal(p.posted, msgs.length);
    await p.stop();
  });

  test('429s from Discord: discord.js waits them out and every alert is still posted, once', async () => {
    const from = standIn.botMessages('alerts').length;
    const reqFrom = standIn.requests.length;
    const p = await poster({ instance: 'ratelimit' });
    standIn.forceRateLimit(MESSAGES, { count: 3, retryAfterSeconds: 1 });
    await publish(raised('limited-1'));
    await sleep(500); // a second window
    await publish(raised('limited-2'));
    await standIn.waitFor('both alerts after the 429s', () => botAlerts(from).length >= 2, 20_000);
    const statuses = standIn.requests
      .slice(reqFrom)
      .filter((r) => r.route === MESSAGES)
      .map((r) => r.status);
    assert.deepEqual(statuses.slice(0, 3), [429, 429, 429]);
    assert.ok(statuses.slice(3).every((s) => s === 200));
    const msgs = botAlerts(from);
    assert.equal(titled(msgs, 'limited-1').length, 1);
    assert.equal(titled(msgs, 'limited-2').length, 1);
    const first429 = standIn.requests.slice(reqFrom).find((r) => r.status === 429)!;
    const lastPost = standIn.requests
      .slice(reqFrom)
      .filter((r) => r.route === MESSAGES && r.status === 200)
      .at(-1)!;
    assert.ok(lastPost.time - first429.time >= 2500, 'the later message came after waiting out the Retry-Afters');
    await p.stop();
  });

  test('webhook sink: parseWebhookUrl and posting through the stand-in webhook alerts-hook', async () => {
    const hook = standIn.idx.webhook('alerts-hook');
    const target = parseWebhookUrl(`${standIn.restUrl}/webhooks/${hook.id}/${hook.token}`);
    assert.deepEqual(target, { id: hook.id, token: hook.token, restApi: standIn.restUrl });
    assert.deepEqual(parseWebhookUrl('https://discord.com/api/v10/webhooks/123456/abc_DEF-9'), { id: '123456', token: 'abc_DEF-9', restApi: 'https://discord.com/api' });
    for (const bad of [
      'https://discord.com/api/webhooks/notanid/super-secret-token',
      'not a url super-secret-token',
      'ftp://x/webhooks/1/super-secret-token',
      'https://discord.com/api/channels/1/super-secret-token',
    ])
      assert.throws(
        () => parseWebhookUrl(bad),
        (e: Error) => /webhooks\/<id>\/<token>/.test(e.message) && !e.message.includes('super-secret-token'),
      );

    const sink = new WebhookSink(target);
    const reqFrom = standIn.requests.length;
    const p = await poster({ instance: 'webhook', sink });
    await publish(raised('hooked-1', { severity: 'warning', cause: 'memory_high', message: 'hooked-1 uses 95% of its memory limit' }));
    const viaHook = () => standIn.messagesIn('alerts').filter((m) => m.webhook_id === hook.id);
    await standIn.waitFor('the webhook message', () => viaHook().length >= 1);
    const e = embedsOf(viaHook())[0]!;
    assert.equal(e.title, '🟠 warning: hooked-1 — memory_high');
    assert.equal(e.description, 'hooked-1 uses 95% of its memory limit');
    const reqs = standIn.requests.slice(reqFrom).filter((r) => r.route === WEBHOOK);
    assert.equal(reqs.length, 1);
    assert.equal(reqs[0]!.status, 200);
    assert.equal(reqs[0]!.auth, 'missing', 'webhooks are posted without the bot token');
    // the poster counts a message once Discord's answer is back, a moment after the stand-in stored it
    await standIn.waitFor('the poster to count it', () => p.posted >= 1);
    assert.equal(p.posted, 1);
    await p.stop();
    sink.close();
  });

  test('restart: a new poster with the same instance posts only what was not posted; a new instance starts at new alerts', async () => {
    const from = standIn.botMessages('alerts').length;
    const a = await poster({ instance: 'restart' });
    await publish(raised('restart-1'), raised('restart-2'));
    await standIn.waitFor('the first two', () => titled(botAlerts(from), 'restart-').length >= 2);
    await a.stop();
    await publish(raised('restart-3'), raised('restart-4'), raised('restart-5'));
    await sleep(200);
    assert.equal(titled(botAlerts(from), 'restart-').length, 2, 'nothing is posted while stopped');
    const b = await poster({ instance: 'restart' });
    await standIn.waitFor('the other three', () => titled(botAlerts(from), 'restart-').length >= 5);
    await sleep(600);
    for (let i = 1; i <= 5; i++) assert.equal(titled(botAlerts(from), `restart-${i} `).length, 1, `restart-${i} once`);
    assert.equal(a.posted + b.posted, botAlerts(from).length);

    // a fresh instance does not post the backlog of the stream...
    const fresh = await poster({ instance: 'fresh' });
    await sleep(800);
    assert.equal(fresh.posted, 0);
    await fresh.stop();
    // ...unless asked to start from all (recorded here, not posted)
    const seen: AlertMessage[] = [];
    const all = await poster({ instance: 'replay', startFrom: 'all', sink: { send: async (m) => void seen.push(m) } });
    const total = (await (await js.streams.get('SACP_EVENTS')).info()).state.messages;
    await standIn.waitFor('the whole stream replayed', () => accounted(seen.map((m) => m as Json)) >= total, 10_000);
    assert.equal(accounted(seen.map((m) => m as Json)), total);
    await all.stop();
    await b.stop();
  });

  test('a failing sink: the send is retried with back-off and posted once; alerts held when stopped are handed back, not lost', async () => {
    const from = standIn.botMessages('alerts').length;
    const channel = new ChannelSink(client, alertsId);
    let calls = 0;
    const flaky: AlertSink = {
      send: async (m) => {
        if (++calls <= 2) throw new Error('connect ECONNREFUSED 127.0.0.1:443');
        await channel.send(m);
      },
    };
    const log = new CaptureLog();
    const p = await poster({ instance: 'flaky', sink: flaky, log, retryInitialMs: 200 });
    await publish(raised('flaky-1'));
    await standIn.waitFor('the alert after two failures', () => titled(botAlerts(from), 'flaky-1').length >= 1, 10_000);
    await sleep(500);
    assert.equal(titled(botAlerts(from), 'flaky-1').length, 1);
    assert.equal(calls, 3);
    const warns = log.lines.filter((l) => l.level === 'warn' && l.msg === 'could not post alerts to Discord; will retry');
    assert.deepEqual(
      warns.map((w) => [w.extra.attempt, w.extra.retryInMs]),
      [
        [1, 200],
        [2, 400],
      ],
    );
    assert.equal((warns[0]!.extra.error as { message: string }).message, 'connect ECONNREFUSED 127.0.0.1:443');
    await p.stop();

    // Discord unreachable (nothing listens where the REST API should be), and the poster is stopped before it comes back
    const deadPort = await freePort();
    const offline = new Client({ intents: [], rest: { api: `http://127.0.0.1:${deadPort}/api` } });
    offline.rest.setToken(standIn.token);
    const downLog = new CaptureLog();
    const down = await poster({ instance: 'handback', sink: new ChannelSink(offline, alertsId), log: downLog, retryInitialMs: 200 });
    await publish(raised('handback-1'));
    const failed = await standIn.waitFor('a failed attempt', () => downLog.lines.find((l) => l.msg === 'could not post alerts to Discord; will retry'));
    assert.match((failed.extra.error as { message: string }).message, /ECONNREFUSED/);
    await down.stop();
    await offline.destroy();
    assert.equal(down.posted, 0);
    const started = Date.now();
    const up = await poster({ instance: 'handback' });
    await standIn.waitFor('the handed-back alert', () => titled(botAlerts(from), 'handback-1').length >= 1, 10_000);
    assert.ok(Date.now() - started < 5000, 'handed back at once (nak), not after the 60 s ack wait');
    await sleep(500);
    assert.equal(titled(botAlerts(from), 'handback-1').length, 1);
    assert.equal(up.posted, 1);
    await up.stop();
  });

  test('a destination answering 403 or 404 is reported and skipped: no retry, and the alerts after it are posted', async () => {
    const cases = [
      { how: 'missing-access', status: 403, code: 50001, says: /View Channel, Send Messages/ },
      { how: 'missing-permissions', status: 403, code: 50013, says: /View Channel, Send Messages/ },
      { how: 'deleted', status: 404, code: 10003, says: /does not exist .*DISCORD_ALERT_CHANNEL_ID/ },
    ] as const;
    for (const c of cases) {
      const from = standIn.botMessages('alerts').length;
      const reqFrom = standIn.requests.length;
      const log = new CaptureLog();
      const p = await poster({ instance: `lost-${c.how}`, log, retryInitialMs: 100 });
      standIn.refuseChannel('alerts', c.how);
      await publish(raised(`lost-${c.how}-1`), raised(`lost-${c.how}-2`));
      const dropped = await standIn.waitFor(`the ${c.how} drop reported`, () => log.lines.find((l) => l.level === 'error' && l.msg.startsWith('alerts dropped: ')));
      assert.equal(dropped.extra.status, c.status);
      assert.equal(dropped.extra.code, c.code);
      assert.equal(dropped.extra.alerts, 2);
      assert.match(dropped.msg, c.says);
      assert.equal(p.dropped, 2);
      // the destination is back: the next alert goes out at once, and the dropped ones are not sent again
      standIn.refuseChannel('alerts', null);
      await publish(raised(`lost-${c.how}-3`));
      await standIn.waitFor(`the alert after the ${c.how} drop`, () => titled(botAlerts(from), `lost-${c.how}-3`).length >= 1, 5000);
      await sleep(400);
      const attempts = standIn.requests.slice(reqFrom).filter((r) => r.route === MESSAGES);
      assert.deepEqual(
        attempts.map((r) => r.status),
        [c.status, 200],
        'one refused attempt, no retry, then the next alert',
      );
      assert.equal(titled(botAlerts(from), `lost-${c.how}-1`).length, 0);
      assert.equal(log.lines.filter((l) => l.msg === 'could not post alerts to Discord; will retry').length, 0);
      await p.stop();
      // acknowledged: a poster of the same instance gets nothing back
      const again = await poster({ instance: `lost-${c.how}`, sink: { send: async () => assert.fail('a dropped alert came back') } });
      await sleep(600);
      await again.stop();
    }
  });

  test('a deleted webhook (404/10015) is reported and skipped; the alerts after it are posted', async () => {
    const hook = standIn.idx.webhook('alerts-hook');
    const sink = new WebhookSink(parseWebhookUrl(`${standIn.restUrl}/webhooks/${hook.id}/${hook.token}`));
    const log = new CaptureLog();
    const p = await poster({ instance: 'hook-gone', sink, log, retryInitialMs: 100 });
    standIn.deleteWebhook('alerts-hook');
    await publish(raised('hook-gone-1'));
    const dropped = await standIn.waitFor('the drop reported', () => log.lines.find((l) => l.level === 'error' && l.msg.startsWith('alerts dropped: ')));
    assert.equal(dropped.extra.status, 404);
    assert.equal(dropped.extra.code, 10015);
    assert.match(dropped.msg, /webhook does not exist .*DISCORD_ALERT_WEBHOOK_URL/);
    standIn.deleteWebhook('alerts-hook', false);
    await publish(raised('hook-gone-2'));
    const viaHook = () => standIn.messagesIn('alerts').filter((m) => m.webhook_id === hook.id);
    await standIn.waitFor('the next alert through the webhook', () => titled(viaHook(), 'hook-gone-2').length >= 1, 5000);
    assert.equal(titled(viaHook(), 'hook-gone-1').length, 0);
    assert.equal(p.dropped, 1);
    await p.stop();
    sink.close();
  });
});
