import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { AgentStatusView, HistoryEntry, AgentResourceSample } from '@sacp/events';
import { specOf } from '../../../apps/discord-gateway/src/bot/command-specs';
import { errorReply, historyReply, logsReply, refusedReply, whyReply } from '../../../apps/discord-gateway/src/bot/replies';
import type { BotReply, Embed } from '../../../apps/discord-gateway/src/bot/reply-types';
import { AGENTS_PER_PAGE, agentField, statusPage } from '../../../apps/discord-gateway/src/bot/status-replies';

const NOW = Date.parse('2026-11-26T12:00:00.000Z');
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();
const pad = (n: number) => String(n).padStart(3, '0');

function view(name: string, over: Partial<AgentStatusView> = {}): AgentStatusView {
  return {
    id: `id-${name}`,
    name,
    template: { name: 'grok4', version: 3 },
    team: null,
    state: { desired: 'running', observed: 'running' },
    containerId: '4f2a9c0e1b2d3c4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2',
    containerName: `sacp-${name}`,
    generation: 1,
    restarts: 0,
    runningSince: iso(3_780_000),
    health: 'healthy',
    lastExit: null,
    restartDueAt: null,
    recoveryAbandoned: false,
    lastAlert: null,
    lastError: null,
    createdAt: iso(86_400_000),
    updatedAt: iso(60_000),
    version: 7,
    ...over,
  };
}

/** An agent in as much trouble as it can be, with every text at its longest. */
function troubled(name: string): AgentStatusView {
  return {
    ...view(name),
    template: { name: 't'.repeat(63), version: 12345 },
    state: { desired: 'running', observed: 'restarting' },
    runningSince: null,
    health: 'unhealthy',
    restarts: 12,
    lastExit: { code: 137, oomKilled: true },
    recoveryAbandoned: true,
    restartDueAt: iso(-8000),
    lastAlert: { key: `agent:${name}:recovery`, state: 'open', severity: 'critical', cause: 'recovery_abandoned', message: 'A'.repeat(3000), at: iso(1000) },
    lastError: { operation: 'restart', code: 'DOCKER.OPERATION_FAILED', message: 'E'.repeat(3000), at: iso(1000) },
  };
}

const sample = (agentId: string): AgentResourceSample => ({
  agentId,
  containerId: 'c',
  cpuPercent: 7.5,
  memoryBytes: 64 * 1024 * 1024,
  memoryLimitBytes: 2 * 1024 * 1024 * 1024,
  networkRxBytes: 0,
  networkTxBytes: 0,
  pids: 3,
  at: iso(0),
});

/** 63 characters: the longest agent name the control plane accepts */
const longName = (i: number) => `agent-${pad(i)}-${'x'.repeat(53)}`;

/** Discord's limits for one embed, and the 6000-character total it counts. */
function assertEmbedFits(e: Embed, where: string): void {
  assert.ok((e.title ?? '').length <= 256, `${where}: title of ${e.title?.length}`);
  assert.ok((e.description ?? '').length <= 4096, `${where}: description of ${e.description?.length}`);
  assert.ok((e.fields ?? []).length <= 25, `${where}: ${e.fields?.length} fields`);
  for (const f of e.fields ?? []) {
    assert.ok(f.name.length >= 1 && f.name.length <= 256, `${where}: field name of ${f.name.length}`);
    assert.ok(f.value.length >= 1 && f.value.length <= 1024, `${where}: field value of ${f.value.length}`);
  }
  assert.ok((e.footer?.text ?? '').length <= 2048, `${where}: footer of ${e.footer?.text.length}`);
  const total = (e.title ?? '').length + (e.description ?? '').length + (e.footer?.text ?? '').length + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  assert.ok(total <= 6000, `${where}: ${total} characters in all`);
}

