import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { Client, GatewayIntentBits } from 'discord.js';
import WebSocket from 'ws';
import { DiscordStandIn, Op, WorldBuilder } from '../../support/discord-stand-in';

describe('Discord stand-in: REST and gateway details (plain fetch and ws)', () => {
  const world = new WorldBuilder({ token: 'proto-token' })
    .guild('lab')
    .role('operator')
    .textChannel('general')
    .member('dora', ['operator'])
    .member('eve')
    .webhook('hook', 'general')
    .build();
  const standIn = new DiscordStandIn({ world, interactionAckDeadlineMs: 300, rateLimits: { 'GET /guilds/:guildId/roles': { limit: 2, windowMs: 500 } } });
  let api: string;
  const bot = { Authorization: 'Bot proto-token', 'Content-Type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = bot) => {
    const res = await fetch(api + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    api = (await standIn.start()).restUrl + '/v10';
  });
  afterAll(() => standIn.stop());

  test('bot routes need "Authorization: Bot <token>"; gateway/bot has a URL without query string', async () => {
    assert.equal((await call('GET', '/users/@me', undefined, {})).status, 401);
    assert.equal((await call('GET', '/users/@me', undefined, { Authorization: 'Bot wrong' })).status, 401);
    const me = await call('GET', '/users/@me');
    assert.equal(me.body.id, world.bot.id);
    const gw = await call('GET', '/gateway/bot');
    assert.equal(gw.body.shards, 1);
    assert.equal(gw.body.session_start_limit.max_concurrency, 1);
    assert.doesNotMatch(gw.body.url, /\?/);
    assert.equal((await call('GET', '/applications/@me')).body.id, world.application.id);
    assert.equal((await call('GET', '/nope')).status, 404);
  });

  test('guild member and role lookups come from the fixtures', async () => {
    const lab = standIn.idx.guild('lab');
    const dora = standIn.idx.user('dora');
    const m = await call('GET', `/guilds/${lab.id}/members/${dora.id}`);
    assert.equal(m.status, 200);
    assert.deepEqual(m.body.roles, [standIn.idx.role('operator').id]);
    assert.equal(m.body.user.username, 'dora');
    const unknown = await call('GET', `/guilds/${lab.id}/members/123`);
    assert.equal(unknown.body.code, 10007);
    const roles = await call('GET', `/guilds/${lab.id}/roles`);
    assert.ok(roles.body.some((r: { name: string }) => r.name === '@everyone'));
  });

  test('a configured bucket sends X-RateLimit-* and answers 429 with Retry-After and { message, retry_after, global: false }', async () => {
    const lab = standIn.idx.guild('lab');
    const r1 = await call('GET', `/guilds/${lab.id}/roles`);
    assert.equal(r1.status, 200);
    await call('GET', `/guilds/${lab.id}/roles`); // may be the first or second of the window
    const r3 = await call('GET', `/guilds/${lab.id}/roles`);
    assert.equal(r3.status, 429);
    assert.equal(r3.headers.get('x-ratelimit-limit'), '2');
    assert.equal(r3.headers.get('x-ratelimit-remaining'), '0');
    assert.ok(r3.headers.get('x-ratelimit-bucket'));
    assert.ok(Number(r3.headers.get('x-ratelimit-reset-after')) <= 0.5);
    assert.equal(r3.headers.get('retry-after'), '1');
    assert.equal(r3.body.global, false);
    assert.ok(r3.body.retry_after > 0 && r3.body.retry_after <= 0.5);
    assert.equal(typeof r3.body.message, 'string');
    await new Promise((r) => setTimeout(r, 550));
    const r4 = await call('GET', `/guilds/${lab.id}/roles`);
    assert.equal(r4.status, 200);
    assert.equal(r4.headers.get('x-ratelimit-remaining'), '1');
  });

  test('message limits: empty → 50006, 2001 characters or 11 embeds → 50035', async () => {
    const ch = standIn.idx.channel('general').id;
    assert.equal((await call('POST', `/channels/${ch}/messages`, {})).body.code, 50006);
    assert.equal((await call('POST', `/channels/${ch}/messages`, { content: 'x'.repeat(2001) })).body.code, 50035);
    const many = Array.from({ length: 11 }, (_, i) => ({ title: `e${i}` }));
    assert.equal((await call('POST', `/channels/${ch}/messages`, { embeds: many })).body.code, 50035);
    assert.equal((await call('POST', `/channels/${ch}/messages`, { content: 'ok' })).status, 200);
  });

  test('interactions: callback without auth, 40060 on a second one, @original encoded or not, follow-ups, and 10062 after the deadline', async () => {
    const rec = standIn.slashCommand({ channel: 'general', user: 'dora', name: 'status' });
    const cb = `/interactions/${rec.id}/${rec.token}/callback`;
    const first = await call('POST', cb, { type: 5 }, { 'Content-Type': 'application/json' });
    assert.equal(first.status, 204);
    const again = await call('POST', cb, { type: 4, data: { content: 'x' } }, { 'Content-Type': 'application/json' });
    assert.equal(again.status, 400);
    assert.equal(again.body.code, 40060);
    const app = world.application.id;
    const e1 = await call('PATCH', `/webhooks/${app}/${rec.token}/messages/%40original`, { content: 'one' }, {});
    assert.equal(e1.body.content, 'one');
    const e2 = await call('PATCH', `/webhooks/${app}/${rec.token}/messages/@original`, { content: 'two' }, {});
    assert.equal(e2.body.id, e1.body.id);
    const f = await call('POST', `/webhooks/${app}/${rec.token}?wait=true`, { content: 'follow-up' }, {});
    assert.equal(f.status, 200);
    assert.deepEqual(rec.followUpIds, [f.body.id]);

    const late = standIn.slashCommand({ channel: 'general', user: 'dora', name: 'status' });
    await new Promise((r) => setTimeout(r, 350));
    const tooLate = await call('POST', `/interactions/${late.id}/${late.token}/callback`, { type: 5 }, {});
    assert.equal(tooLate.body.code, 10062);
  });

  test('alert webhook execute: wait=true returns the message, without wait 204; a wrong token is 401', async () => {
    const hook = standIn.idx.webhook('hook');
    const a = await call('POST', `/webhooks/${hook.id}/${hook.token}?wait=true`, { content: 'alert 1' }, { 'Content-Type': 'application/json' });
    assert.equal(a.status, 200);
    assert.equal(a.body.webhook_id, hook.id);
    const b = await call('POST', `/webhooks/${hook.id}/${hook.token}`, { content: 'alert 2' }, { 'Content-Type': 'application/json' });
    assert.equal(b.status, 204);
    assert.equal((await call('POST', `/webhooks/${hook.id}/nope`, { content: 'x' }, {})).status, 401);
    assert.deepEqual(
      standIn
        .messagesIn('general')
        .filter((m) => m.webhook_id === hook.id)
        .map((m) => m.content),
      ['alert 1', 'alert 2'],
    );
  });

  test('gateway over plain ws: HELLO, bad token closes 4004, unknown opcode 4001, RESUME of an unknown session gets op 9', async () => {
    const frames = (ws: WebSocket) => {
      const got: { op: number; t?: string; d: unknown }[] = [];
      ws.on('message', (d: Buffer) => got.push(JSON.parse(d.toString())));
      return got;
    };
    const closed = (ws: WebSocket) => new Promise<number>((r) => ws.once('close', (code) => r(code)));
    const url = standIn.address.gatewayUrl + '?v=10&encoding=json';

    const ws1 = new WebSocket(url);
    const got1 = frames(ws1);
    await new Promise((r) => ws1.once('open', r));
    await standIn.waitFor('HELLO', () => got1.find((f) => f.op === Op.Hello));
    ws1.send(JSON.stringify({ op: Op.Identify, d: { token: 'wrong', intents: 1, properties: {} } }));
    assert.equal(await closed(ws1), 4004);

    const ws2 = new WebSocket(url);
    await new Promise((r) => ws2.once('open', r));
    ws2.send(JSON.stringify({ op: 99, d: null }));
    assert.equal(await closed(ws2), 4001);

    const ws3 = new WebSocket(url);
    const got3 = frames(ws3);
    await new Promise((r) => ws3.once('open', r));
    ws3.send(JSON.stringify({ op: Op.Resume, d: { token: 'proto-token', session_id: 'nope', seq: 3 } }));
    const invalid = await standIn.waitFor('op 9', () => got3.find((f) => f.op === Op.InvalidSession));
    assert.equal(invalid.d, false);
    ws3.close(1000);

    const ws4 = new WebSocket(standIn.address.gatewayUrl + '?v=9&encoding=json');
    assert.equal(await closed(ws4), 4012);
  });

  test('privileged intents not enabled for the application: discord.js gets close 4014 and login fails', async () => {
    const strict = new DiscordStandIn({ world, allowedPrivilegedIntents: 0 });
    await strict.start();
    const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent], rest: { api: strict.restUrl } });
    try {
      await assert.rejects(client.login('proto-token'), /disallowed intents/i);
    } finally {
      await client.destroy();
      await strict.stop();
    }
  });
});
