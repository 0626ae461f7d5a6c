import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { BotHarness, textOf } from '../../support/discord-bot-harness';
import type { Json } from '../../support/discord-stand-in';
import { liveHazards } from '../../support/discord-hazards';

/**
 * What users type never comes back live: the real discord-gateway process and
 * discord.js against the Discord stand-in, asserting on the bodies the stand-in
 * received (content, embeds and allowed_mentions). Also the caps on confirmations
 * waiting for a click (DISCORD_CONFIRM_PER_USER=2, DISCORD_CONFIRM_MAX=3 here).
 */
const NO_PINGS = { parse: [], replied_user: false };
const SENDS = ['POST /channels/:channelId/messages', 'PATCH /channels/:channelId/messages/:messageId'];
const INTERACTION_SENDS = ['POST /interactions/:interactionId/:token/callback', 'PATCH /webhooks/:webhookId/:token/messages/:messageId', 'POST /webhooks/:webhookId/:token'];
/** What Discord shows: inserted zero-width spaces and markdown escapes are invisible. */
const shown = (s: string) => s.replace(/\u200b/g, '').replace(/\\([\\*_~|[\]#>+\-.)])/g, '$1');

describe('Discord bot: user text in replies is inert, and confirmations are bounded', () => {
  const h = new BotHarness({ gatewayEnv: { DISCORD_CONFIRM_PER_USER: '2', DISCORD_CONFIRM_MAX: '3' } });
  const buttonsOf = (m: Json) => ((m.components as Json[] | undefined) ?? []).flatMap((row) => (row.components as Json[]).map((b) => b.custom_id as string));

  beforeAll(async () => {
    await h.start();
  });
  afterAll(async () => {
    await h.stop();
  });

  test('!status [click](https://evil.example) @everyone: the reply shows the text, with no live link and no mention, and pings nobody', async () => {
    const role = h.standIn.idx.role('operator').id;
    const alice = h.userId('alice');
    const cases = [
      // the reproduction: a usage error that echoes the extra argument
      { say: '!status [click](https://evil.example) @everyone', echoes: '@everyone' },
      // an error that echoes the target
      { say: '!status [click](https://evil.example)', echoes: '[click](https://evil.example)' },
      { say: `!status <@&${role}>`, echoes: `<@&${role}>` },
      { say: `!status x @here <@${alice}> <#${h.channelId('alerts')}> https://evil.example/bare discord.gg/evil`, echoes: 'https://evil.example/bare' },
    ];
    for (const c of cases) {
      const mark = h.standIn.requests.length;
      const m = h.say('bob', c.say);
      const reply = await h.waitReply(m, (t) => t.startsWith('❌') || t.startsWith('⚠️'), 'answers');
      const text = textOf(reply);
      assert.deepEqual(liveHazards(text), [], text);
      assert.ok(shown(text).includes(c.echoes), `${c.say}: the text is shown as typed: ${text}`);
      // every body the bot sent for it, as the stand-in received it
      const sent = h.standIn.requests.slice(mark).filter((r) => SENDS.includes(r.route ?? '') && r.params.channelId === h.channelId('control'));
      assert.ok(sent.length >= 1, 'the reply went through the channel routes');
      for (const r of sent) {
        const body = r.body as Json;
        assert.deepEqual(body.allowed_mentions, NO_PINGS);
        assert.deepEqual(liveHazards(textOf(body)), [], JSON.stringify(body));
      }
    }
  });

  test('the same through a slash command, and an error that echoes a hostile template name', async () => {
    const mark = h.standIn.requests.length;
    const i = h.slash('bob', 'status', { target: '[click](https://evil.example) @everyone' });
    const resp = await h.waitResponse(i.id, (t) => t.startsWith('❌'), 'is an error');
    assert.deepEqual(liveHazards(textOf(resp)), [], textOf(resp));
    const m = h.say('alice', '!deploy [x](http://evil.example/a_b) **b** `code` @here');
    const reply = await h.waitReply(m, (t) => t.startsWith('❌') || t.startsWith('⚠️'), 'is an error');
    assert.deepEqual(liveHazards(textOf(reply)), [], textOf(reply));
    const sent = h.standIn.requests.slice(mark).filter((r) => INTERACTION_SENDS.includes(r.route ?? '') || SENDS.includes(r.route ?? ''));
    for (const r of sent) {
      const body = r.body as Json;
      const data = (r.route!.endsWith('/callback') ? body.data : body) as Json | undefined;
      if (!data || (data.content === undefined && data.embeds === undefined)) continue; // a deferral
      assert.deepEqual(data.allowed_mentions, NO_PINGS, `${r.route}: ${JSON.stringify(body)}`);
      assert.deepEqual(liveHazards(textOf(data)), [], JSON.stringify(data));
    }
  });

  test('a user past their cap of waiting confirmations: the oldest is dropped and its prompt says so; a click on it is told why', async () => {
    const m1 = h.say('alice', '!stop agent-one');
    const p1 = await h.waitReply(m1, (t) => t.includes('confirm'), 'asks to confirm');
    const confirm1 = buttonsOf(p1).find((b) => b.startsWith('sacp:confirm:'))!;
    const m2 = h.say('alice', '!stop agent-two');
    await h.waitReply(m2, (t) => t.includes('confirm'), 'asks to confirm');
    const m3 = h.say('alice', '!stop agent-three');
    await h.waitReply(m3, (t) => t.includes('confirm'), 'asks to confirm');
    const dropped = await h.waitReply(m1, (t) => t.includes('dropped'), 'says it was dropped');
    assert.match(textOf(dropped), /stop agent-one was not run: this confirmation was dropped to make room for newer ones/);
    assert.deepEqual(buttonsOf(dropped), [], 'its buttons are gone');
    assert.match(textOf(h.replyTo(m2)), /confirm within 5 minutes/, 'the newer ones still wait');
    const click = h.standIn.buttonClick({ user: 'alice', messageId: p1.id as string, customId: confirm1 });
    await h.standIn.waitFor('the drop told', () => h.privateRepliesTo(click.id).find((t) => /dropped to make room/.test(t)));
    assert.deepEqual(await h.eventsOfCommand(`discord-${m1}`), []);

    // the total cap (3): carol's two push out the oldest of anyone, alice's agent-two
    const m4 = h.say('carol', '!rm agent-four');
    await h.waitReply(m4, (t) => t.includes('confirm'), 'asks to confirm');
    const m5 = h.say('carol', '!rm agent-five');
    await h.waitReply(m5, (t) => t.includes('confirm'), 'asks to confirm');
    await h.waitReply(m2, (t) => t.includes('dropped'), 'says it was dropped');
    for (const m of [m3, m4, m5]) assert.match(textOf(h.replyTo(m)), /confirm within 5 minutes/);
  });
});