function assertReplyFits(r: BotReply, where: string): void {
  if (r.content !== undefined) assert.ok(r.content.length <= 2000, `${where}: content of ${r.content.length}`);
  assert.ok((r.embeds ?? []).length <= 10, where);
  (r.embeds ?? []).forEach((e, i) => assertEmbedFits(e, `${where} embed ${i}`));
  for (const row of r.components ?? []) {
    assert.ok(row.components.length <= 5, where);
    for (const b of row.components) {
      assert.ok(b.custom_id.length >= 1 && b.custom_id.length <= 100, `${where}: custom_id of ${b.custom_id.length}: ${b.custom_id}`);
      assert.ok(b.label.length <= 80, `${where}: label ${b.label}`);
    }
  }
  const ids = (r.components ?? []).flatMap((row) => row.components.map((b) => b.custom_id));
  assert.equal(new Set(ids).size, ids.length, `${where}: custom_ids must be unique in a message: ${ids.join(', ')}`);
}

const buttons = (r: BotReply) => r.components?.[0]?.components ?? [];
const fieldNames = (r: BotReply) => (r.embeds?.[0]?.fields ?? []).map((f) => f.name);
/** what the bot reads back from a page button: [page, target] */
const pageButton = (customId: string) => {
  const [ns, kind, page, target] = customId.split(':');
  assert.equal(`${ns}:${kind}`, 'sacp:page');
  return { page: Number(page), target: target ? decodeURIComponent(target) : null };
};

