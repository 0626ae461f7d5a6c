import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { COMMAND_SPECS, specOf, usageLine, type ParseResult, type ParsedCommand } from '../../../apps/discord-gateway/src/bot/command-specs';
import { parsePrefixed, parseSlash } from '../../../apps/discord-gateway/src/bot/command-parser';
import { slashDefinitions } from '../../../apps/discord-gateway/src/bot/slash-commands';

type Json = Record<string, unknown>;

/** the parsed command, failing the test with the problem when there is none */
function ok(r: ParseResult | null): ParsedCommand {
  assert.ok(r, 'expected the text to be for the bot');
  if (!r.ok) assert.fail(`expected a command, got the problem "${r.problem}"`);
  return r.command;
}

/** the problem (and usage) a user is shown, failing the test when the text parsed */
function problem(r: ParseResult | null): { problem: string; usage: string | null } {
  assert.ok(r, 'expected the text to be for the bot');
  if (r.ok) assert.fail(`expected a problem, got the command ${r.command.spec.name} ${JSON.stringify(r.command.args)}`);
  return { problem: r.problem, usage: r.usage };
}

describe('parsePrefixed: which messages are for the bot', () => {
  test('ordinary chat, a lone prefix and an empty quoted word are not for the bot', () => {
    assert.equal(parsePrefixed('hello everyone'), null);
    assert.equal(parsePrefixed('status of coder-1?'), null);
    assert.equal(parsePrefixed('!'), null);
    assert.equal(parsePrefixed('   !   '), null);
    assert.equal(parsePrefixed('!""'), null);
    assert.equal(parsePrefixed('?status'), null, 'another prefix than the configured one');
  });

  test('leading and trailing blanks and an upper-case command name are accepted', () => {
    const c = ok(parsePrefixed('   !STATUS   '));
    assert.equal(c.spec.name, 'status');
    assert.deepEqual(c.args, {});
  });

  test('a custom prefix: only messages starting with it are read, and the usage shows it', () => {
    assert.equal(parsePrefixed('!status', 'sacp '), null);
    assert.equal(ok(parsePrefixed('sacp status coder-1', 'sacp ')).args.target, 'coder-1');
    assert.equal(ok(parsePrefixed('%%logs coder-1 5', '%%')).args.lines, 5);
    const p = problem(parsePrefixed('%%stop', '%%'));
    assert.equal(p.usage, '%%stop <agent> [--yes] [--reason "<text>"]');
    assert.match(problem(parsePrefixed('%%frobnicate', '%%')).problem, /try %%help/);
  });
});

