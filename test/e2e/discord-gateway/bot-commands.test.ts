import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { BotHarness, textOf } from '../../support/discord-bot-harness';
import type { Json } from '../../support/discord-stand-in';
import { sacp } from '../cli/sacp';
import { waitFor } from '../../support/ports';

/**
 * The bot as operators use it: the real discord-gateway process with the real
 * discord.js client, against the Discord stand-in and a real control plane
 * (orchestrator, Postgres, NATS/JetStream, Docker).
 */
describe('Discord bot: commands become control-plane commands', () => {
  // a monitor samples resources every second, so status shows CPU and memory
  const h = new BotHarness({ controlPlane: { monitors: 1, env: { MONITOR_SAMPLE_INTERVAL_MS: '1000' } } });
  const agentOf = (text: string): string => /\*\*([a-z0-9-]+)\*\*/.exec(text)?.[1] ?? '';

  beforeAll(async () => {
    await h.start();
    const secret = await h.cp.command('secret.set', { name: 'xai-api-key', value: 'xai-test-value-for-discord', templates: ['grok4'] });
    assert.ok(secret.ok);
  });

  afterAll(async () => {
    await h.stop();
  });

  test('slash commands are registered in the guild once: every command, with its options', async () => {
    const names = h.standIn
      .commands(h.guildId)
      .map((c) => c.name as string)
      .sort();
    assert.deepEqual(names, ['activity', 'adopt', 'deploy', 'help', 'history', 'logs', 'restart', 'rm', 'start', 'status', 'stop', 'tail', 'task', 'team', 'templates', 'why']);
    const stop = h.standIn.commands(h.guildId).find((c) => c.name === 'stop')!;
    assert.deepEqual(
      (stop.options as Json[]).map((o) => [o.name, o.required === true]),
      [
        ['agent', true],
        ['yes', false],
        ['reason', false],
      ],
    );
    assert.equal(h.standIn.requestsTo('PUT /applications/:appId/guilds/:guildId/commands').length, 1);
  });

  test('readiness: the bus and the Discord connection; the gateway holds no database connection', async () => {
    const res = await fetch(`http://127.0.0.1:${h.gateway.port}/health/ready`);
    assert.equal(res.status, 200);
    // JSON.parse of the text, not res.json(): fetch builds its objects in Node's realm, not in this
    // file's VM context, and deepEqual compares prototypes
    const body = JSON.parse(await res.text()) as { discord: string; checks: Record<string, string> };
    assert.deepEqual(body.checks, { nats: 'ok', discord: 'ok' });
    assert.equal(body.discord, 'connected');
  });

  let deployed = '';
  test('!deploy grok4 by an operator: a running container, a reply naming the agent, and alice as the actor', async () => {
    const msg = h.say('alice', '!deploy grok4 --reason "sprint 12"');
    const reply = await h.waitReply(msg, (t) => /is running/.test(t), 'says the agent is running', 60_000);
    const text = textOf(reply);
    deployed = agentOf(text);
    assert.match(deployed, /^grok4-/, text);
    assert.ok(
      h.replyVersions(msg).some((v) => v.includes(`deploying **${deployed}**`)),
      'the first reply said it was deploying',
    );

    const view = await h.standIn.waitFor('status to show it running', async () => (await h.cp.status(deployed)).find((v) => v.state.observed === 'running'));
    const containers = await h.cp.containers();
    const c = containers.find((x) => x.id === view.containerId);
    assert.ok(c, 'the container exists in Docker');
    assert.equal(c.state, 'running');

    const events = await h.eventsOfCommand(`discord-${msg}`);
    const deployedEvent = events.find((e) => e.type === 'agent.deployed');
    assert.ok(deployedEvent, `events of the command: ${events.map((e) => e.type).join(', ')}`);
    assert.deepEqual(deployedEvent.actor, { kind: 'discord', id: h.userId('alice'), displayName: 'alice' });
    assert.equal(deployedEvent.source, `discord:${h.guildId}/${h.channelId()}`);
    const { rows } = await h.cp.pool.query(`select metadata->>'reason' as reason from events where metadata->>'commandId' = $1 limit 1`, [`discord-${msg}`]);
    assert.equal(rows[0].reason, 'sprint 12');
  });

  test('a deploy that cannot run says why, in the reply that said it was deploying', async () => {
    // claude needs the secret anthropic-api-key, which nobody has set here
    const msg = h.say('alice', '!deploy claude no-key-1');
    const reply = await h.waitReply(msg, (t) => t.startsWith('❌'), 'says it failed', 60_000);
    assert.match(textOf(reply), /\*\*no-key-1\*\* did not become running: SECRET\.NOT_FOUND: .*anthropic-api-key/);
    assert.ok(
      h.replyVersions(msg).some((v) => v.includes('deploying **no-key-1**')),
      'it said it was deploying first',
    );
    assert.ok((await h.cp.command('agent.remove', { agent: 'no-key-1' })).ok);
  });

  test('/status shows the agent with its state, health and uptime; /status <template> filters', async () => {
    const i = h.slash('bob', 'status');
    const res = await h.waitResponse(i.id, (t) => t.includes(deployed), 'lists the agent');
    const text = textOf(res);
    assert.match(text, /running/);
    assert.match(text, /up \d/);
    assert.match(text, /grok4@1/);
    assert.ok(h.standIn.interaction(i.id)!.ack, 'acknowledged');
    assert.equal(h.standIn.interaction(i.id)!.ack!.type, 5, 'deferred first (type 5), then edited');

    // the monitor's figures, once it has sampled the container
    const withResources = await h.standIn.waitFor(
      'status with resource figures',
      async () => {
        const again = h.slash('bob', 'status', { target: deployed });
        const t = textOf(await h.waitResponse(again.id, (x) => x.includes(deployed), 'shows the agent'));
        return /CPU \d[\d.]*% · MEM \d[\d.]*[KMG]iB\/256MiB/.test(t) ? t : undefined;
      },
      20_000,
    );
    assert.match(withResources, /Agent grok4-/);

    const byTemplate = h.slash('bob', 'status', { target: 'grok4' });
    assert.match(textOf(await h.waitResponse(byTemplate.id, (t) => t.includes(deployed), 'lists grok4 agents')), /Agents from template grok4/);
    const unknown = h.slash('bob', 'status', { target: 'nope' });
    assert.match(textOf(await h.waitResponse(unknown.id, (t) => t.startsWith('❌'), 'is an error')), /no agent or template named "nope"/);
  });

  test('/templates, /logs, /history, /why and /help answer in plain words', async () => {
    const t = h.slash('bob', 'templates');
    const tText = textOf(await h.waitResponse(t.id, (x) => x.includes('grok4'), 'lists templates'));
    assert.match(tText, /claude/);
    assert.match(tText, /manager/);

    const logs = h.slash('bob', 'logs', { agent: deployed, lines: 5 });
    const lText = textOf(await h.waitResponse(logs.id, (x) => x.includes('```'), 'shows a code block'));
    assert.match(lText, new RegExp(`lines? of \\*\\*${deployed}\\*\\*`));

    const hist = h.slash('bob', 'history', { agent: deployed });
    const hText = textOf(await h.waitResponse(hist.id, (x) => x.includes('agent.deployed'), 'lists events'));
    assert.match(hText, /discord:alice/);
    assert.match(hText, /sprint 12/);

    const why = h.slash('bob', 'why', { agent: deployed });
    const wText = textOf(await h.waitResponse(why.id, (x) => x.includes('Why'), 'explains'));
    assert.match(wText, /agent\.container_started/);

    const help = h.slash('bob', 'help');
    await h.standIn.waitFor('help reply', () => h.privateRepliesTo(help.id).length > 0);
    const helpText = h.privateRepliesTo(help.id).join('\n');
    assert.match(helpText, /Your role here: \*\*viewer\*\*/);
    assert.match(helpText, /🔒 `!stop <agent>/);
    assert.match(helpText, /✅ `!status \[target\]`/);
  });

  test("!team and !activity: a team with its quota and members; its activity, and an agent's, with who did what", async () => {
    const created = await h.cp.command('team.create', {
      definition: { name: 'pair', members: [{ name: 'a', role: 'manager', template: 'manager' }], quota: { memory: '128m', cpus: 0.25, pids: 64 } },
    });
    assert.ok(created.ok, JSON.stringify(created));
    const deploy = await h.cp.command('team.deploy', { team: 'pair' }, { reason: 'pairing' });
    assert.ok(deploy.ok, JSON.stringify(deploy));
    // the reply shows the read model: wait until it has the member
    await waitFor('the member in the team read model', async () => {
      const t = await h.cp.query<{ members: unknown[] }>('team.get', { team: 'pair' });
      return t.ok && t.result.members.length === 1 ? true : null;
    });
    const team = h.say('bob', '!team pair');
    const tText = textOf(await h.waitReply(team, (x) => x.includes('pair-a'), 'shows the member', 30_000));
    assert.match(tText, /quota: 128MiB · 0.25 CPUs · 64 pids/);
    const activity = h.slash('bob', 'activity', { team: 'pair' });
    const aText = textOf(await h.waitResponse(activity.id, (x) => x.includes('team pair created'), 'lists the activity'));
    assert.match(aText, /pairing/);
    const ofAgent = h.slash('bob', 'activity', { team: deployed });
    assert.match(textOf(await h.waitResponse(ofAgent.id, (x) => x.includes('deployed as'), 'an agent')), /discord:alice/);
    const none = h.say('bob', '!activity nothing-here');
    assert.match(textOf(await h.waitReply(none, (x) => x.startsWith('❌'), 'is an error')), /no team or agent named "nothing-here"/);
  });

  test('/restart and /stop yes:true by an operator; /start brings it back', async () => {
    const [before] = await h.cp.status(deployed);
    const r = h.slash('alice', 'restart', { agent: deployed });
    await h.waitResponse(r.id, (x) => /restarted and is running/.test(x), 'says restarted', 45_000);
    await h.standIn.waitFor('status to show the restart', async () =>
      (await h.cp.status(deployed)).find((a) => a.restarts > before!.restarts || (a.runningSince !== before!.runningSince && a.state.observed === 'running')),
    );

    const s = h.slash('alice', 'stop', { agent: deployed, yes: true, reason: 'over budget' });
    await h.waitResponse(s.id, (x) => /is stopped/.test(x), 'says stopped', 45_000);
    // the reply follows the events; the registry (a projection) catches up a moment later
    await h.standIn.waitFor('status to show it stopped', async () => ((await h.cp.status(deployed))[0]!.state.observed !== 'running' ? true : undefined));
    const stopEvents = await h.eventsOfCommand(`discord-${s.id}`);
    assert.deepEqual(
      stopEvents.map((e) => e.type),
      ['agent.stop_requested'],
    );

    const st = h.slash('alice', 'start', { agent: deployed });
    await h.waitResponse(st.id, (x) => /is running/.test(x), 'says running', 45_000);
    await h.standIn.waitFor('status to show it running', async () => ((await h.cp.status(deployed))[0]!.state.observed === 'running' ? true : undefined));
  });

  test("adopt is an admin's: an operator's is refused and audited; an admin's reaches the orchestrator, which refuses the control plane's own containers", async () => {
    const i = h.slash('alice', 'adopt', { container: 'some-container' });
    await h.standIn.waitFor('a private refusal', () => h.privateRepliesTo(i.id).find((t) => t.includes('⛔')));
    assert.match(h.privateRepliesTo(i.id)[0]!, /adopting a container needs the \*\*admin\*\* role; you have \*\*operator\*\*/);
    const refused = await h.standIn.waitFor('the refusal in the event log', async () => {
      const e = await h.eventsOfCommand(`discord-${i.id}`);
      return e.length ? e : undefined;
    });
    assert.deepEqual(
      refused.map((e) => e.type),
      ['access.refused'],
    );
    assert.equal(refused[0]!.data.command, 'agent.adopt');

    const api = h.cp.docker['client'].api;
    const own = await api.createContainer({
      Image: 'sacp/sim-agent:latest',
      name: `cp-part-${h.cp.instance}`,
      Labels: { 'sacp.instance': h.cp.instance, 'sacp.component': 'orchestrator' },
    });
    try {
      const m = h.say('carol', `!adopt cp-part-${h.cp.instance} part`);
      await h.waitReply(m, (x) => /CONTAINER\.OF_CONTROL_PLANE|part of the control plane/.test(x), 'refused by the orchestrator', 30_000);
    } finally {
      await api
        .getContainer(own.id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });

  test("a viewer's stop is refused privately, changes nothing, and is audited with who and what", async () => {
    const i = h.slash('bob', 'stop', { agent: deployed, yes: true });
    await h.standIn.waitFor('a private refusal', () => h.privateRepliesTo(i.id).find((t) => t.includes('⛔')));
    assert.match(h.privateRepliesTo(i.id)[0]!, /stopping an agent needs the \*\*operator\*\* role; you have \*\*viewer\*\*/);
    assert.equal(h.responseOf(i.id)?.flags !== undefined ? ((h.responseOf(i.id)!.flags as number) & 64) === 64 : true, true, 'the refusal is ephemeral');

    const refused = await h.standIn.waitFor('the refusal in the event log', async () => {
      const e = await h.eventsOfCommand(`discord-${i.id}`);
      return e.length ? e : undefined;
    });
    assert.deepEqual(
      refused.map((e) => e.type),
      ['access.refused'],
    );
    assert.deepEqual(refused[0]!.actor, { kind: 'discord', id: h.userId('bob'), displayName: 'bob' });
    assert.equal(refused[0]!.data.command, 'agent.stop');
    assert.deepEqual(refused[0]!.data.arguments, { agent: deployed });
    assert.equal(refused[0]!.data.held, 'viewer');
    const { rows } = await h.cp.pool.query(`select command_type, outcome, error_code, actor from command_audit where command_id = $1 and outcome = 'refused'`, [`discord-${i.id}`]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].command_type, 'agent.stop');
    assert.equal(rows[0].error_code, 'ACCESS.DENIED');
    assert.equal(rows[0].actor.id, h.userId('bob'));
    assert.equal((await h.cp.status(deployed))[0]!.state.desired, 'running', 'nothing changed');

    // operators read it with `sacp audit`
    const cli = await sacp(['audit', '--outcome', 'refused', '--actor', `discord:${h.userId('bob')}`], { env: h.cp.cliEnv });
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /discord:bob\s+agent\.stop\s+refused\s+discord:\d+\/\d+/);
    assert.match(cli.stdout, /ACCESS\.DENIED: stopping an agent needs the operator role; bob has viewer *$/m);
    const asJson = await sacp(['audit', '--outcome', 'refused', '--json'], { env: h.cp.cliEnv });
    const entries = JSON.parse(asJson.stdout) as { commandId: string; actor: { id: string } }[];
    assert.ok(entries.some((e) => e.commandId === `discord-${i.id}` && e.actor.id === h.userId('bob')));
    const bad = await sacp(['audit', '--outcome', 'nope'], { env: h.cp.cliEnv });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--outcome must be one of accepted, rejected, refused/);

    // the prefix form: refused by direct message; someone without any role gets the same
    const m = h.say('mallory', `!stop ${deployed} --yes`);
    const dm = await h.waitDirectMessage('mallory', (t) => t.includes('⛔'));
    assert.match(textOf(dm), /you have no control-plane role/);
    assert.equal(h.replyTo(m), undefined, 'nothing said in the channel');
    await h.standIn.waitFor('the prefix refusal audited', async () => ((await h.eventsOfCommand(`discord-${m}`)).length ? true : undefined));
  });

  test('bad arguments get a usage message naming the problem', async () => {
    const m1 = h.say('alice', '!deploy');
    assert.match(textOf(await h.waitReply(m1, () => true, 'exists')), /deploy needs a template[\s\S]*Usage: `!deploy <template> \[name\]/);
    const m2 = h.say('alice', `!logs ${deployed} 5000`);
    assert.match(textOf(await h.waitReply(m2, () => true, 'exists')), /lines must be a whole number from 1 to 200, not "5000"/);
    const m3 = h.say('alice', '!frobnicate');
    assert.match(textOf(await h.waitReply(m3, () => true, 'exists')), /there is no command "frobnicate"; try !help/);
    const m4 = h.say('alice', `!stop ${deployed} --force`);
    assert.match(textOf(await h.waitReply(m4, () => true, 'exists')), /stop has no option --force/);
    const i = h.slash('alice', 'logs', { agent: deployed, lines: 0 });
    await h.standIn.waitFor('a private usage reply', () => h.privateRepliesTo(i.id).find((t) => t.includes('Usage')));
    assert.match(h.privateRepliesTo(i.id)[0]!, /lines must be a whole number from 1 to 200/);
    const unknownAgent = h.slash('alice', 'restart', { agent: 'no-such-agent' });
    assert.match(textOf(await h.waitResponse(unknownAgent.id, (t) => t.startsWith('❌'), 'is an error')), /no-such-agent/);
    const unknownTemplate = h.say('alice', '!deploy gpt-17');
    assert.match(textOf(await h.waitReply(unknownTemplate, (t) => t.startsWith('❌'), 'is an error')), /gpt-17[\s\S]*templates/);
  });

  test('stop asks for a confirmation: nothing happens until the requester clicks, once', async () => {
    const m = h.say('alice', `!stop ${deployed}`);
    const prompt = await h.waitReply(m, (t) => t.includes('confirm'), 'asks to confirm');
    const buttons = ((prompt.components as Json[])[0]!.components as Json[]).map((b) => b.custom_id as string);
    const confirm = buttons.find((b) => b.startsWith('sacp:confirm:'))!;
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(await h.eventsOfCommand(`discord-${m}`), [], 'not stopped before the click');

    const byOther = h.standIn.buttonClick({ user: 'carol', messageId: prompt.id as string, customId: confirm });
    await h.standIn.waitFor('a private no', () => h.privateRepliesTo(byOther.id).find((t) => t.includes('only')));

    const click = h.standIn.buttonClick({ user: 'alice', messageId: prompt.id as string, customId: confirm });
    const again = h.standIn.buttonClick({ user: 'alice', messageId: prompt.id as string, customId: confirm });
    h.standIn.redeliverInteraction(click.id);
    await h.waitReply(m, (t) => /is stopped/.test(t), 'says stopped', 45_000);
    const events = await h.eventsOfCommand(`discord-${m}`);
    assert.deepEqual(
      events.map((e) => e.type),
      ['agent.stop_requested'],
      'stopped exactly once',
    );
    assert.deepEqual(events[0]!.actor.id, h.userId('alice'));
    await h.standIn.waitFor(
      'the second click told',
      () => h.privateRepliesTo(again.id).find((t) => /already confirmed/.test(t)) ?? (h.standIn.interaction(again.id)!.ack ? 'acked' : undefined),
    );

    // cancel leaves the agent alone
    await h.cp.command('agent.start', { agent: deployed });
    const m2 = h.say('carol', `!rm ${deployed}`);
    const p2 = await h.waitReply(m2, (t) => t.includes('confirm'), 'asks to confirm');
    const cancel = ((p2.components as Json[])[0]!.components as Json[]).map((b) => b.custom_id as string).find((b) => b.startsWith('sacp:cancel:'))!;
    h.standIn.buttonClick({ user: 'carol', messageId: p2.id as string, customId: cancel });
    await h.waitReply(m2, (t) => t.includes('cancelled'), 'says cancelled');
    assert.deepEqual(await h.eventsOfCommand(`discord-${m2}`), []);
  });

  test('the same deploy interaction delivered twice deploys once and answers once', async () => {
    const before = (await h.cp.status()).length;
    const i = h.slash('alice', 'deploy', { template: 'grok4', name: 'twice-1' });
    h.standIn.redeliverInteraction(i.id);
    await h.waitResponse(i.id, (t) => /is running/.test(t), 'says running', 60_000);
    h.standIn.redeliverInteraction(i.id);
    await new Promise((r) => setTimeout(r, 1000));
    const events = await h.eventsOfCommand(`discord-${i.id}`);
    assert.equal(events.filter((e) => e.type === 'agent.deployed').length, 1);
    const agents = await h.cp.status();
    assert.equal(agents.length, before + 1);
    assert.equal(agents.filter((a) => a.name === 'twice-1').length, 1);
    const containers = (await h.cp.containers()).filter((c) => c.labels['sacp.agent.name'] === 'twice-1');
    assert.equal(containers.length, 1, 'one container');
    assert.equal(h.standIn.interaction(i.id)!.callbacks.filter((c) => c.status < 300).length, 1, 'acknowledged once');
  });

  test('/rm by an admin with yes removes the agent and its container', async () => {
    const i = h.slash('carol', 'rm', { agent: 'twice-1', yes: true });
    await h.waitResponse(i.id, (t) => /is removed/.test(t), 'says removed', 45_000);
    assert.equal((await h.cp.containers()).filter((c) => c.labels['sacp.agent.name'] === 'twice-1').length, 0);
    const i2 = h.slash('alice', 'rm', { agent: deployed, yes: true });
    await h.standIn.waitFor('operator refused rm', () => h.privateRepliesTo(i2.id).find((t) => /needs the \*\*admin\*\* role/.test(t)));
  });

  test('status pages: more agents than fit one page get ◀ ▶ buttons that turn the page', async () => {
    const many = Array.from({ length: 11 }, (_, n) => `page-${String(n).padStart(2, '0')}`);
    for (const name of many) assert.ok((await h.cp.command('agent.deploy', { template: 'grok4', name })).ok);
    await h.standIn.waitFor('all listed', async () => ((await h.cp.status()).length >= 12 ? true : undefined), 30_000);
    const i = h.slash('bob', 'status');
    const page1 = await h.waitResponse(i.id, (t) => /page 1\/2/.test(t), 'is page 1 of 2');
    const next = ((page1.components as Json[])[0]!.components as Json[]).find((b) => (b.label as string).startsWith('next'))!;
    const click = h.standIn.buttonClick({ user: 'bob', messageId: page1.id as string, customId: next.custom_id as string });
    await h.standIn.waitFor('page 2', () => /page 2\/2/.test(textOf(h.standIn.message(page1.id as string)!.message)) || undefined);
    assert.equal(h.standIn.interaction(click.id)!.ack!.type, 6, 'the click was acknowledged as an update');
    const fields = (((h.standIn.message(page1.id as string)!.message.embeds as Json[])[0]!.fields as Json[]) ?? []).map((f) => f.name as string);
    assert.ok(fields.length >= 1 && fields.length <= 10);
  });

  test('slash options suggest agent and template names as they are typed, only to members with a role', async () => {
    const a = h.standIn.autocomplete({ channel: 'control', user: 'bob', name: 'stop', options: { agent: 'page-0' }, focused: 'agent' });
    const choices = await h.standIn.waitFor('suggestions', () => h.standIn.autocompleteChoices(a.id));
    assert.deepEqual(
      choices.map((c) => c.name),
      Array.from({ length: 10 }, (_, n) => `page-0${n}`),
    );
    const t = h.standIn.autocomplete({ channel: 'control', user: 'alice', name: 'deploy', options: { template: 'cl' }, focused: 'template' });
    assert.deepEqual(
      (await h.standIn.waitFor('template suggestions', () => h.standIn.autocompleteChoices(t.id))).map((c) => c.value),
      ['claude'],
    );
    const all = h.standIn.autocomplete({ channel: 'control', user: 'bob', name: 'status', options: { target: '' }, focused: 'target' });
    const names = (await h.standIn.waitFor('every name', () => h.standIn.autocompleteChoices(all.id))).map((c) => c.name);
    assert.ok(names.length <= 25 && names.includes('grok4') && names.includes('page-00'), names.join(','));
    const none = h.standIn.autocomplete({ channel: 'control', user: 'mallory', name: 'stop', options: { agent: 'page' }, focused: 'agent' });
    assert.deepEqual(await h.standIn.waitFor('an empty answer', () => h.standIn.autocompleteChoices(none.id)), [], 'no names for someone without a role');
  });

  test('a restarted gateway registers nothing again and goes on answering; an old confirmation says it expired', async () => {
    const m = h.say('alice', `!stop page-00`);
    const prompt = await h.waitReply(m, (t) => t.includes('confirm'), 'asks to confirm');
    const confirm = ((prompt.components as Json[])[0]!.components as Json[]).map((b) => b.custom_id as string).find((b) => b.startsWith('sacp:confirm:'))!;

    await h.gateway.kill('SIGTERM');
    await h.gateway.exited();
    h.gateway = await h.cp.addDiscordGateway(h.gatewayEnv());
    await h.standIn.waitFor('the new session to check the commands', () => h.gateway.logs.includes('slash commands up to date') || undefined, 20_000);
    assert.equal(h.standIn.requestsTo('PUT /applications/:appId/guilds/:guildId/commands').length, 1, 'registered once, across restarts');

    const click = h.standIn.buttonClick({ user: 'alice', messageId: prompt.id as string, customId: confirm });
    await h.standIn.waitFor('the expiry told', () => h.privateRepliesTo(click.id).find((t) => /expired/.test(t)));
    assert.deepEqual(await h.eventsOfCommand(`discord-${m}`), [], 'nothing was stopped');

    const again = h.say('bob', '!status page-00');
    assert.match(textOf(await h.waitReply(again, (t) => t.includes('page-00'), 'shows the agent')), /Agent page-00/);
  });
});
