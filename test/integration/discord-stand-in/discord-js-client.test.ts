import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  DiscordAPIError,
  GatewayIntentBits,
  type Interaction,
  type Message,
  type TextChannel,
} from 'discord.js';
import { nextEvent } from '../../support/discord-events';
import { DiscordStandIn, Op } from '../../support/discord-stand-in';

const MESSAGES = 'POST /channels/:channelId/messages';

describe('the real discord.js client against the Discord stand-in', () => {
  const standIn = new DiscordStandIn({ heartbeatIntervalMs: 800 });
  let client: Client;
  let control: TextChannel;
  let readyAfterMs = 0;

  beforeAll(async () => {
    await standIn.start();
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      rest: { api: standIn.restUrl },
    });
    const started = Date.now();
    const ready = nextEvent(client, 'clientReady');
    await client.login(standIn.token);
    await ready;
    readyAfterMs = Date.now() - started;
    control = client.channels.cache.get(standIn.idx.channel('control').id) as TextChannel;
  });

  afterAll(async () => {
    await client?.destroy();
    await standIn.stop();
  });

  test('login: gateway/bot, HELLO, IDENTIFY, READY, one GUILD_CREATE per guild, then clientReady with guild, channels and roles', async () => {
    const ops = standIn.idx.guild('ops');
    assert.ok(readyAfterMs < 5000, `clientReady after ${readyAfterMs} ms (it waits 15 s when a guild is missing)`);
    assert.equal(client.user?.id, standIn.world.bot.id);
    assert.equal(client.application?.id, standIn.world.application.id);
    const guild = client.guilds.cache.get(ops.id);
    assert.ok(guild?.available);
    assert.equal(guild.name, 'ops');
    assert.deepEqual(guild.channels.cache.map((c) => c.name).sort(), ['alerts', 'control']);
    assert.equal(control.type, ChannelType.GuildText);
    assert.ok(guild.roles.cache.some((r) => r.name === 'operator'));

    const gw = standIn.requestsTo('GET /gateway/bot');
    assert.equal(gw.length, 1);
    assert.equal(gw[0]!.auth, 'valid');
    assert.equal(standIn.gateway.connections[0]!.path, '/gateway');
    assert.match(standIn.gateway.connections[0]!.query, /v=10/);
    assert.match(standIn.gateway.connections[0]!.query, /encoding=json/);
    const identify = standIn.frames({ direction: 'in', op: Op.Identify });
    assert.equal(identify.length, 1);
    assert.equal((identify[0]!.d as { intents: number }).intents, GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent);
    const out = standIn.frames({ direction: 'out', op: Op.Dispatch });
    assert.deepEqual(
      out.slice(0, 2).map((f) => [f.t, f.s]),
      [
        ['READY', 1],
        ['GUILD_CREATE', 2],
      ],
    );

    // heartbeats: op 1 answered with op 11
    await standIn.waitForFrame((f) => f.direction === 'in' && f.op === Op.Heartbeat, 3000);
    await standIn.waitForFrame((f) => f.direction === 'out' && f.op === Op.HeartbeatAck, 3000);
  });

  test('a MESSAGE_CREATE from a member reaches messageCreate with content, author and roles; a repeat of the same id does not', async () => {
    const alice = standIn.idx.user('alice');
    const operator = standIn.idx.role('operator');
    const got = nextEvent(client, 'messageCreate', (m) => m.content === '!deploy grok4');
    const sent = standIn.userMessage({ channel: 'control', user: 'alice', content: '!deploy grok4' });
    const [msg] = await got;
    assert.equal(msg.id, sent.id);
    assert.equal(msg.author.id, alice.id);
    assert.equal(msg.author.bot, false);
    assert.equal(msg.guildId, standIn.idx.guild('ops').id);
    assert.equal(msg.channelId, control.id);
    assert.ok(msg.member?.roles.cache.has(operator.id), 'member roles arrive with the message');

    let repeats = 0;
    const count = (m: Message) => void (m.id === sent.id && repeats++);
    client.on('messageCreate', count);
    standIn.redeliverMessage(sent.id as string);
    await new Promise((r) => setTimeout(r, 300));
    client.off('messageCreate', count);
    assert.equal(repeats, 0, 'discord.js ignores a MESSAGE_CREATE for a cached message id');
  });

  test('channel.send() is recorded by the stand-in, authorised with the bot token', async () => {
    const sent = await control.send({ content: 'hello from the bot', embeds: [{ title: 'status', description: 'all good' }] });
    const stored = standIn.message(sent.id);
    assert.ok(stored);
    assert.equal(stored.source, 'bot');
    assert.equal(stored.message.content, 'hello from the bot');
    assert.equal((stored.message.embeds as { title: string }[])[0]!.title, 'status');
    assert.equal((stored.message.author as { id: string }).id, standIn.world.bot.id);
    const req = standIn.requestsTo(MESSAGES).at(-1)!;
    assert.equal(req.auth, 'valid');
    assert.equal(req.headers['authorization'], 'Bot [redacted]');
    assert.equal(req.status, 200);
  });

  test('application commands: commands.set(commands, guildId) is a bulk overwrite the stand-in records', async () => {
    const ops = standIn.idx.guild('ops');
    const defs = [
      {
        name: 'deploy',
        description: 'Deploy an agent',
        options: [
          { type: 3, name: 'template', description: 'template', required: true },
          { type: 3, name: 'name', description: 'agent name' },
        ],
      },
      { name: 'status', description: 'Agent status' },
    ];
    const set = await client.application!.commands.set(defs, ops.id);
    assert.equal(set.size, 2);
    const again = await client.application!.commands.set(defs, ops.id);
    assert.deepEqual([...again.keys()].sort(), [...set.keys()].sort(), 'ids are stable across idempotent re-registration');
    assert.deepEqual(
      standIn.commands('ops').map((c) => c.name),
      ['deploy', 'status'],
    );
    const puts = standIn.requestsTo('PUT /applications/:appId/guilds/:guildId/commands');
    assert.equal(puts.length, 2);
    assert.equal(puts[0]!.params.guildId, ops.id);
  });

  test('slash command: interactionCreate, then deferReply() and editReply() arrive as callback type 5 and PATCH @original', async () => {
    const alice = standIn.idx.user('alice');
    const got = nextEvent(client, 'interactionCreate');
    const rec = standIn.slashCommand({ channel: 'control', user: 'alice', name: 'deploy', options: { template: 'grok4' } });
    const [interaction] = await got;
    assert.ok(interaction.isChatInputCommand());
    assert.equal(interaction.id, rec.id);
    assert.equal(interaction.commandName, 'deploy');
    assert.equal(interaction.commandId, standIn.commands('ops').find((c) => c.name === 'deploy')!.id);
    assert.equal(interaction.options.getString('template'), 'grok4');
    assert.equal(interaction.user.id, alice.id);
    assert.equal(interaction.channelId, control.id);
    assert.ok((interaction.member?.roles as { cache: Map<string, unknown> }).cache.has(standIn.idx.role('operator').id));

    await interaction.deferReply();
    const edited = await interaction.editReply('deployed grok4-1');
    assert.equal(edited.content, 'deployed grok4-1');

    assert.equal(rec.ack?.type, 5);
    const cb = standIn.requestsTo('POST /interactions/:interactionId/:token/callback').at(-1)!;
    assert.equal(cb.auth, 'missing', 'callbacks carry no Authorization header');
    assert.equal(cb.status, 204);
    const patch = standIn.requestsTo('PATCH /webhooks/:webhookId/:token/messages/:messageId').at(-1)!;
    assert.equal(patch.auth, 'missing');
    assert.equal(patch.params.messageId, '@original');
    assert.match(patch.rawPath, /%40original$/, '@original arrives URL-encoded');
    const original = standIn.message(rec.originalMessageId!)!;
    assert.equal(original.message.content, 'deployed grok4-1');
    assert.equal((original.message.flags as number) & (1 << 7), 0, 'no longer "thinking"');
    assert.equal(original.versions.length, 2);
  });

  test('a redelivered interaction reaches the bot again, and a second acknowledgement fails with 40060', async () => {
    const first = nextEvent(client, 'interactionCreate');
    const rec = standIn.slashCommand({ channel: 'control', user: 'alice', name: 'status' });
    const [i1] = await first;
    await (i1 as Interaction & { deferReply(): Promise<unknown> }).deferReply();

    const second = nextEvent(client, 'interactionCreate');
    standIn.redeliverInteraction(rec.id);
    const [i2] = await second;
    assert.equal(i2.id, rec.id);
    assert.ok(i2.isChatInputCommand());
    const err = await i2.deferReply().then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof DiscordAPIError, `expected DiscordAPIError, got ${String(err)}`);
    assert.equal(err.code, 40060);
    assert.equal(err.status, 400);
    assert.deepEqual(
      rec.callbacks.map((c) => [c.type, c.status]),
      [
        [5, 204],
        [5, 400],
      ],
    );
  });

  test('button: the click carries the full message; update() is a type 7 callback that edits it', async () => {
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId('confirm:stop:grok4-1').setLabel('Stop').setStyle(ButtonStyle.Danger),
      new ButtonBuilder().setCustomId('cancel:stop:grok4-1').setLabel('Cancel').setStyle(ButtonStyle.Secondary),
    );
    const prompt = await control.send({ content: 'Stop grok4-1?', components: [row] });
    const got = nextEvent(client, 'interactionCreate', (i) => i.isButton());
    const rec = standIn.buttonClick({ user: 'alice', messageId: prompt.id, customId: 'confirm:stop:grok4-1' });
    const [interaction] = await got;
    assert.ok(interaction.isButton());
    assert.equal(interaction.customId, 'confirm:stop:grok4-1');
    assert.equal(interaction.message.id, prompt.id);
    assert.equal(interaction.message.components.length, 1);
    await interaction.update({ content: 'Stopping grok4-1…', components: [] });
    assert.equal(rec.ack?.type, 7);
    const stored = standIn.message(prompt.id)!;
    assert.equal(stored.message.content, 'Stopping grok4-1…');
    assert.deepEqual(stored.message.components, []);
  });

  test('forced 429 with Retry-After 1 s: discord.js waits it out and the message is delivered once', async () => {
    standIn.forceRateLimit(MESSAGES, { count: 1, retryAfterSeconds: 1, majorParameter: control.id });
    const from = standIn.requests.length;
    const sent = await control.send('after a 429');
    const reqs = standIn.requests.slice(from).filter((r) => r.route === MESSAGES);
    assert.deepEqual(
      reqs.map((r) => r.status),
      [429, 200],
    );
    const waited = reqs[1]!.time - reqs[0]!.time;
    assert.ok(waited >= 1000, `retried after ${waited} ms`);
    assert.equal((reqs[0]!.responseBody as { retry_after: number }).retry_after, 1);
    assert.equal(standIn.botMessages('control').filter((m) => m.content === 'after a 429').length, 1);
    assert.equal(standIn.message(sent.id)?.message.content, 'after a 429');
  });

  test('a configured bucket (2 per second): discord.js follows X-RateLimit-* and spreads 5 sends over 2 s', async () => {
    standIn.setRateLimit(MESSAGES, { limit: 2, windowMs: 1000 });
    try {
      const from = standIn.requests.length;
      const t0 = Date.now();
      await Promise.all([1, 2, 3, 4, 5].map((n) => control.send(`burst ${n}`)));
      const elapsed = Date.now() - t0;
      const reqs = standIn.requests.slice(from).filter((r) => r.route === MESSAGES);
      const delivered = standIn.botMessages('control').filter((m) => String(m.content).startsWith('burst '));
      assert.equal(delivered.length, 5, 'nothing dropped');
      assert.ok(elapsed >= 1900, `5 messages at 2/s took ${elapsed} ms`);
      assert.equal(reqs.filter((r) => r.status === 429).length, 0, `429s: ${reqs.map((r) => r.status).join(',')}`);
    } finally {
      standIn.setRateLimit(MESSAGES, null);
    }
  });

  test('gateway dropped: the client RESUMEs on resume_gateway_url and receives a dispatch sent while it was away', async () => {
    const sessionId = standIn.frames({ direction: 'out', t: 'READY' })[0]!.sessionId;
    const identifies = standIn.frames({ direction: 'in', op: Op.Identify }).length;
    const resumed = nextEvent(client, 'shardResume');
    const got = nextEvent(client, 'messageCreate', (m) => m.content === '!status while away');
    assert.equal(standIn.dropGateway(), 1);
    const missed = standIn.userMessage({ channel: 'control', user: 'bob', content: '!status while away' });
    const [msg] = await got;
    await resumed;
    assert.equal(msg.id, missed.id);
    const resume = standIn.frames({ direction: 'in', op: Op.Resume });
    assert.equal(resume.length, 1);
    assert.equal((resume[0]!.d as { session_id: string }).session_id, sessionId);
    assert.equal(standIn.frames({ direction: 'in', op: Op.Identify }).length, identifies, 'no new IDENTIFY');
    assert.equal(standIn.gateway.connections.at(-1)!.path, '/gateway-resume');
    const replayed = standIn.frames({ direction: 'out', t: 'MESSAGE_CREATE' }).filter((f) => (f.d as { id: string }).id === missed.id);
    assert.equal(replayed.length, 1, 'sent once, on the resumed connection');
    const seqAfter = standIn.frames({ direction: 'out', t: 'RESUMED' })[0]!.s!;
    assert.equal(seqAfter, replayed[0]!.s! + 1);
  });

  test('a close with code 4000 also resumes, and the session keeps its sequence', async () => {
    const resumesBefore = standIn.frames({ direction: 'in', op: Op.Resume }).length;
    const resumed = nextEvent(client, 'shardResume');
    standIn.dropGateway({ code: 4000 });
    await resumed;
    assert.equal(standIn.frames({ direction: 'in', op: Op.Resume }).length, resumesBefore + 1);
    const got = nextEvent(client, 'messageCreate', (m) => m.content === 'after 4000');
    standIn.userMessage({ channel: 'control', user: 'alice', content: 'after 4000' });
    await got;
  });

  test('without the MessageContent intent a second client sees the message but not its content; a wrong token is refused', async () => {
    const noContent = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: standIn.restUrl } });
    try {
      const ready = nextEvent(noContent, 'clientReady');
      await noContent.login(standIn.token);
      await ready;
      const got = nextEvent(noContent, 'messageCreate', (m) => m.author.id === standIn.idx.user('carol').id);
      standIn.userMessage({ channel: 'control', user: 'carol', content: '!templates' });
      const [m] = await got;
      assert.equal(m.content, '');
    } finally {
      await noContent.destroy();
    }
    const bad = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: standIn.restUrl } });
    try {
      await assert.rejects(bad.login('not-the-token'), /invalid token/i);
    } finally {
      await bad.destroy();
    }
  });
});
