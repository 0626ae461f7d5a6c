import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  ApplicationCommandOptionType,
  Client,
  DiscordAPIError,
  GatewayIntentBits,
  type ApplicationCommandOptionChoiceData,
  type AutocompleteFocusedOption,
  type AutocompleteInteraction,
} from 'discord.js';
import { nextEvent } from '../../support/discord-events';
import { DiscordStandIn } from '../../support/discord-stand-in';

const TEMPLATES = ['grok4', 'grok4-mini', 'gpt-5', 'claude-opus', 'claude-sonnet', 'llama-70b'];

/** What the bot's autocomplete handler saw and how its answer went. */
interface Seen {
  commandName: string;
  commandId: string;
  focused: string | number;
  focusedFull: AutocompleteFocusedOption;
  /** a non-focused option typed before */
  name: string | null;
  errors: unknown[];
  done: boolean;
}

/** The bot's usual answer: templates containing the typed text; for `lines`, a few numbers. */
const suggest = (i: AutocompleteInteraction): ApplicationCommandOptionChoiceData[] => {
  const full = i.options.getFocused(true);
  if (full.name === 'lines') return [10, 50, 100].map((n) => ({ name: `${n} lines`, value: n }));
  const typed = String(i.options.getFocused()).toLowerCase();
  return TEMPLATES.filter((t) => t.includes(typed)).map((t) => ({ name: t, value: t }));
};

