import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { specOf, usageLine, type ParseResult, type ParsedCommand } from '../../../apps/discord-gateway/src/bot/command-specs';
import { parsePrefixed, parseSlash } from '../../../apps/discord-gateway/src/bot/command-parser';
import { confirmReply } from '../../../apps/discord-gateway/src/bot/replies';
import { teamChangedReply } from '../../../apps/discord-gateway/src/bot/team-replies';

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
    assert.equal((c.components![0]!.components[0]!.label), 'Delete coding');
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