describe('statusPage', () => {
  const page = (views: AgentStatusView[], p = 1, target: string | null = null, resources: Record<string, AgentResourceSample> | null = {}) =>
    statusPage({ views, resources, page: p, target, title: 'Agents', now: NOW });

  test('no agents: one page that says so, no buttons', () => {
    const r = page([]);
    assertReplyFits(r, '0 agents');
    const e = r.embeds![0]!;
    assert.match(e.description!, /^0 agents · 0 running/);
    assert.deepEqual(e.fields, []);
    assert.equal(e.footer!.text, 'page 1/1 · agents 0–0 of 0');
    assert.equal(r.components, undefined);
  });

  test('one agent: its field, the count in words, no buttons', () => {
    const r = page([view('coder-1')], 1, null, { [view('coder-1').id]: sample(view('coder-1').id) });
    assertReplyFits(r, '1 agent');
    const e = r.embeds![0]!;
    assert.equal(e.description, '1 agent · 1 running');
    assert.deepEqual(fieldNames(r), ['🟢 coder-1']);
    assert.match(e.fields![0]!.value, /running · healthy · up 1h 03m · CPU 7\.5% · MEM 64MiB\/2GiB/);
    assert.equal(e.footer!.text, 'page 1/1 · agents 1–1 of 1');
    assert.equal(r.components, undefined);
  });

  test('without resource figures, the page says the monitor did not answer', () => {
    const r = page([view('coder-1')], 1, null, null);
    assert.match(r.embeds![0]!.description!, /resource figures unavailable: no monitor answered/);
    assert.doesNotMatch(r.embeds![0]!.fields![0]!.value, /CPU|MEM/);
  });

  test('ten agents fit one page: no buttons', () => {
    const views = Array.from({ length: 10 }, (_, i) => view(`coder-${pad(i)}`));
    const r = page(views);
    assertReplyFits(r, '10 agents');
    assert.equal(fieldNames(r).length, 10);
    assert.equal(r.embeds![0]!.footer!.text, 'page 1/1 · agents 1–10 of 10');
    assert.equal(r.components, undefined);
  });

  test('eleven agents: two pages; previous is disabled on the first, next on the last', () => {
    const views = Array.from({ length: 11 }, (_, i) => view(`coder-${pad(i)}`));
    const first = page(views, 1);
    assertReplyFits(first, '11 agents p1');
    assert.equal(fieldNames(first).length, 10);
    assert.equal(first.embeds![0]!.footer!.text, 'page 1/2 · agents 1–10 of 11');
    const [prev, mid, next] = buttons(first);
    assert.equal(prev!.disabled, true);
    assert.equal(mid!.label, '1/2');
    assert.equal(next!.disabled, false);
    assert.equal(pageButton(next!.custom_id).page, 2);

    const second = page(views, pageButton(next!.custom_id).page);
    assertReplyFits(second, '11 agents p2');
    assert.deepEqual(fieldNames(second), ['🟢 coder-010']);
    assert.equal(second.embeds![0]!.footer!.text, 'page 2/2 · agents 11–11 of 11');
    const [prev2, mid2, next2] = buttons(second);
    assert.equal(prev2!.disabled, false);
    assert.equal(pageButton(prev2!.custom_id).page, 1);
    assert.equal(mid2!.label, '2/2');
    assert.equal(pageButton(mid2!.custom_id).page, 2, 'the middle button refreshes the page shown');
    assert.equal(next2!.disabled, true);
  });

  test('a page number out of range shows the nearest page', () => {
    const views = Array.from({ length: 11 }, (_, i) => view(`coder-${pad(i)}`));
    assert.equal(page(views, 0).embeds![0]!.footer!.text, 'page 1/2 · agents 1–10 of 11');
    assert.equal(page(views, -3).embeds![0]!.footer!.text, 'page 1/2 · agents 1–10 of 11');
    assert.equal(page(views, 99).embeds![0]!.footer!.text, 'page 2/2 · agents 11–11 of 11');
  });

  test('250 healthy agents: 25 pages that together show every agent once', () => {
    const views = Array.from({ length: 250 }, (_, i) => view(longName(i)));
    const seen: string[] = [];
    for (let p = 1; p <= 25; p++) {
      const r = page(views, p);
      assertReplyFits(r, `250 agents p${p}`);
      assert.equal(r.embeds![0]!.footer!.text, `page ${p}/25 · agents ${(p - 1) * 10 + 1}–${p * 10} of 250`);
      assert.equal(buttons(r)[1]!.label, `${p}/25`);
      assert.equal(buttons(r)[0]!.disabled, p === 1);
      assert.equal(buttons(r)[2]!.disabled, p === 25);
      seen.push(...fieldNames(r));
    }
    assert.deepEqual(
      seen,
      views.map((v) => `🟢 ${v.name}`),
    );
  });

  test('250 agents in trouble with the longest texts: every page fits and still lists all its agents', () => {
    const views = Array.from({ length: 250 }, (_, i) => troubled(longName(i)));
    const resources = Object.fromEntries(views.map((v) => [v.id, sample(v.id)]));
    const seen: string[] = [];
    for (let p = 1; p <= 25; p++) {
      const r = page(views, p, null, resources);
      assertReplyFits(r, `troubled p${p}`);
      const e = r.embeds![0]!;
      assert.match(e.description!, /^250 agents · 0 running · 250 unhealthy · 250 with open alerts/);
      // the footer promises ten agents per page: an agent cut to fit would be on no page at all
      assert.equal(e.fields!.length, AGENTS_PER_PAGE, `page ${p} shows ${e.fields!.length} of its ${AGENTS_PER_PAGE} agents`);
      for (const f of e.fields!) assert.match(f.value, /restarting \(should be running\)/, 'the state is never cut away');
      seen.push(...fieldNames(r));
    }
    assert.equal(new Set(seen).size, 250);
  });

  test('page buttons stay within 100 characters and give back the target asked for', () => {
    const views = Array.from({ length: 30 }, (_, i) => view(`coder-${pad(i)}`, { template: { name: 'g'.repeat(63), version: 1 } }));
    // the longest template name the control plane accepts must come back whole, or "next" shows another target
    const template = 'g'.repeat(63);
    const r = page(views, 2, template);
    assertReplyFits(r, 'template target');
    for (const b of buttons(r)) assert.equal(pageButton(b.custom_id).target, template, b.custom_id);

    for (const target of ['a'.repeat(100), 'é'.repeat(100), '🤖'.repeat(50), `${'a'.repeat(58)}é${'b'.repeat(41)}`, 'a:b:c%20/?#'.repeat(9)]) {
      const r2 = page(views, 3, target);
      assertReplyFits(r2, `target ${target.slice(0, 10)}…`);
      for (const b of buttons(r2)) {
        const back = pageButton(b.custom_id); // would throw URIError on a cut %-escape
        assert.ok(target.startsWith(back.target ?? ''), `${b.custom_id} → ${back.target}`);
        assert.ok(back.target!.length > 0);
      }
      assert.equal(pageButton(buttons(r2)[2]!.custom_id).page, 4);
    }
  });

  test('an unhealthy agent or an open alert makes the embed yellow; all running green', () => {
    assert.equal(page([view('a'), view('b')]).embeds![0]!.color, 0x2ecc71);
    assert.equal(page([view('a'), view('b', { health: 'unhealthy' })]).embeds![0]!.color, 0xf1c40f);
    assert.equal(page([view('a'), { ...view('b'), state: { desired: 'stopped', observed: 'stopped' }, runningSince: null }]).embeds![0]!.color, 0x5865f2);
  });
});