describe('parsePrefixed: arguments', () => {
  test('!deploy grok4 coder-1 --reason "sprint 12"', () => {
    const c = ok(parsePrefixed('!deploy grok4 coder-1 --reason "sprint 12"'));
    assert.equal(c.spec.name, 'deploy');
    assert.equal(c.spec.busCommand, 'agent.deploy');
    assert.deepEqual(c.args, { template: 'grok4', name: 'coder-1' });
    assert.equal(c.reason, 'sprint 12');
    assert.equal(c.yes, false);
  });

  test('the optional name may be left out, and flags may come before the arguments', () => {
    const c = ok(parsePrefixed('!deploy --reason sprint grok4'));
    assert.deepEqual(c.args, { template: 'grok4' });
    assert.equal(c.reason, 'sprint');
  });

  test('single, double and curly quotes group words; quotes inside a word join it', () => {
    assert.equal(ok(parsePrefixed("!stop coder-1 --yes --reason 'over budget'")).reason, 'over budget');
    assert.equal(ok(parsePrefixed('!stop coder-1 -y --reason “phone autocorrect quotes”')).reason, 'phone autocorrect quotes');
    assert.equal(ok(parsePrefixed('!stop coder-1 -y --reason "it said \'no\' twice"')).reason, "it said 'no' twice");
    assert.equal(ok(parsePrefixed('!stop coder-1 -y --reason=why"  not  "')).reason, 'why  not', 'the reason is trimmed but inner blanks stay');
    assert.equal(ok(parsePrefixed('!status "coder-1"')).args.target, 'coder-1');
  });

  test('an unclosed quote is a problem that names the quote, not a guess', () => {
    const p = problem(parsePrefixed('!deploy grok4 --reason "sprint 12'));
    assert.equal(p.problem, 'a quote (") is not closed');
    assert.equal(p.usage, null);
    assert.match(problem(parsePrefixed("!stop 'coder-1")).problem, /quote \('\) is not closed/);
    assert.match(problem(parsePrefixed('!stop “coder-1')).problem, /quote \(”\) is not closed/);
  });

  test('--reason=text and --reason text are the same', () => {
    assert.equal(ok(parsePrefixed('!restart coder-1 --reason=deploy-fix')).reason, 'deploy-fix');
    assert.equal(ok(parsePrefixed('!restart coder-1 --reason deploy-fix')).reason, 'deploy-fix');
    assert.equal(ok(parsePrefixed('!restart coder-1 --reason="new key"')).reason, 'new key');
  });

  test('--reason without a text, or with only blanks, is a problem with an example', () => {
    for (const text of ['!restart coder-1 --reason', '!restart coder-1 --reason=', '!restart coder-1 --reason ""']) {
      const p = problem(parsePrefixed(text));
      assert.match(p.problem, /--reason needs a text, e\.g\. --reason "over budget"/, text);
      assert.equal(p.usage, '!restart <agent> [--reason "<text>"]');
    }
  });

  test('a reason longer than 500 characters is refused with its length', () => {
    const p = problem(parsePrefixed(`!restart coder-1 --reason "${'x'.repeat(501)}"`));
    assert.match(p.problem, /the reason is too long \(501 characters; at most 500\)/);
    assert.equal(ok(parsePrefixed(`!restart coder-1 --reason "${'x'.repeat(500)}"`)).reason?.length, 500);
  });

  test('--reason is refused by commands that record nothing', () => {
    const p = problem(parsePrefixed('!status --reason curious'));
    assert.equal(p.problem, 'status takes no --reason');
    assert.equal(p.usage, '!status [target]');
  });

  test('--yes and -y skip the confirmation of stop and rm', () => {
    const stop = ok(parsePrefixed('!stop coder-1 --yes'));
    assert.equal(stop.yes, true);
    assert.deepEqual(stop.args, { agent: 'coder-1' });
    assert.equal(ok(parsePrefixed('!rm -y coder-1')).yes, true);
    assert.equal(ok(parsePrefixed('!rm coder-1')).yes, false, 'without it, a confirmation is asked');
  });

  test('--yes and -y are refused by commands that ask no confirmation', () => {
    for (const cmd of COMMAND_SPECS.filter((s) => !s.destructive)) {
      for (const flag of ['--yes', '-y']) {
        const p = problem(parsePrefixed(`!${cmd.name} ${flag}`));
        assert.equal(p.problem, `${cmd.name} takes no --yes`, `${cmd.name} ${flag}`);
        assert.equal(p.usage, usageLine(cmd));
      }
    }
  });

  test('an unknown command points to help; an unknown option shows the usage', () => {
    const c = problem(parsePrefixed('!deplyo grok4'));
    assert.equal(c.problem, 'there is no command "deplyo"; try !help');
    assert.equal(c.usage, null);
    const o = problem(parsePrefixed('!stop coder-1 --force'));
    assert.equal(o.problem, 'stop has no option --force');
    assert.equal(o.usage, '!stop <agent> [--yes] [--reason "<text>"]');
  });

  test('a missing required argument names it and what it is', () => {
    const p = problem(parsePrefixed('!stop'));
    assert.equal(p.problem, 'stop needs an agent (agent name or id)');
    assert.equal(p.usage, '!stop <agent> [--yes] [--reason "<text>"]');
    assert.equal(problem(parsePrefixed('!deploy --reason x')).problem, 'deploy needs a template (template name, e.g. grok4)');
  });

  test('too many arguments: says how many the command takes and which words are extra', () => {
    assert.equal(problem(parsePrefixed('!stop coder-1 coder-2 coder-3')).problem, 'stop takes at most 1 argument; got "coder-2 coder-3" too');
    assert.equal(problem(parsePrefixed('!deploy grok4 a b')).problem, 'deploy takes at most 2 arguments; got "b" too');
    assert.equal(problem(parsePrefixed('!templates all')).problem, 'templates takes no arguments; got "all" too');
    assert.match(problem(parsePrefixed('!stop "coder 1" x')).problem, /got "x" too/, 'a quoted argument counts once');
  });

  test('an argument longer than 100 characters is refused with its length', () => {
    assert.equal(problem(parsePrefixed(`!stop ${'a'.repeat(101)}`)).problem, 'agent is too long (101 characters; at most 100)');
    assert.equal(ok(parsePrefixed(`!stop ${'a'.repeat(100)}`)).args.agent, 'a'.repeat(100));
  });

  test('logs lines: a whole number from 1 to 200, default left to the runner', () => {
    assert.deepEqual(ok(parsePrefixed('!logs coder-1')).args, { agent: 'coder-1' });
    assert.equal(ok(parsePrefixed('!logs coder-1 1')).args.lines, 1);
    assert.equal(ok(parsePrefixed('!logs coder-1 200')).args.lines, 200);
    assert.equal(typeof ok(parsePrefixed('!logs coder-1 50')).args.lines, 'number');
    for (const bad of ['0', '201', '-5', '1.5', 'ten', '1e2']) {
      const p = problem(parsePrefixed(`!logs coder-1 ${bad}`));
      assert.equal(p.problem, `lines must be a whole number from 1 to 200, not "${bad}"`, bad);
      assert.equal(p.usage, '!logs <agent> [lines]');
    }
  });

  test('history limit: a whole number from 1 to 50', () => {
    assert.equal(ok(parsePrefixed('!history coder-1 50')).args.limit, 50);
    assert.equal(ok(parsePrefixed('!history coder-1 1')).args.limit, 1);
    assert.equal(problem(parsePrefixed('!history coder-1 51')).problem, 'limit must be a whole number from 1 to 50, not "51"');
    assert.equal(problem(parsePrefixed('!history coder-1 0')).problem, 'limit must be a whole number from 1 to 50, not "0"');
  });
});

describe('parseSlash', () => {
  test('options arrive by name; numbers stay numbers', () => {
    const c = ok(parseSlash('logs', { agent: 'coder-1', lines: 40 }));
    assert.equal(c.spec.name, 'logs');
    assert.deepEqual(c.args, { agent: 'coder-1', lines: 40 });
    assert.equal(c.yes, false);
    assert.equal(c.reason, null);
  });

  test('yes and reason become flags, with the reason trimmed', () => {
    const c = ok(parseSlash('stop', { agent: 'coder-1', yes: true, reason: '  over budget ' }));
    assert.deepEqual(c.args, { agent: 'coder-1' });
    assert.equal(c.yes, true);
    assert.equal(c.reason, 'over budget');
    assert.equal(ok(parseSlash('stop', { agent: 'coder-1', yes: false })).yes, false);
    assert.equal(ok(parseSlash('stop', { agent: 'coder-1', reason: '   ' })).reason, null, 'a blank reason is no reason');
  });

  test('an option the command does not have is refused with a slash usage', () => {
    const p = problem(parseSlash('logs', { agent: 'coder-1', follow: true }));
    assert.equal(p.problem, '/logs has no option "follow"');
    assert.equal(p.usage, '/logs <agent> [lines]');
  });

  test('an unknown command says the commands may be out of date', () => {
    const p = problem(parseSlash('scale', {}));
    assert.match(p.problem, /no \/scale command.*try \/help/);
    assert.equal(p.usage, null);
  });

  test('the same range and presence checks as the prefix form', () => {
    assert.equal(problem(parseSlash('logs', { agent: 'coder-1', lines: 500 })).problem, 'lines must be a whole number from 1 to 200, not "500"');
    assert.equal(problem(parseSlash('history', { agent: 'coder-1', limit: 2.5 })).problem, 'limit must be a whole number from 1 to 50, not "2.5"');
    assert.equal(problem(parseSlash('tail', { target: 'coder-1', seconds: 4 })).problem, 'seconds must be a whole number from 5 to 120, not "4"');
    assert.equal(problem(parseSlash('tail', {})).problem, 'tail needs a target (an agent or a team name)');
    const tail = parseSlash('tail', { target: 'coding', seconds: 60 });
    assert.ok(tail?.ok);
    assert.deepEqual(tail.command.args, { target: 'coding', seconds: 60 });
    const missing = problem(parseSlash('rm', {}));
    assert.equal(missing.problem, 'rm needs an agent (agent name or id)');
    assert.equal(missing.usage, '/rm <agent> [--yes] [--reason "<text>"]');
  });
});

describe('usageLine', () => {
  test('required arguments in <>, optional ones and flags in []', () => {
    assert.equal(usageLine(specOf('deploy')!), '!deploy <template> [name] [--reason "<text>"]');
    assert.equal(usageLine(specOf('rm')!), '!rm <agent> [--yes] [--reason "<text>"]');
    assert.equal(usageLine(specOf('history')!, '/'), '/history <agent> [limit]');
    assert.equal(usageLine(specOf('tail')!), '!tail <target> [seconds]');
    assert.equal(usageLine(specOf('help')!, '?'), '?help');
  });
});

describe('slashDefinitions: what Discord accepts', () => {
  const defs = slashDefinitions();
  const NAME = /^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$/u;

  /** a command's options as registered: its own, or those of its sub-command in its group's command */
  const optionsOf = (spec: (typeof COMMAND_SPECS)[number]): Json[] => {
    const [word] = spec.name.split(' ');
    const def = defs.find((d) => d.name === word)!;
    return spec.sub === undefined ? def.options : ((def.options.find((o) => o.name === spec.sub)!.options ?? []) as Json[]);
  };
  /** every list of options Discord reads: a command's, or each of its sub-commands' */
  const optionLists = (): [string, Json[]][] =>
    defs.flatMap((d) =>
      d.options.some((o) => o.type === 1) ? d.options.map((o) => [`${d.name} ${String(o.name)}`, o.options as Json[]] as [string, Json[]]) : [[d.name, d.options]],
    );

  test('every command of the table is defined exactly once, as a chat-input command; a group as one command with sub-commands', () => {
    const words = [...new Set(COMMAND_SPECS.map((s) => s.name.split(' ')[0]!))].sort();
    assert.deepEqual(defs.map((d) => d.name).sort(), words);
    assert.equal(new Set(defs.map((d) => d.name)).size, defs.length);
    for (const d of defs) assert.equal(d.type, 1, d.name);
    const team = defs.find((d) => d.name === 'team')!;
    assert.deepEqual(
      team.options.map((o) => [o.type, o.name]),
      ['show', 'create', 'deploy', 'stop', 'add', 'remove', 'delete'].map((n) => [1, n]),
    );
  });

  test('names are lower-case, at most 32 characters; descriptions 1-100 characters', () => {
    for (const d of defs) {
      assert.match(d.name, NAME, d.name);
      assert.ok(d.description.length >= 1 && d.description.length <= 100, `${d.name}: description of ${d.description.length}`);
      assert.ok(d.options.length <= 25, d.name);
    }
    for (const [name, options] of optionLists()) {
      const names = options.map((o) => o.name as string);
      assert.equal(new Set(names).size, names.length, `${name}: duplicate option names`);
      for (const o of options) {
        assert.match(String(o.name), NAME, `${name}.${String(o.name)}`);
        const desc = String(o.description);
        assert.ok(desc.length >= 1 && desc.length <= 100, `${name}.${String(o.name)}: description of ${desc.length}`);
        assert.ok([3, 4, 5].includes(o.type as number), `${name}.${String(o.name)}: option type ${String(o.type)}`);
      }
    }
  });

  test('required options come before optional ones (Discord rejects the registration otherwise)', () => {
    for (const [name, options] of optionLists()) {
      const firstOptional = options.findIndex((o) => o.required !== true);
      if (firstOptional < 0) continue;
      assert.ok(
        options.slice(firstOptional).every((o) => o.required !== true),
        `${name}: ${options.map((o) => `${String(o.name)}${o.required ? '*' : ''}`).join(', ')}`,
      );
    }
  });

  test('options mirror the table: arguments, then yes for destructive commands, reason where recorded', () => {
    for (const spec of COMMAND_SPECS) {
      const options = optionsOf(spec);
      const expected = [...spec.args.map((a) => a.name), ...(spec.destructive ? ['yes'] : []), ...(spec.takesReason ? ['reason'] : [])];
      assert.deepEqual(
        options.map((o) => o.name),
        expected,
        spec.name,
      );
      for (const a of spec.args) assert.equal(options.find((o) => o.name === a.name)!.required, a.required, `${spec.name}.${a.name}`);
    }
  });

  test('counts are integer options with the same bounds the parser enforces', () => {
    const lines = defs.find((d) => d.name === 'logs')!.options.find((o) => o.name === 'lines')!;
    assert.deepEqual({ type: lines.type, min: lines.min_value, max: lines.max_value }, { type: 4, min: 1, max: 200 });
    const limit = defs.find((d) => d.name === 'history')!.options.find((o) => o.name === 'limit')!;
    assert.deepEqual({ type: limit.type, min: limit.min_value, max: limit.max_value }, { type: 4, min: 1, max: 50 });
    // what Discord lets through, the parser accepts; one beyond, it refuses
    assert.ok(parseSlash('logs', { agent: 'a', lines: lines.max_value as number }).ok);
    assert.ok(!parseSlash('logs', { agent: 'a', lines: (lines.max_value as number) + 1 }).ok);
    for (const [name, options] of optionLists())
      for (const o of options) {
        if (o.type === 4) assert.ok(Number.isInteger(o.min_value) && Number.isInteger(o.max_value), `${name}.${String(o.name)}`);
        if (o.type === 3) assert.ok(typeof o.max_length === 'number' && o.max_length >= 1 && o.max_length <= 6000, `${name}.${String(o.name)}`);
      }
  });

  test('yes is a boolean and reason a string of at most 500, as the parser allows', () => {
    const stop = defs.find((d) => d.name === 'stop')!;
    assert.equal(stop.options.find((o) => o.name === 'yes')!.type, 5);
    const reason = stop.options.find((o) => o.name === 'reason')!;
    assert.equal(reason.type, 3);
    assert.equal(reason.max_length, 500);
  });
});

describe('slashDefinitions: suggestions', () => {
  test('agent, template and target options are autocompleted; numbers, flags and names are not', () => {
    const flagged = slashDefinitions()
      .flatMap((c) => c.options.filter((o) => o.autocomplete === true).map((o) => `${c.name}.${o.name as string}`))
      .sort();
    assert.deepEqual(flagged, [
      'deploy.template',
      'history.agent',
      'logs.agent',
      'restart.agent',
      'rm.agent',
      'start.agent',
      'status.target',
      'stop.agent',
      'tail.target',
      'why.agent',
    ]);
    for (const c of slashDefinitions()) for (const o of c.options) if (o.autocomplete === true) assert.equal(o.type, 3, `${c.name}.${o.name as string} is a string option`);
  });
});
