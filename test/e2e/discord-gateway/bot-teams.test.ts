import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { BotHarness, textOf } from '../../support/discord-bot-harness';
import type { Json } from '../../support/discord-stand-in';
import { waitFor } from '../../support/ports';

/**
 * The team commands as operators use them in Discord: the real discord-gateway process
 * against the Discord stand-in and a real control plane (orchestrator, Postgres,
 * NATS/JetStream, Docker).
 */
describe('Discord bot: team commands', () => {
  const h = new BotHarness();
  const pair = JSON.stringify({ name: 'pair', members: [{ name: 'a', role: 'manager', template: 'manager' }], quota: { memory: '512m', cpus: 1, pids: 256 } });

  const confirmButton = (m: Json): string => ((m.components as Json[])[0]!.components as Json[]).map((b) => b.custom_id as string).find((b) => b.startsWith('sacp:confirm:'))!;

  beforeAll(async () => {
    await h.start();
  });
  afterAll(async () => {
    await h.stop();
  });

  test('/team is one slash command with sub-commands', () => {
    const team = h.standIn.commands(h.guildId).find((c) => c.name === 'team')!;
    assert.deepEqual(
      (team.options as Json[]).map((o) => [o.type, o.name]),
      ['show', 'create', 'deploy', 'stop', 'add', 'remove', 'delete'].map((n) => [1, n]),
    );
  });

  test('!team create with a configuration as JSON, then !team deploy: the member runs, and alice is the actor', async () => {
    const create = h.say('alice', `!team create \`\`\`json\n${pair}\n\`\`\` --reason "pairing"`);
    assert.match(textOf(await h.waitReply(create, (t) => /created|❌|⚠️/.test(t), 'answers')), /👥 team \*\*pair\*\* created \(configuration v1\)[\s\S]*!team deploy pair/);
    const created = await h.eventsOfCommand(`discord-${create}`);
    assert.deepEqual(
      created.map((e) => e.type),
      ['team.created'],
    );
    assert.deepEqual(created[0]!.actor, { kind: 'discord', id: h.userId('alice'), displayName: 'alice' });

    const deploy = h.say('alice', '!team deploy pair');
    assert.match(textOf(await h.waitReply(deploy, (t) => /deploying|❌/.test(t), 'answers', 30_000)), /🚀 team \*\*pair\*\*:\ndeploying \*\*pair-a\*\*\nuses 128MiB/);
    await waitFor('pair-a running', async () => ((await h.cp.status('pair-a'))[0]?.state.observed === 'running' ? true : null), 60_000);

    // a viewer reads it, with the slash form
    await waitFor('the member in the team read model', async () => {
      const t = await h.cp.query<{ members: unknown[] }>('team.get', { team: 'pair' });
      return t.ok && t.result.members.length === 1 ? true : null;
    });
    const show = h.slash('bob', 'team', [{ type: 1, name: 'show', options: [{ type: 3, name: 'team', value: 'pair' }] }]);
    assert.match(textOf(await h.waitResponse(show.id, (t) => t.includes('pair-a'), 'shows the member')), /Team pair/);
  });

  test('/team add and !team remove: an existing agent joins with a role and leaves', async () => {
    assert.ok((await h.cp.command('agent.deploy', { template: 'manager', name: 'solo-1' })).ok);
    const add = h.slash('alice', 'team', [
      {
        type: 1,
        name: 'add',
        options: [
          { type: 3, name: 'team', value: 'pair' },
          { type: 3, name: 'agent', value: 'solo-1' },
          { type: 3, name: 'role', value: 'helper' },
        ],
      },
    ]);
    assert.match(textOf(await h.waitResponse(add.id, (t) => /joined|❌/.test(t), 'answers')), /➕ \*\*solo-1\*\* joined team \*\*pair\*\* as helper\nuses 256MiB/);
    const remove = h.say('alice', '!team remove pair solo-1');
    assert.match(textOf(await h.waitReply(remove, (t) => /left|❌/.test(t), 'answers')), /➖ \*\*solo-1\*\* left team \*\*pair\*\*; it keeps running, in no team/);
    const removed = await h.eventsOfCommand(`discord-${remove}`);
    assert.ok(
      removed.some((e) => e.type === 'team.member_removed' && e.data.agent === 'solo-1'),
      removed.map((e) => e.type).join(', '),
    );
  });

  test('!task for a team: queued for it with its instructions and priority, alice the creator; !task list and /task show find it', async () => {
    const m = h.say('alice', '!task pair Write the notes --priority high -- first line\nsecond "line"');
    const text = textOf(await h.waitReply(m, (t) => /📋|❌|⚠️/.test(t), 'answers'));
    assert.match(text, /📋 task \*\*Write the notes\*\* for team pair is queued/);
    const id = /id `([0-9a-f-]{36})`/.exec(text)![1]!;
    const created = (await h.eventsOfCommand(`discord-${m}`)).find((e) => e.type === 'task.created');
    assert.ok(created, 'task.created recorded');
    assert.equal(created.data.taskId, id);
    assert.equal(created.data.instructions, 'first line\nsecond "line"');
    assert.equal(created.data.priority, 'high');
    assert.deepEqual(created.data.target, { kind: 'team', team: 'pair', role: null });
    assert.deepEqual(created.actor, { kind: 'discord', id: h.userId('alice'), displayName: 'alice' });

    // the list reads the tasks read model, projected just after the commit
    await waitFor('the task in the read model', async () => ((await h.cp.query('task.get', { taskId: id })).ok ? true : null));
    const list = h.say('bob', '!task list pair');
    assert.match(textOf(await h.waitReply(list, (t) => t.includes(id), 'lists the task', 30_000)), /Tasks of team pair[\s\S]*Write the notes/);
    const show = h.slash('bob', 'task', [{ type: 1, name: 'show', options: [{ type: 3, name: 'task', value: id }] }]);
    const shown = textOf(await h.waitResponse(show.id, (t) => t.includes('Task: Write the notes'), 'shows the task'));
    assert.match(shown, /first line\nsecond "line"/);
    assert.match(shown, /discord:alice/);
  });

  test('!task cancel asks for a confirmation; the click cancels the open task', async () => {
    const created = await h.cp.command<{ taskId: string }>('task.create', { title: 'Hang on', team: 'pair', inputs: { sim: { outcome: 'hang' } } });
    assert.ok(created.ok, JSON.stringify(created));
    const id = created.result.taskId;
    const m = h.say('alice', `!task cancel ${id} --reason "changed plans"`);
    const prompt = await h.waitReply(m, (t) => t.includes('confirm'), 'asks to confirm');
    assert.match(textOf(prompt), new RegExp(`Cancel task \\*\\*${id}\\*\\*\\?`));
    h.standIn.buttonClick({ user: 'alice', messageId: prompt.id as string, customId: confirmButton(prompt) });
    assert.match(textOf(await h.waitReply(m, (t) => /cancelled|❌/.test(t), 'says cancelled', 30_000)), new RegExp(`✖️ task \`${id}\` is cancelled`));
    await waitFor('the task cancelled in the read model', async () => {
      const t = await h.cp.query<{ status: string }>('task.get', { taskId: id });
      return t.ok && t.result.status === 'cancelled' ? true : null;
    });
  });

  test("a viewer's task is refused and audited; unknown names, a role for an agent and bad ids are clear errors", async () => {
    const i = h.slash('bob', 'task', [
      {
        type: 1,
        name: 'create',
        options: [
          { type: 3, name: 'assignee', value: 'pair' },
          { type: 3, name: 'title', value: 'Sneaky' },
        ],
      },
    ]);
    await h.standIn.waitFor('a private refusal', () => h.privateRepliesTo(i.id).find((t) => t.includes('⛔')));
    assert.match(h.privateRepliesTo(i.id)[0]!, /creating a task needs the \*\*operator\*\* role; you have \*\*viewer\*\*/);
    const refused = await h.standIn.waitFor('the refusal in the event log', async () => {
      const e = await h.eventsOfCommand(`discord-${i.id}`);
      return e.length ? e : undefined;
    });
    assert.deepEqual(
      refused.map((e) => [e.type, e.data.command]),
      [['access.refused', 'task.create']],
    );

    const nobody = h.say('alice', '!task nobody-here Do it');
    assert.match(textOf(await h.waitReply(nobody, (t) => t.startsWith('❌'), 'is an error')), /nobody-here/);
    const role = h.say('alice', '!task solo-1 Do it --role coder');
    assert.match(textOf(await h.waitReply(role, (t) => t.startsWith('⚠️'), 'is a problem')), /--role goes with a team/);
    const long = h.say('alice', `!task pair ${'long '.repeat(60)}`);
    assert.match(textOf(await h.waitReply(long, () => true, 'answers')), /title is too long \(\d+ characters; at most 200\)/);
    const badId = h.say('bob', '!task show 42');
    assert.match(textOf(await h.waitReply(badId, () => true, 'answers')), /a task id is a UUID/);
    const unknownId = h.say('bob', '!task show 00000000-0000-4000-8000-000000000000');
    assert.match(textOf(await h.waitReply(unknownId, (t) => t.startsWith('❌'), 'is an error')), /00000000-0000-4000-8000-000000000000|task/i);
  });

  test('!team stop asks for a confirmation; the click stops every member, once', async () => {
    const stop = h.say('alice', '!team stop pair');
    const prompt = await h.waitReply(stop, (t) => t.includes('confirm'), 'asks to confirm');
    assert.match(textOf(prompt), /Stop every member of team \*\*pair\*\*\?/);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await h.eventsOfCommand(`discord-${stop}`), [], 'nothing before the click');
    h.standIn.buttonClick({ user: 'alice', messageId: prompt.id as string, customId: confirmButton(prompt) });
    assert.match(textOf(await h.waitReply(stop, (t) => /stopping|❌/.test(t), 'says stopping', 30_000)), /⏹️ team \*\*pair\*\*: stopping \*\*pair-a\*\*/);
    await waitFor('pair-a stopped', async () => ((await h.cp.status('pair-a'))[0]?.state.desired === 'stopped' ? true : null), 30_000);
  });

  test('!team delete of a team with members: confirmed, then refused by the orchestrator with the reason', async () => {
    const del = h.say('alice', '!team delete pair');
    const prompt = await h.waitReply(del, (t) => t.includes('confirm'), 'asks to confirm');
    assert.match(textOf(prompt), /Delete team \*\*pair\*\*\?/);
    h.standIn.buttonClick({ user: 'alice', messageId: prompt.id as string, customId: confirmButton(prompt) });
    assert.match(textOf(await h.waitReply(del, (t) => t.startsWith('❌'), 'is refused', 30_000)), /member/);
  });

  test("a viewer's team deploy is refused privately and audited; nothing is deployed", async () => {
    const i = h.slash('bob', 'team', [{ type: 1, name: 'deploy', options: [{ type: 3, name: 'team', value: 'pair' }] }]);
    await h.standIn.waitFor('a private refusal', () => h.privateRepliesTo(i.id).find((t) => t.includes('⛔')));
    assert.match(h.privateRepliesTo(i.id)[0]!, /deploying a team needs the \*\*operator\*\* role; you have \*\*viewer\*\*/);
    const refused = await h.standIn.waitFor('the refusal in the event log', async () => {
      const e = await h.eventsOfCommand(`discord-${i.id}`);
      return e.length ? e : undefined;
    });
    assert.deepEqual(
      refused.map((e) => [e.type, e.data.command]),
      [['access.refused', 'team.deploy']],
    );
    const m = h.say('mallory', '!team delete pair --yes');
    assert.match(textOf(await h.waitDirectMessage('mallory', (t) => t.includes('⛔'))), /deleting a team needs the \*\*operator\*\* role; you have no control-plane role/);
    assert.equal(h.replyTo(m), undefined);
  });

  test('hostile input: unknown team, bad JSON, a bad configuration name, a bad team name, an over-long argument', async () => {
    const unknown = h.say('alice', '!team deploy nope');
    assert.match(textOf(await h.waitReply(unknown, (t) => t.startsWith('❌'), 'is an error')), /nope/);
    const badJson = h.say('alice', '!team create {"name": "x",');
    assert.match(textOf(await h.waitReply(badJson, (t) => t.startsWith('⚠️'), 'is a problem')), /the configuration is not valid JSON/);
    const badFile = h.say('alice', '!team create ../../etc/passwd');
    assert.match(textOf(await h.waitReply(badFile, (t) => t.startsWith('❌'), 'is an error')), /configs\/teams/);
    const badName = h.say('alice', '!team create coding "Bad Name!"');
    assert.match(textOf(await h.waitReply(badName, (t) => t.startsWith('❌'), 'is an error')), /team names are 1-31 characters/);
    const long = h.say('alice', `!team add pair ${'a'.repeat(150)}`);
    assert.match(textOf(await h.waitReply(long, () => true, 'answers')), /agent is too long \(150 characters; at most 100\)/);
    const ping = h.say('alice', '!team deploy @everyone');
    const pingText = textOf(await h.waitReply(ping, (t) => t.startsWith('❌'), 'is an error'));
    assert.doesNotMatch(pingText, /@everyone/, 'the name is shown inert');
  });
});