describe('agentField', () => {
  test('long alert and error messages are clipped; the field stays within 1024 and keeps every line', () => {
    const f = agentField(troubled(longName(1)), sample('x'), NOW);
    assert.ok(f.value.length <= 1024, `value of ${f.value.length}`);
    assert.ok(f.name.length <= 256);
    assert.equal(f.name, `🟡 ${longName(1)}`);
    const lines = f.value.split('\n');
    assert.equal(lines[0], 'restarting (should be running) · unhealthy · CPU 7.5% · MEM 64MiB/2GiB · 12 restarts');
    assert.equal(lines[1], `\`${'t'.repeat(63)}@12345\` · \`4f2a9c0e1b2d\``);
    assert.equal(lines[2], 'last exit: 137 (killed: out of memory)');
    assert.equal(lines[3], '⛔ auto-recovery gave up: start it when fixed');
    assert.match(lines[4]!, /^⚠️ critical: A{199}…$/);
    assert.match(lines[5]!, /^❗ restart failed: E{199}…$/);
  });

  test('a scheduled restart is shown when recovery has not given up; a resolved alert is not', () => {
    const v: AgentStatusView = { ...troubled('coder-1'), recoveryAbandoned: false, lastError: null, lastAlert: { ...troubled('coder-1').lastAlert!, state: 'resolved' } };
    const f = agentField(v, null, NOW);
    assert.match(f.value, /↻ restart in 8s/);
    assert.doesNotMatch(f.value, /⚠️|auto-recovery gave up|CPU/);
  });

  test('a healthy running agent: state, health, uptime; an adopted one says so', () => {
    assert.equal(agentField(view('coder-1'), null, NOW).value, 'running · healthy · up 1h 03m\n`grok4@3` · `4f2a9c0e1b2d`');
    assert.match(agentField({ ...view('legacy'), template: null, containerId: null, health: 'unknown' }, null, NOW).value, /^running · up 1h 03m\n`\(adopted\)`$/);
  });
});

describe('logsReply', () => {
  const lines = (n: number, text: (i: number) => string = (i) => `line ${i}`) => Array.from({ length: n }, (_, i) => ({ line: text(i), stream: 'stdout' }));

  test('a few lines: all of them in a code block under a header', () => {
    const r = logsReply('coder-1', lines(3));
    assert.equal(r.content, 'Last 3 lines of **coder-1**:\n```\nline 0\nline 1\nline 2\n```');
  });

  test('nothing written yet says so', () => {
    assert.equal(logsReply('coder-1', []).content, 'coder-1 has written nothing yet');
  });

  test('too many lines: the newest are kept, the header says how many of how many', () => {
    const r = logsReply(
      'coder-1',
      lines(200, (i) => `${String(i).padStart(4, '0')} ${'x'.repeat(60)}`),
    );
    const c = r.content!;
    assert.ok(c.length <= 2000, `${c.length} characters`);
    const shown = /^Last (\d+) of 200 lines of \*\*coder-1\*\* \(older ones do not fit a message\):\n```\n/.exec(c);
    assert.ok(shown, c.slice(0, 120));
    const body = c.slice(c.indexOf('```\n') + 4, c.lastIndexOf('\n```')).split('\n');
    assert.equal(body.length, Number(shown[1]));
    assert.ok(body.length > 20 && body.length < 200);
    assert.ok(body[body.length - 1]!.startsWith('0199 '), 'the newest line is last');
    assert.ok(body[0]!.startsWith(String(200 - body.length).padStart(4, '0')), 'consecutive lines up to the newest');
  });

  test('stays within 2000 characters whatever the line lengths and agent name', () => {
    for (const agent of ['a', 'coder-1', 'x'.repeat(63), 'y'.repeat(100)])
      for (const len of [0, 1, 2, 5, 9, 17, 40, 99, 299, 300, 301, 1000]) {
        const c = logsReply(
          agent,
          lines(1000, (i) => `${i % 10}`.repeat(len)),
        ).content!;
        assert.ok(c.length <= 2000, `agent of ${agent.length}, lines of ${len}: ${c.length} characters`);
        assert.ok(c.endsWith('\n```'));
      }
  });

  test('a line longer than 300 characters is cut and marked', () => {
    const c = logsReply('coder-1', [{ line: 'z'.repeat(1000), stream: 'stderr' }]).content!;
    assert.match(c, /\n```\nz{299}…\n```$/);
  });

  test('a line containing ``` cannot end the code block early', () => {
    const c = logsReply('coder-1', [
      { line: 'before ``` after', stream: 'stdout' },
      { line: '```', stream: 'stdout' },
      { line: 'ends with `', stream: 'stderr' },
    ]).content!;
    assert.equal(c.split('```').length - 1, 2, 'only the block’s own fences');
    assert.ok(c.startsWith('Last 3 lines of **coder-1**:\n```\n'));
    assert.ok(c.endsWith('\n```'));
    assert.match(c, /before .+ after/, 'the line is still readable');
  });
});

