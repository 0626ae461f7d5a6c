import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { specOf, usageLine, type ParseResult, type ParsedCommand } from '../../../apps/discord-gateway/src/bot/command-specs';
import { parsePrefixed, parseSlash } from '../../../apps/discord-gateway/src/bot/command-parser';
import { confirmReply, helpReply } from '../../../apps/discord-gateway/src/bot/replies';
import { teamChangedReply } from '../../../apps/discord-gateway/src/bot/team-replies';
import { taskListReply, taskReply } from '../../../apps/discord-gateway/src/bot/task-replies';

function ok(r: ParseResult | null): ParsedCommand {
  assert.ok(r, 'expected the text to be for the bot');
  if (!r.ok) assert.fail(`expected a command, got the problem "${r.problem}"`);
  return r.command;
}
function problem(r: ParseResult | null): string {
  assert.ok(r, 'expected the text to be for the bot');
  if (r.ok) assert.fail(`expected a problem, got ${r.command.spec.name} ${JSON.stringify(r.command.args)}`);
  return r.problem;
}

describe('team commands: the prefix form', () => {
  test('!team <team> shows it; a sub-command word runs the sub-command; a quoted word is a team name', () => {
    assert.deepEqual(ok(parsePrefixed('!team coding')).args, { team: 'coding' });
    assert.equal(ok(parsePrefixed('!team coding')).spec.name, 'team');
    assert.equal(ok(parsePrefixed('!team show coding')).spec.name, 'team');
    const d = ok(parsePrefixed('!team deploy coding --reason "sprint 3"'));
    assert.equal(d.spec.name, 'team deploy');
    assert.equal(d.spec.busCommand, 'team.deploy');
    assert.deepEqual(d.args, { team: 'coding' });
    assert.equal(d.reason, 'sprint 3');
    assert.equal(ok(parsePrefixed('!TEAM DEPLOY coding')).spec.name, 'team deploy');
    const quoted = ok(parsePrefixed('!team "deploy"'));
    assert.equal(quoted.spec.name, 'team');
    assert.equal(quoted.args.team, 'deploy');
  });

  test('add takes a team, an agent and an optional role; remove a team and an agent', () => {
    assert.deepEqual(ok(parsePrefixed('!team add coding coder-2 coder')).args, { team: 'coding', agent: 'coder-2', role: 'coder' });
    assert.deepEqual(ok(parsePrefixed('!team add coding coder-2')).args, { team: 'coding', agent: 'coder-2' });
    assert.deepEqual(ok(parsePrefixed('!team remove coding coder-2')).args, { team: 'coding', agent: 'coder-2' });
    assert.equal(problem(parsePrefixed('!team add coding')), 'team add needs an agent (agent name or id)');
    assert.equal(problem(parsePrefixed('!team remove coding a b')), 'team remove takes at most 2 arguments; got "b" too');
  });

  test('stop and delete ask for a confirmation unless --yes; deploy takes no --yes', () => {
    assert.equal(specOf('team stop')!.destructive, true);
    assert.equal(ok(parsePrefixed('!team delete coding -y')).yes, true);
    assert.equal(problem(parsePrefixed('!team deploy coding --yes')), 'team deploy takes no --yes');
    const c = confirmReply(specOf('team delete')!, 'coding', '123', '456');
    assert.match(c.content!, /^Delete team \*\*coding\*\*\? <@456>, confirm within 5 minutes\.$/);
    assert.equal(c.components![0]!.components[0]!.label, 'Delete coding');
    assert.match(confirmReply(specOf('team stop')!, 'coding', '1', '2').content!, /^Stop every member of team \*\*coding\*\*\?/);
    assert.match(confirmReply(specOf('stop')!, 'coder-1', '1', '2').content!, /^Stop \*\*coder-1\*\*\?/, 'an agent as before');
  });

  test('create: a configuration of configs/teams with an optional name, or a whole one as JSON (raw or in a code block)', () => {
    assert.deepEqual(ok(parsePrefixed('!team create coding')).args, { config: 'coding' });
    assert.deepEqual(ok(parsePrefixed('!team create coding pair-2')).args, { config: 'coding', name: 'pair-2' });
    const json = '{"name": "pair", "members": [{"name": "a", "role": "coder", "template": "sim"}],\n "quota": {"memory": "128m", "cpus": 0.5, "pids": 64}}';
    assert.equal(ok(parsePrefixed(`!team create ${json}`)).args.definition, json);
    assert.equal(ok(parsePrefixed(`!team create \`\`\`json\n${json}\n\`\`\``)).args.definition, json);
    const flagged = ok(parsePrefixed(`!team create \`\`\`\n${json}\n\`\`\` --reason "two of them"`));
    assert.equal(flagged.args.definition, json);
    assert.equal(flagged.reason, 'two of them');
    assert.equal(ok(parsePrefixed(`!team create ${json} --reason why`)).reason, 'why');
    assert.match(problem(parsePrefixed('!team create')), /team create needs a configuration: the name of one in configs\/teams/);
    assert.match(problem(parsePrefixed(`!team create {${'"a":1,'.repeat(1100)}}`)), /definition is too long \(\d+ characters; at most 6000\)/);
  });

  test('hostile input: a long team name, an unknown option and odd characters get a clear problem, not a crash', () => {
    assert.equal(problem(parsePrefixed(`!team deploy ${'x'.repeat(101)}`)), 'team is too long (101 characters; at most 100)');
    assert.equal(problem(parsePrefixed('!team deploy coding --force')), 'team deploy has no option --force');
    assert.equal(problem(parsePrefixed('!team deploy')), 'team deploy needs a team (team name)');
    assert.equal(ok(parsePrefixed('!team deploy <@123>')).args.team, '<@123>', 'passed on as text; the orchestrator says it is no team');
  });

  test('usage lines show the sub-command', () => {
    assert.equal(usageLine(specOf('team add')!), '!team add <team> <agent> [role] [--reason "<text>"]');
    assert.equal(usageLine(specOf('team')!, '/'), '/team show <team>');
    assert.equal(usageLine(specOf('team create')!), '!team create [config] [name] [{definition as JSON}] [--reason "<text>"]');
  });
});