describe('application command autocomplete against the Discord stand-in (real discord.js client)', () => {
  const standIn = new DiscordStandIn({ heartbeatIntervalMs: 1000 });
  let client: Client;
  let api: string;
  const seen = new Map<string, Seen>();
  /** how the bot answers the next autocomplete interactions; tests swap it */
  let behaviour: (i: AutocompleteInteraction) => Promise<void> = (i) => i.respond(suggest(i));

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(api + path, { method, headers: { 'Content-Type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const answered = (id: string) => standIn.waitFor(`the bot's autocomplete handler for ${id}`, () => (seen.get(id)?.done ? seen.get(id) : undefined));

  beforeAll(async () => {
    api = (await standIn.start()).restUrl + '/v10';
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: standIn.restUrl } });
    // the handler catches every error itself, so the promise it returns can be left to run
    client.on('interactionCreate', (i) => void onInteraction(i));
    async function onInteraction(i: Parameters<Parameters<typeof client.on<'interactionCreate'>>[1]>[0]): Promise<void> {
      if (!i.isAutocomplete()) return;
      const entry: Seen = {
        commandName: i.commandName,
        commandId: i.commandId,
        focused: i.options.getFocused(),
        focusedFull: i.options.getFocused(true),
        name: i.options.getString('name'),
        errors: [],
        done: false,
      };
      seen.set(i.id, entry);
      try {
        await behaviour(i);
      } catch (err) {
        entry.errors.push(err);
      }
      entry.done = true;
    }
    const ready = nextEvent(client, 'clientReady');
    await client.login(standIn.token);
    await ready;
    await client.application!.commands.set(
      [
        {
          name: 'deploy',
          description: 'Deploy an agent',
          options: [
            { type: ApplicationCommandOptionType.String, name: 'template', description: 'template', required: true, autocomplete: true },
            { type: ApplicationCommandOptionType.Integer, name: 'lines', description: 'log lines', autocomplete: true },
            { type: ApplicationCommandOptionType.String, name: 'name', description: 'agent name' },
          ],
        },
        { name: 'status', description: 'Agent status' },
      ],
      standIn.idx.guild('ops').id,
    );
  });

  afterAll(async () => {
    await client?.destroy();
    await standIn.stop();
  });

  test('registration keeps autocomplete: true on the options', () => {
    const deploy = standIn.commands('ops').find((c) => c.name === 'deploy')!;
    const opts = deploy.options as { name: string; autocomplete?: boolean }[];
    assert.deepEqual(
      opts.map((o) => [o.name, o.autocomplete ?? false]),
      [
        ['template', true],
        ['lines', true],
        ['name', false],
      ],
    );
    const put = standIn.requestsTo('PUT /applications/:appId/guilds/:guildId/commands').at(-1)!;
    assert.equal(put.status, 200);
  });

  test('typing an option: type 4 with the focused partial text; respond() is a type 8 callback the stand-in records', async () => {
    behaviour = (i) => i.respond(suggest(i));
    const rec = standIn.autocomplete({ channel: 'control', user: 'alice', name: 'deploy', options: { name: 'night', template: 'gro' }, focused: 'template' });
    assert.equal(rec.type, 4);
    assert.equal(standIn.autocompleteChoices(rec.id), undefined, 'unanswered right after the dispatch');
    const data = rec.payload.data as { name: string; type: number; options: { name: string; type: number; value: unknown; focused?: boolean }[] };
    assert.equal(data.type, 1);
    assert.deepEqual(
      data.options.filter((o) => o.focused),
      [{ name: 'template', type: 3, value: 'gro', focused: true }],
    );
    assert.equal(rec.payload.guild_id, standIn.idx.guild('ops').id);
    assert.ok(rec.payload.member, 'the member comes with it, as for a slash command');

    const s = await answered(rec.id);
    assert.deepEqual(s.errors, []);
    assert.equal(s.commandName, 'deploy');
    assert.equal(s.commandId, standIn.commands('ops').find((c) => c.name === 'deploy')!.id);
    assert.equal(s.focused, 'gro', 'getFocused() is the typed text');
    assert.equal(s.focusedFull.name, 'template');
    assert.equal(s.focusedFull.type, ApplicationCommandOptionType.String);
    assert.equal(s.name, 'night', 'the other options typed so far are readable');

    assert.deepEqual(standIn.autocompleteChoices(rec.id), [
      { name: 'grok4', value: 'grok4' },
      { name: 'grok4-mini', value: 'grok4-mini' },
    ]);
    assert.equal(rec.ack?.type, 8);
    assert.deepEqual(
      rec.callbacks.map((c) => [c.type, c.status]),
      [[8, 204]],
    );
    assert.equal(rec.originalMessageId, null, 'no message is created');
    const cb = standIn.requestsTo('POST /interactions/:interactionId/:token/callback').at(-1)!;
    assert.equal(cb.auth, 'missing');
    assert.deepEqual(cb.body, {
      type: 8,
      data: {
        choices: [
          { name: 'grok4', value: 'grok4' },
          { name: 'grok4-mini', value: 'grok4-mini' },
        ],
      },
    });
  });

  test('an empty focused option; an integer option is focused with its partial text as a string', async () => {
    behaviour = (i) => i.respond(suggest(i));
    const empty = standIn.autocomplete({ channel: 'control', user: 'bob', name: 'deploy', focused: 'template' });
    const s1 = await answered(empty.id);
    assert.equal(s1.focused, '');
    assert.equal(standIn.autocompleteChoices(empty.id)!.length, TEMPLATES.length);

    const lines = standIn.autocomplete({ channel: 'control', user: 'alice', name: 'deploy', options: { template: 'grok4', lines: 5 }, focused: 'lines' });
    const s2 = await answered(lines.id);
    assert.deepEqual(s2.errors, []);
    assert.equal(s2.focused, '5');
    assert.equal(s2.focusedFull.type, ApplicationCommandOptionType.Integer);
    assert.deepEqual(
      standIn.autocompleteChoices(lines.id)!.map((c) => c.value),
      [10, 50, 100],
    );
  });

  test('26 choices are refused with 400/50035 and nothing is recorded; the bot can still answer with 25', async () => {
    const many = Array.from({ length: 26 }, (_, n) => ({ name: `template-${n}`, value: `t${n}` }));
    behaviour = async (i) => {
      await i.respond(many).catch((err: unknown) => {
        seen.get(i.id)!.errors.push(err);
        assert.equal(i.responded, false);
        return i.respond(many.slice(0, 25));
      });
    };
    const rec = standIn.autocomplete({ channel: 'control', user: 'alice', name: 'deploy', options: { template: 't' }, focused: 'template' });
    const s = await answered(rec.id);
    assert.equal(s.errors.length, 1, 'discord.js sends the 26 choices; the stand-in refuses them');
    const err = s.errors[0];
    assert.ok(err instanceof DiscordAPIError, `expected DiscordAPIError, got ${String(err)}`);
    assert.equal(err.status, 400);
    assert.equal(err.code, 50035);
    assert.deepEqual(
      rec.callbacks.map((c) => [c.type, c.status, c.code]),
      [
        [8, 400, 50035],
        [8, 204, undefined],
      ],
    );
    assert.equal(standIn.autocompleteChoices(rec.id)!.length, 25);
  });

  test('choice shapes: name 1–100, value present (≤100 for a string option, a number for an integer one)', async () => {
    behaviour = async () => {}; // the bot stays silent; the test answers over REST
    const rec = standIn.autocomplete({ channel: 'control', user: 'alice', name: 'deploy', focused: 'template' });
    const lines = standIn.autocomplete({ channel: 'control', user: 'alice', name: 'deploy', focused: 'lines' });
    await answered(lines.id);
    const cb = (r: { id: string; token: string }) => `/interactions/${r.id}/${r.token}/callback`;
    const refused = async (r: { id: string; token: string }, data: unknown) => {
      const res = await call('POST', cb(r), { type: 8, data });
      assert.equal(res.status, 400, JSON.stringify(data));
      assert.equal(res.body.code, 50035);
      return res.body.errors.data.choices;
    };
    assert.equal((await refused(rec, {}))._errors[0].code, 'BASE_TYPE_REQUIRED');
    assert.equal((await refused(rec, { choices: [{ name: '', value: 'x' }] }))['0'].name._errors[0].code, 'BASE_TYPE_BAD_LENGTH');
    assert.equal(
      (
        await refused(rec, {
          choices: [
            { name: 'ok', value: 'x' },
            { name: 'n'.repeat(101), value: 'x' },
          ],
        })
      )['1'].name._errors[0].code,
      'BASE_TYPE_BAD_LENGTH',
    );
    assert.equal((await refused(rec, { choices: [{ name: 'no value' }] }))['0'].value._errors[0].code, 'BASE_TYPE_REQUIRED');
    assert.ok((await refused(rec, { choices: [{ name: 'long', value: 'v'.repeat(101) }] }))['0'].value);
    assert.ok((await refused(lines, { choices: [{ name: 'ten', value: 'ten' }] }))['0'].value, 'an integer option needs number values');
    assert.equal(standIn.autocompleteChoices(rec.id), undefined);

    const okRes = await call('POST', cb(rec), { type: 8, data: { choices: [{ name: 'n'.repeat(100), value: 'v'.repeat(100) }] } });
    assert.equal(okRes.status, 204);
    assert.equal(standIn.autocompleteChoices(rec.id)![0]!.name.length, 100);
    const noChoices = await call('POST', cb(lines), { type: 8, data: { choices: [] } });
    assert.equal(noChoices.status, 204, 'an empty list is a valid answer ("no suggestions")');
    assert.deepEqual(standIn.autocompleteChoices(lines.id), []);
  });

  test('responding twice fails: discord.js refuses locally, the stand-in answers 400/40060', async () => {
    behaviour = async (i) => {
      await i.respond([{ name: 'grok4', value: 'grok4' }]);
      await i.respond([{ name: 'gpt-5', value: 'gpt-5' }]);
    };
    const rec = standIn.autocomplete({ channel: 'control', user: 'alice', name: 'deploy', options: { template: 'g' }, focused: 'template' });
    const s = await answered(rec.id);
    assert.equal(s.errors.length, 1);
    assert.equal((s.errors[0] as { code?: string }).code, 'InteractionAlreadyReplied', 'discord.js does not send a second respond()');

    const again = await call('POST', `/interactions/${rec.id}/${rec.token}/callback`, { type: 8, data: { choices: [{ name: 'gpt-5', value: 'gpt-5' }] } });
    assert.equal(again.status, 400);
    assert.equal(again.body.code, 40060);
    assert.deepEqual(
      rec.callbacks.map((c) => [c.type, c.status]),
      [
        [8, 204],
        [8, 400],
      ],
    );
    assert.deepEqual(standIn.autocompleteChoices(rec.id), [{ name: 'grok4', value: 'grok4' }], 'the first answer stays');
  });

  test('an autocomplete cannot be answered with a message or deferred (400/50035), has no follow-ups; type 8 is refused for a slash command', async () => {
    behaviour = async () => {};
    const rec = standIn.autocomplete({ channel: 'control', user: 'alice', name: 'deploy', focused: 'template' });
    await answered(rec.id);
    const cb = `/interactions/${rec.id}/${rec.token}/callback`;
    for (const body of [{ type: 4, data: { content: 'hi' } }, { type: 5 }, { type: 9, data: { custom_id: 'm', title: 't', components: [] } }]) {
      const res = await call('POST', cb, body);
      assert.equal(res.status, 400, `callback type ${body.type}`);
      assert.equal(res.body.code, 50035);
      assert.equal(res.body.errors.type._errors[0].code, 'INTERACTION_RESPONSE_TYPE_INVALID');
    }
    assert.equal(rec.ack, null, 'the refused callbacks do not acknowledge it');
    const followUp = await call('POST', `/webhooks/${standIn.world.application.id}/${rec.token}?wait=true`, { content: 'follow-up' });
    assert.equal(followUp.status, 404);
    assert.equal(followUp.body.code, 10015);
    assert.equal((await call('POST', cb, { type: 8, data: { choices: [{ name: 'grok4', value: 'grok4' }] } })).status, 204);
    const after8 = await call('POST', `/webhooks/${standIn.world.application.id}/${rec.token}?wait=true`, { content: 'follow-up' });
    assert.equal(after8.body.code, 10015, 'not even after the answer');
    assert.deepEqual(rec.followUpIds, []);

    const slash = nextEvent(client, 'interactionCreate', (i) => i.isChatInputCommand());
    const cmd = standIn.slashCommand({ channel: 'control', user: 'alice', name: 'status' });
    await slash;
    const wrong = await call('POST', `/interactions/${cmd.id}/${cmd.token}/callback`, { type: 8, data: { choices: [] } });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.code, 50035);
    assert.equal(cmd.ack, null);
    assert.throws(() => standIn.autocompleteChoices(cmd.id), /not an autocomplete/);
  });

  test('autocomplete() refuses an option registered without autocomplete: true', () => {
    assert.throws(() => standIn.autocomplete({ channel: 'control', user: 'alice', name: 'deploy', focused: 'name' }), /not registered with autocomplete: true/);
  });
});