describe('historyReply and whyReply', () => {
  const actor = { kind: 'discord', id: '42', displayName: 'Alice the Operator' };
  /** 500 events of one agent, each caused by the previous one; every 5th a state change */
  const history = (n: number): HistoryEntry[] =>
    Array.from({ length: n }, (_, i) => {
      const types = ['agent.container_exited', 'agent.restart_scheduled', 'agent.operation_failed', 'agent.health_changed', 'agent.container_started'];
      const type = types[i % types.length]!;
      const data =
        type === 'agent.container_exited'
          ? { agentId: 'a', containerId: 'c', exitCode: 137, oomKilled: true, finishedAt: null }
          : type === 'agent.restart_scheduled'
            ? { agentId: 'a', restartSeq: i, attempt: i, delayMs: 8000, dueAt: iso(0), cause: { eventId: `e${i - 1}`, kind: 'oom_killed', detail: '`rm -rf` ```'.repeat(20) } }
            : type === 'agent.operation_failed'
              ? { agentId: 'a', operation: 'restart', code: 'DOCKER.OPERATION_FAILED', message: `\`docker\` said: \`\`\` ${'M'.repeat(500)}` }
              : type === 'agent.health_changed'
                ? { agentId: 'a', status: 'unhealthy', probe: 'http', output: 'O'.repeat(500) }
                : { agentId: 'a', containerId: '4f2a9c0e1b2d3c4e5f6' };
      return {
        eventId: `e${i}`,
        position: String(i + 1),
        streamPosition: i + 1,
        type,
        at: new Date(NOW - (n - i) * 60_000).toISOString(),
        actor: i % 2 ? actor : { kind: 'system', id: 'sacp', displayName: 'control plane' },
        source: 'orchestrator:reconcile',
        reason: i % 3 ? null : `R${i} ${'r'.repeat(500)}`,
        commandId: null,
        causationId: i === 0 ? 'cmd-outside' : `e${i - 1}`,
        data,
      };
    });

  test('history of 500 events: the newest, within the limit asked for, in one embed that fits', () => {
    for (const limit of [1, 15, 50, 500]) {
      const r = historyReply('coder-1', history(500), limit);
      assertReplyFits(r, `history limit ${limit}`);
      const e = r.embeds![0]!;
      assert.equal(e.title, 'History of coder-1');
      const shown = e.description!.split('\n');
      assert.ok(shown.length >= 1 && shown.length <= limit, `${shown.length} lines for limit ${limit}`);
      assert.equal(e.footer!.text, `last ${shown.length} of 500 events`);
      assert.match(shown[shown.length - 1]!, /\*\*agent\.container_started\*\*/, 'the newest event is last');
      if (limit === 15) assert.equal(shown.length, 15);
    }
  });

  test('a history line names the event, what it means, who did it and why', () => {
    const e = historyReply('coder-1', history(3), 15).embeds![0]!;
    const [first, second] = e.description!.split('\n');
    assert.match(first!, /^`11-26 11:57:00Z` \*\*agent\.container_exited\*\* exit 137, OOM killed — system:control plane _\(R0 r+…\)_$/);
    // the summary is shown, not rendered: its underscore is escaped (Discord shows oom_killed)
    assert.match(second!, /\*\*agent\.restart_scheduled\*\* restart #1 in 8s \(oom\\_killed\) — discord:Alice the Operator$/);
  });

  test('event summaries cannot open a code span that swallows the rest', () => {
    const d = historyReply('coder-1', history(5), 15).embeds![0]!.description!;
    for (const line of d.split('\n')) assert.equal((line.match(/`/g) ?? []).length, 2, line);
  });

  test('no events: says so', () => {
    assert.equal(historyReply('coder-1', [], 15).content, 'coder-1 has no recorded events');
    assert.equal(whyReply('coder-1', []).content, 'coder-1 has no recorded state change');
  });

  test('why over 500 chained events: the newest causes, ending at the last state change, in one embed that fits', () => {
    const r = whyReply('coder-1', history(500));
    assertReplyFits(r, 'why');
    const e = r.embeds![0]!;
    assert.equal(e.title, 'Why coder-1 is container started');
    const steps = e.description!.split('\n');
    assert.ok(steps.length > 5 && steps.length < 500);
    assert.match(steps[steps.length - 1]!, /^↳ .*\*\*agent\.container_started\*\*: started container 4f2a9c0e1b2d — /);
    for (const s of steps) assert.equal((s.match(/`/g) ?? []).length, 2, s);
  });

  test('why: a chain whose first cause lies outside the history says so', () => {
    const r = whyReply('coder-1', history(2));
    const e = r.embeds![0]!;
    assert.equal(e.title, 'Why coder-1 is restart scheduled');
    assert.deepEqual(
      e.description!.split('\n').map((l) => l.slice(0, 2)),
      ['• ', '↳ '],
    );
    assert.equal(e.footer!.text, "the first step was caused by cmd-outside, outside this agent's history");
  });
});

describe('errorReply', () => {
  test('adds what to do next for errors that have a next step', () => {
    assert.equal(errorReply({ code: 'AGENT.NOT_FOUND', message: 'no agent named coder-9' }, '!').content, '❌ no agent named coder-9 (see `!status` for the agents there are)');
    assert.equal(errorReply({ code: 'TEMPLATE.NOT_FOUND', message: 'no template grok5' }, '/').content, '❌ no template grok5 (see `/templates`)');
    assert.match(errorReply({ code: 'AGENT.NAME_IN_USE', message: 'coder-1 is taken' }, '!').content!, /\(pick another name, or leave it out to get a generated one\)$/);
    assert.match(errorReply({ code: 'BUS.NO_RESPONDERS', message: 'nothing was done' }, '!').content!, /\(no orchestrator is answering\)$/);
    assert.match(errorReply({ code: 'BUS.UNAVAILABLE', message: 'nothing was done' }, '!').content!, /\(the control plane is unreachable right now\)$/);
  });

  test('no hint when there is none, or when the message already gives it', () => {
    assert.equal(errorReply({ code: 'DOCKER.OPERATION_FAILED', message: 'docker said no' }, '!').content, '❌ docker said no');
    assert.equal(
      errorReply({ code: 'BUS.NO_RESPONDERS', message: 'the control plane cannot be reached (no orchestrator is answering); nothing was done' }, '!').content,
      '❌ the control plane cannot be reached (no orchestrator is answering); nothing was done',
    );
  });

  test('a very long message is cut to fit a Discord message', () => {
    const c = errorReply({ code: 'AGENT.NOT_FOUND', message: 'x'.repeat(5000) }, '!').content!;
    assert.equal(c.length, 2000);
    assert.ok(c.endsWith('…'));
  });
});

describe('refusedReply', () => {
  test('names the role needed and the role held, privately', () => {
    const r = refusedReply(specOf('rm')!, 'operator');
    assert.equal(r.private, true);
    assert.equal(r.content, '⛔ removing an agent needs the **admin** role; you have **operator**. Ask an admin if you need it. (This attempt was recorded.)');
  });

  test('a member without a role is told they have none', () => {
    assert.match(refusedReply(specOf('stop')!, null).content!, /^⛔ stopping an agent needs the \*\*operator\*\* role; you have no control-plane role\./);
    assert.match(refusedReply(specOf('logs')!, null).content!, /reading logs needs the \*\*viewer\*\* role/);
  });
});