describe('team commands: the slash form', () => {
  test('/team deploy team:coding; /team show; the group alone is not a command', () => {
    const c = ok(parseSlash('team', { team: 'coding', reason: 'go' }, 'deploy'));
    assert.equal(c.spec.name, 'team deploy');
    assert.equal(c.reason, 'go');
    assert.equal(ok(parseSlash('team', { team: 'coding' }, 'show')).spec.name, 'team');
    assert.match(problem(parseSlash('team', { team: 'coding' })), /no \/team command.*out of date/);
    assert.match(problem(parseSlash('team', { team: 'coding' }, 'explode')), /no \/team explode command/);
    assert.equal(problem(parseSlash('team', { config: 'coding', definition: '{}' }, 'create')).startsWith('team create needs a configuration'), true);
  });
});

describe('teamChangedReply', () => {
  const base = { team: 'coding', changed: true, configVersion: 1, quota: { memory: 805306368, cpus: 1.5, pids: 384 }, usage: { memory: 268435456, cpus: 0.5, pids: 128 } };
  test('deploy names what it deploys, starts and leaves; within Discord limits for many members', () => {
    const r = teamChangedReply({ kind: 'deploy', ...base, deployed: ['coding-coder'], started: ['coding-manager'], unchanged: ['coding-reviewer'] }, '!');
    assert.match(r.content!, /deploying \*\*coding-coder\*\*\nstarting \*\*coding-manager\*\*\nalready running: \*\*coding-reviewer\*\*/);
    assert.match(r.content!, /uses 256MiB · 0.5 CPUs · 128 pids of 768MiB · 1.5 CPUs · 384 pids/);
    const many = Array.from({ length: 50 }, (_, i) => `coding-member-with-a-long-name-${i}`);
    const big = teamChangedReply({ kind: 'deploy', ...base, deployed: many, started: many, unchanged: many }, '!');
    assert.ok(big.content!.length <= 2000);
    assert.match(big.content!, /and 30 more/);
  });
  test('nothing to do is said as such; names are inert', () => {
    assert.match(teamChangedReply({ kind: 'stop', ...base, changed: false, stopped: [], unchanged: ['a'] }, '!').content!, /no member of team \*\*coding\*\* is running/);
    assert.match(teamChangedReply({ kind: 'add', ...base, agent: 'x_y*', role: 'coder' }, '!').content!, /\*\*x\\_y\\\*\*\* joined team \*\*coding\*\* as coder/);
    assert.match(teamChangedReply({ kind: 'create', ...base }, '!').content!, /deploy its members with `!team deploy coding`/);
  });
});

