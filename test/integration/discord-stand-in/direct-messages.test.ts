import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { ChannelType, Client, DiscordAPIError, DMChannel, GatewayIntentBits } from 'discord.js';
import { nextEvent } from '../../support/discord-events';
import { DiscordStandIn, defaultWorld, type World } from '../../support/discord-stand-in';

/** The rejection of `p` (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => assert.fail(`expected a rejection, got ${String(v)}`),
    (e: unknown) => e,
  );
}

const OPEN_DM = 'POST /users/@me/channels';
const MESSAGES = 'POST /channels/:channelId/messages';

/** defaultWorld plus a second bot user (bots cannot DM bots). */
function worldWithOtherBot(): World {
  const w = defaultWorld();
  w.users.push({ id: '910000000000000001', username: 'other-bot', globalName: null, bot: true });
  return w;
}

describe('Discord stand-in: direct messages with the real discord.js client', () => {
  const standIn = new DiscordStandIn({ world: worldWithOtherBot(), heartbeatIntervalMs: 800 });
  let client: Client;
  const id = (name: string) => standIn.idx.user(name).id;

  beforeAll(async () => {
    await standIn.start();
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages],
      rest: { api: standIn.restUrl },
    });
    const ready = nextEvent(client, 'clientReady');
    await client.login(standIn.token);
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await standIn.stop();
  });

  test('client.users.send(id, text): POST /users/@me/channels { recipient_id }, then POST to the DM channel; the message has no guild_id', async () => {
    const from = standIn.requests.length;
    const sent = await client.users.send(id('alice'), 'hi');

    const calls = standIn.requests.slice(from).filter((r) => r.route !== 'GET /gateway/bot');
    assert.deepEqual(
      calls.map((r) => [r.route, r.status]),
      [
        [OPEN_DM, 200],
        [MESSAGES, 200],
      ],
      'discord.js needs nothing else (no GET /channels/:id)',
    );
    assert.equal(calls[0]!.auth, 'valid');
    assert.deepEqual(calls[0]!.body, { recipient_id: id('alice') });
    const dm = standIn.dmChannel('alice')!;
    assert.ok(dm);
    assert.deepEqual(calls[0]!.responseBody, {
      id: dm.id,
      type: 1,
      last_message_id: null,
      flags: 0,
      recipients: [
        {
          id: id('alice'),
          username: 'alice',
          discriminator: '0',
          global_name: 'alice',
          avatar: null,
          bot: false,
          system: false,
          public_flags: 0,
          flags: 0,
          banner: null,
          accent_color: null,
          avatar_decoration_data: null,
        },
      ],
    });
    assert.equal(calls[1]!.params.channelId, dm.id);

    const dms = standIn.directMessagesTo('alice');
    assert.deepEqual(
      dms.map((m) => m.content),
      ['hi'],
    );
    assert.equal(dms[0]!.id, sent.id);
    assert.equal(dms[0]!.channel_id, dm.id);
    assert.equal('guild_id' in dms[0]!, false);
    assert.equal((dms[0]!.author as { id: string }).id, standIn.world.bot.id);
    assert.deepEqual(standIn.directMessagesTo(id('alice')), dms, 'by name or id');
    assert.deepEqual(standIn.messagesIn(dm.id), dms, 'messagesIn/botMessages take a DM channel id');
    assert.deepEqual(standIn.botMessages(dm.id), dms);
    assert.deepEqual(standIn.directMessagesTo('bob'), []);

    // what discord.js made of it
    assert.equal(sent.guildId, null);
    assert.equal(sent.channel.type, ChannelType.DM);
    assert.ok(sent.channel instanceof DMChannel);
    assert.equal(sent.channel.recipientId, id('alice'));
    assert.equal(sent.channelId, dm.id);

    // MESSAGE_CREATE went to the session with DIRECT_MESSAGES, without guild_id or member
    const frame = await standIn.waitForFrame((f) => f.t === 'MESSAGE_CREATE' && (f.d as { id: string }).id === sent.id);
    assert.equal('guild_id' in (frame.d as object), false);
    assert.equal('member' in (frame.d as object), false);
  });

  test('(await client.users.fetch(id)).send({ embeds }) works', async () => {
    const bob = await client.users.fetch(id('bob'));
    const sent = await bob.send({ embeds: [{ title: 'agent grok4-1', description: 'stopped', color: 0xff0000 }] });
    const dms = standIn.directMessagesTo('bob');
    assert.equal(dms.length, 1);
    assert.equal(dms[0]!.id, sent.id);
    assert.deepEqual(
      (dms[0]!.embeds as Record<string, unknown>[]).map((e) => [e.title, e.description]),
      [['agent grok4-1', 'stopped']],
    );
    assert.equal(sent.embeds[0]!.title, 'agent grok4-1');
    assert.notEqual(standIn.dmChannel('bob')!.id, standIn.dmChannel('alice')!.id, 'one DM channel per user');
  });

  test('a second DM reuses the channel: discord.js caches it, and a forced re-open or a close-and-reopen gets the same id', async () => {
    const dm = standIn.dmChannel('alice')!;
    const opensFor = (name: string) => standIn.requestsTo(OPEN_DM).filter((r) => (r.body as { recipient_id: string }).recipient_id === id(name)).length;
    assert.equal(opensFor('alice'), 1);
    const again = await client.users.send(id('alice'), 'again');
    assert.equal(again.channelId, dm.id);
    assert.equal(opensFor('alice'), 1, 'no new POST /users/@me/channels: discord.js has the channel cached');
    assert.equal(dm.opens, 1);

    // force: discord.js asks again, the stand-in answers the same channel (with last_message_id now set)
    const forced = await client.users.createDM(id('alice'), { force: true });
    assert.equal(forced.id, dm.id);
    assert.equal(dm.opens, 2);
    assert.equal((standIn.requestsTo(OPEN_DM).at(-1)!.responseBody as { last_message_id: string }).last_message_id, again.id);

    // close (DELETE /channels/:id) and reopen on the next send: same channel, history kept
    await client.users.deleteDM(id('alice'));
    assert.equal(dm.closes, 1);
    assert.equal(standIn.requestsTo('DELETE /channels/:channelId').at(-1)!.status, 200);
    const third = await client.users.send(id('alice'), 'third');
    assert.equal(third.channelId, dm.id);
    assert.equal(dm.opens, 3);
    assert.equal(standIn.dmChannels().filter((d) => d.userId === id('alice')).length, 1);
    assert.deepEqual(
      standIn.directMessagesTo('alice').map((m) => m.content),
      ['hi', 'again', 'third'],
    );
  });

  test('closed DMs: discord.js rejects with DiscordAPIError 50007 (403) and nothing is stored; reopening lets it through', async () => {
    standIn.closeDirectMessages('carol');
    const err = await rejection(client.users.send(id('carol'), 'your agent crashed'));
    assert.ok(err instanceof DiscordAPIError, `expected DiscordAPIError, got ${String(err)}`);
    assert.equal(err.code, 50007);
    assert.equal(err.status, 403);
    assert.equal(err.message, 'Cannot send messages to this user');
    assert.ok(standIn.dmChannel('carol'), 'the channel itself is created, as on Discord');
    assert.deepEqual(standIn.directMessagesTo('carol'), []);
    assert.equal(standIn.requestsTo(MESSAGES).at(-1)!.status, 403);

    standIn.closeDirectMessages('carol', false);
    await client.users.send(id('carol'), 'second try');
    assert.deepEqual(
      standIn.directMessagesTo('carol').map((m) => m.content),
      ['second try'],
    );
  });

  test('bots cannot be DM\'d (50007); an unknown user or the bot itself is 400/50033 "Invalid Recipient(s)"', async () => {
    const toBot = await rejection(client.users.send('910000000000000001', 'hello bot'));
    assert.ok(toBot instanceof DiscordAPIError);
    assert.equal(toBot.code, 50007);

    const unknown = await rejection(client.users.createDM('123456789012345678'));
    assert.ok(unknown instanceof DiscordAPIError);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.code, 50033);
    const self = await rejection(client.users.createDM(standIn.world.bot.id));
    assert.ok(self instanceof DiscordAPIError);
    assert.equal(self.code, 50033);
  });

  test('existing channel routes work on a DM channel: GET /channels/:id, typing, fetch messages, edit, reply, delete', async () => {
    const dm = standIn.dmChannel('alice')!;
    const fetched = await client.channels.fetch(dm.id, { force: true });
    assert.ok(fetched instanceof DMChannel);
    assert.equal(fetched.recipientId, id('alice'));
    assert.equal(standIn.requestsTo('GET /channels/:channelId').at(-1)!.status, 200);

    await fetched.sendTyping();
    assert.equal(standIn.requestsTo('POST /channels/:channelId/typing').at(-1)!.status, 204);

    const history = await fetched.messages.fetch({ limit: 10 });
    assert.deepEqual(
      [...history.values()].map((m) => m.content),
      ['third', 'again', 'hi'],
    );

    const msg = await fetched.send('deploying…');
    const edited = await msg.edit('deployed');
    assert.equal(edited.content, 'deployed');
    assert.equal(standIn.message(msg.id)!.versions.length, 2);
    const reply = await msg.reply('details follow');
    const ref = standIn.message(reply.id)!.message.message_reference as Record<string, unknown>;
    assert.deepEqual(ref, { type: 0, message_id: msg.id, channel_id: dm.id });
    await msg.delete();
    assert.equal(standIn.message(msg.id)!.deleted, true);
    assert.deepEqual(
      standIn.directMessagesTo('alice').map((m) => m.content),
      ['hi', 'again', 'third', 'details follow'],
    );
    assert.equal(standIn.messagesIn(dm.id, { includeDeleted: true }).length, 5);
  });

  test('DM channels stay out of guild channel lists and GUILD_CREATE', async () => {
    const ops = standIn.idx.guild('ops');
    const res = await fetch(`${standIn.restUrl}/v10/guilds/${ops.id}/channels`, { headers: { Authorization: `Bot ${standIn.token}` } });
    // JSON.parse of the text, not res.json(): fetch builds its objects in Node's realm, not in this
    // file's VM context, and deepEqual compares prototypes
    const channels = JSON.parse(await res.text()) as { id: string; name: string }[];
    assert.deepEqual(channels.map((c) => c.name).sort(), ['alerts', 'control']);
    const dmIds = new Set(standIn.dmChannels().map((d) => d.id));
    assert.equal(dmIds.size, 4, 'alice, bob, carol, other-bot');
    assert.ok(channels.every((c) => !dmIds.has(c.id)));
    assert.deepEqual(
      client.guilds.cache
        .get(ops.id)!
        .channels.cache.map((c) => c.name)
        .sort(),
      ['alerts', 'control'],
    );
    for (const f of standIn.frames({ direction: 'out', t: 'GUILD_CREATE' })) {
      assert.ok((f.d as { channels: { id: string }[] }).channels.every((c) => !dmIds.has(c.id)));
    }
  });

  test('POST /users/@me/channels: auth required; missing or malformed recipient_id is 400/50035', async () => {
    const call = async (body: unknown, auth = true) => {
      const res = await fetch(`${standIn.restUrl}/v10/users/@me/channels`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: `Bot ${standIn.token}` } : {}) },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { code: number; errors?: Record<string, { _errors: { code: string }[] }> } };
    };
    assert.equal((await call({ recipient_id: id('alice') }, false)).status, 401);
    const missing = await call({});
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, 50035);
    assert.equal(missing.body.errors!.recipient_id!._errors[0]!.code, 'BASE_TYPE_REQUIRED');
    const malformed = await call({ recipient_id: 'alice' });
    assert.equal(malformed.body.code, 50035);
    assert.equal(malformed.body.errors!.recipient_id!._errors[0]!.code, 'NUMBER_TYPE_COERCE');
    const ok = await call({ recipient_id: id('alice') });
    assert.equal(ok.status, 200);
    assert.equal((ok.body as unknown as { id: string }).id, standIn.dmChannel('alice')!.id);
  });

  test('a client without DIRECT_MESSAGES gets no MESSAGE_CREATE for a DM', async () => {
    const guildOnly = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: standIn.restUrl } });
    try {
      const ready = nextEvent(guildOnly, 'clientReady');
      await guildOnly.login(standIn.token);
      await ready;
      const session = standIn.frames({ direction: 'out', t: 'READY' }).at(-1)!.sessionId;
      const sent = await client.users.send(id('bob'), 'only for DM sessions');
      const frames = standIn.frames({ direction: 'out', t: 'MESSAGE_CREATE' }).filter((f) => (f.d as { id: string }).id === sent.id);
      assert.ok(frames.length >= 1);
      assert.ok(frames.every((f) => f.sessionId !== session));
    } finally {
      await guildOnly.destroy();
    }
  });
});