describe('task commands: the prefix and slash forms', () => {
  const id = '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b20';
  test('!task <team|agent> <title…> [-- instructions]: the title is every word, instructions keep their lines', () => {
    const c = ok(parsePrefixed('!task coding Fix the login bug -- see issue 42\nand "test" it'));
    assert.equal(c.spec.name, 'task');
    assert.equal(c.spec.busCommand, 'task.create');
    assert.deepEqual(c.args, { assignee: 'coding', title: 'Fix the login bug', instructions: 'see issue 42\nand "test" it' });
    assert.deepEqual(ok(parsePrefixed('!task coder-1 "Review PR 7"')).args, { assignee: 'coder-1', title: 'Review PR 7' });
    const flags = ok(parsePrefixed('!task coding Ship it --priority HIGH --role reviewer --deadline 2026-12-01T17:00Z -- now'));
    assert.deepEqual(flags.args, { assignee: 'coding', title: 'Ship it', priority: 'high', role: 'reviewer', deadline: '2026-12-01T17:00Z', instructions: 'now' });
    assert.equal(ok(parsePrefixed('!task create coding Ship it')).args.title, 'Ship it', 'the sub-command word may be given');
  });

  test('hostile or wrong input gets a problem naming it', () => {
    assert.equal(problem(parsePrefixed('!task coding')), 'task needs a title (what to do, in a line (at most 200 characters))');
    assert.equal(problem(parsePrefixed('!task')), 'task needs an assignee (a team name or an agent name)');
    assert.equal(problem(parsePrefixed(`!task coding ${'word '.repeat(50)}`)), 'title is too long (249 characters; at most 200)');
    assert.equal(problem(parsePrefixed('!task coding Fix --priority someday')), 'priority is one of low, normal, high, urgent, not "someday"');
    assert.match(problem(parsePrefixed('!task coding Fix --deadline tomorrow')), /deadline is an ISO time such as .*not "tomorrow"/);
    assert.equal(problem(parsePrefixed('!task coding Fix --priority')), '--priority needs a value (low, normal (default), high or urgent)');
    assert.equal(problem(parsePrefixed('!task coding -- only instructions')), 'task needs a title (what to do, in a line (at most 200 characters))');
    assert.match(problem(parsePrefixed('!task show 42')), /a task id is a UUID/);
    assert.match(problem(parsePrefixed("!task cancel '; drop table tasks")), /quote|UUID/);
  });

  test('list, show and cancel; cancel is confirmed', () => {
    assert.deepEqual(ok(parsePrefixed('!task list')).args, {});
    assert.deepEqual(ok(parsePrefixed('!task list coding')).args, { assignee: 'coding' });
    assert.deepEqual(ok(parsePrefixed(`!task show ${id}`)).args, { task: id });
    const cancel = ok(parsePrefixed(`!task cancel ${id} --reason "not needed"`));
    assert.equal(cancel.spec.destructive, true);
    assert.equal(cancel.reason, 'not needed');
    const prompt = confirmReply(cancel.spec, id, '1', '2');
    assert.match(prompt.content!, new RegExp(`^Cancel task \\*\\*${id}\\*\\*\\?`));
    assert.deepEqual(
      prompt.components![0]!.components.map((b) => b.label),
      [`Cancel ${id}`, 'Keep it'],
    );
    assert.equal(ok(parseSlash('task', { assignee: 'coding', title: 'Fix it', priority: 'urgent' }, 'create')).args.priority, 'urgent');
    assert.equal(ok(parseSlash('task', { task: id, yes: true }, 'cancel')).yes, true);
    assert.equal(usageLine(specOf('task')!), '!task <assignee> <title…> [-- <instructions>] [--priority <priority>] [--role <role>] [--deadline <deadline>]');
  });
});

describe('task replies', () => {
  const view = {
    taskId: '0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b20',
    title: '**Fix** @everyone',
    instructions: 'step 1\n# not a heading',
    inputs: {},
    priority: 'high' as const,
    deadline: null,
    team: 'coding',
    role: null,
    agent: { agentId: 'x', name: 'coding-coder' },
    status: 'running' as const,
    attempt: 1,
    maxAttempts: 3,
    timeoutMs: 60_000,
    progress: { percent: 40, message: 'half way' },
    result: null,
    failureReason: null,
    parentTaskId: null,
    createdAt: '2026-11-30T10:00:00Z',
    updatedAt: '2026-11-30T10:01:00Z',
    createdBy: { kind: 'discord' as const, id: '1', displayName: 'alice' },
  };
  test('a list line per task, titles inert; a long list fits an embed', () => {
    const r = taskListReply('team coding', [view], '!');
    const text = r.embeds![0]!.description!;
    assert.match(text, /⚙️ `0192f0c8-7f1e-7c3a-9b1d-3c1f7e2a9b20` \*\*\\\*\\\*Fix\\\*\\\* @\u200beveryone\*\* — running 40% · coding-coder · high/);
    const many = taskListReply(
      null,
      Array.from({ length: 200 }, () => ({ ...view, title: 'x'.repeat(200) })),
      '!',
    );
    assert.ok(many.embeds![0]!.description!.length <= 4000);
    assert.match(taskListReply('nobody', [], '!').content!, /no tasks for nobody yet/);
  });
  test('one task with its fields; a result as a code block', () => {
    const r = taskReply({
      ...view,
      status: 'succeeded',
      result: { ok: '```' },
      attempts: [{ attempt: 1, agent: view.agent, startedAt: view.createdAt, endedAt: view.updatedAt, outcome: 'succeeded', reason: null }],
    });
    const e = r.embeds![0]!;
    assert.match(
      e.fields!.map((f) => `${f.name}: ${f.value}`).join('\n'),
      /Status: ✅ succeeded \(attempt 1 of 3\)[\s\S]*Instructions: step 1\n\\# not a heading[\s\S]*Result: ```\n[\s\S]*ˋˋˋ[\s\S]*Attempts: 1\. coding-coder/,
    );
  });
});

describe('help with the team and task commands', () => {
  test('lists them with their usage and role, within an embed description', () => {
    const d = helpReply('viewer', '!').embeds![0]!.description!;
    assert.ok(d.length <= 4096, `help is ${d.length} characters`);
    assert.match(d, /🔒 `!team deploy <team> \[--reason "<text>"\]`/);
    assert.match(d, /✅ `!task list \[assignee\]`/);
    assert.match(d, /🔒 `!task <assignee> <title…> \[-- <instructions>\]/);
  });
});
