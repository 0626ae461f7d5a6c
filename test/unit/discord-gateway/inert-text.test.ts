import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { inert, inertCode, inertLine } from '../../../apps/discord-gateway/src/text/inert';
import { alertEmbed, summaryEmbed, type AlertItem } from '../../../apps/discord-gateway/src/alerts/alert-format';
import { confirmReply, errorReply, historyReply, logsReply, templatesReply, usageReply } from '../../../apps/discord-gateway/src/bot/replies';
import { statusPage } from '../../../apps/discord-gateway/src/bot/status-replies';
import { specOf } from '../../../apps/discord-gateway/src/bot/command-specs';
import type { AgentStatusView, HistoryEntry } from '@sacp/events';
import { liveHazards } from '../../support/discord-hazards';

const ZW = '\u200b';

/** Hostile strings: each would be a link, a mention or markdown if echoed as it is. */
const HOSTILE: [string, string][] = [
  ['masked link', '[click](https://evil.example)'],
  ['masked link with spaces', '[ click ] ( https://evil.example/a?b=c )'],
  ['masked link in angle brackets', '[click](<https://evil.example>)'],
  ['masked link with a title', '[click](https://evil.example "free nitro")'],
  ['bare https link', 'see https://evil.example/login now'],
  ['bare http link', 'http://evil.example'],
  ['other scheme', 'steam://run/1 and ftp://x.example and discord://-/channels/1/2'],
  ['upper-case scheme', 'HTTPS://EVIL.EXAMPLE'],
  ['link without embed', '<https://evil.example>'],
  ['invite without a scheme', 'join discord.gg/abcdef or discord.com/invite/abcdef or discordapp.com/invite/x'],
  ['@everyone', 'hello @everyone'],
  ['@here', '@here look'],
  ['user mention', '<@123456789012345678>'],
  ['nickname mention', '<@!123456789012345678>'],
  ['role mention', '<@&123456789012345678>'],
  ['channel mention', '<#123456789012345678>'],
  ['slash command mention', '</deploy:123456789012345678>'],
  ['custom emoji and animated emoji', '<:pwn:123456789012345678> <a:pwn:123456789012345678>'],
  ['timestamp', '<t:1700000000:R>'],
  ['guild navigation', '<id:customize>'],
  ['code fence that would swallow the rest', '```\n@everyone\n```'],
  ['inline code', '`rm -rf /`'],
  ['zero-width space inside the scheme', 'ht\u200btps://evil.example'],
  ['zero-width space inside the slashes', 'https:/\u200b/evil.example'],
  ['zero-width joiner in @everyone', '@\u200deveryone'],
  ['word joiner in a mention', '<\u2060@123456789012345678>'],
  ['soft hyphen in a link', 'htt\u00adps://evil.example'],
  ['right-to-left override', '\u202eelpmaxe.live//:sptth'],
  ['BOM before a mention', '\ufeff@here'],
  ['heading', '# BIG'],
  ['subtext', '-# small print'],
  ['quote', '> quoted\n>>> all quoted'],
  ['list', '- a\n* b\n1. c'],
  ['bold, italics, strike, spoiler', '**b** *i* __u__ ~~s~~ ||spoiler||'],
  ['backslash games', '\\[click\\](https://evil.example) \\<@123456789012345678>'],
  ['carriage return and controls', 'ok\r# forged\u0000\u0007'],
];

/** What Discord shows for inert text: the escapes and inserted zero-width spaces disappear. */
const shown = (s: string) =>
  s
    .replace(new RegExp(ZW, 'g'), '')
    .replace(/\\([\\*_~|[\]#>+\-.)])/g, '$1')
    .replace(/ˋ/g, '`');

describe('inert: user text shows as written and is never a link, a mention or markdown', () => {
  for (const [what, text] of HOSTILE) {
    test(`${what}: ${JSON.stringify(text)}`, () => {
      for (const f of [inert, inertLine, inertCode]) {
        const out = f(text);
        assert.deepEqual(liveHazards(out), [], `${f.name}(${JSON.stringify(text)}) = ${JSON.stringify(out)}`);
      }
    });
  }

  // markdown-only cases, and a zero-width space Discord would not link across either (inert drops it and breaks the scheme anyway)
  test('the hazard check itself sees the links and mentions among them before escaping', () => {
    const missed = HOSTILE.filter(
      ([what, text]) => liveHazards(text).length === 0 && !/heading|subtext|quote|list|bold|inline code|carriage|right-to-left|inside the slashes/.test(what),
    );
    assert.deepEqual(missed, []);
  });

  test('markdown is escaped: what Discord shows is the text as typed', () => {
    for (const text of ['**b** *i* __u__ ~~s~~ ||spoiler||', '# BIG', '-# small', '> quote', '1. one', '[click](https://evil.example)', 'a_b_c', 'coder-1']) {
      assert.equal(shown(inert(text)), text);
    }
    assert.equal(inert('# BIG'), '\\# BIG');
    assert.equal(inert('1. one'), '1\\. one');
    assert.equal(inert('coder-1'), 'coder-1', 'a dash inside a name is left alone');
    assert.equal(inert('[click](https://evil.example)'), `\\[click\\](https${ZW}://evil.example)`);
    assert.equal(inert('@everyone'), `@${ZW}everyone`);
    assert.equal(inert('<@123>'), `<${ZW}@123>`);
  });

  test('zero-width and bidi characters are dropped before the rules, so they hide nothing', () => {
    assert.equal(inert('ht\u200btps://evil.example'), `https${ZW}://evil.example`);
    assert.equal(inert('@\u200deveryone'), `@${ZW}everyone`);
    assert.equal(inertCode('a\u202eb'), 'ab');
  });

  test('in code, backticks cannot close the block, and no backslash shows', () => {
    assert.equal(inertCode('```js\nx\n```'), 'ˋˋˋjs\nx\nˋˋˋ');
    assert.equal(inertCode('a_b *c*'), 'a_b *c*');
  });

  test('inertLine keeps one line', () => {
    assert.equal(inertLine('a\nb\r\nc'), 'a b c');
  });

  test('very long input: linear time, and output only a little longer', () => {
    const long = '[x](https://evil.example) @everyone <@1> **b** '.repeat(40_000); // ~2 MB
    const t = Date.now();
    const out = inert(long);
    assert.ok(Date.now() - t < 2000, `took ${Date.now() - t} ms`);
    assert.ok(out.length < long.length * 1.5);
    assert.deepEqual(liveHazards(out), []);
    const huge = '<'.repeat(1_000_000);
    assert.equal(inertCode(huge).length, 2_000_000);
  });
});

describe('replies and alerts built from hostile text are inert', () => {
  const evil = '[click](https://evil.example) @everyone <@&123456789012345678> ```x``` # h';
  const view = (name: string): AgentStatusView =>
    ({
      id: 'a1',
      name,
      template: { name: evil, version: 1 },
      state: { desired: 'running', observed: 'exited' },
      health: 'unknown',
      containerId: null,
      restarts: 0,
      runningSince: null,
      lastExit: null,
      restartDueAt: null,
      recoveryAbandoned: false,
      lastAlert: { state: 'open', severity: 'critical', message: evil },
      lastError: { operation: 'start', code: 'X', message: evil, at: new Date().toISOString() },
    }) as unknown as AgentStatusView;
  const all = (r: { content?: string; embeds?: { title?: string; description?: string; fields?: { name: string; value: string }[] }[] }) =>
    [r.content ?? '', ...(r.embeds ?? []).flatMap((e) => [e.title ?? '', e.description ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value])])].join('\n');
  const hostileEntry: HistoryEntry = {
    seq: 1,
    at: new Date().toISOString(),
    type: 'agent.stopped',
    data: { agentId: 'a1', name: evil },
    actor: { kind: 'discord', id: '1', displayName: evil },
    reason: evil,
  } as unknown as HistoryEntry;

  const cases: [string, () => ReturnType<typeof errorReply>][] = [
    ['an error that echoes the argument', () => errorReply({ code: 'AGENT.NOT_FOUND', message: `there is no agent or template named "${evil}"` }, '!')],
    ['a usage problem that echoes the argument', () => usageReply(`unexpected argument "${evil}"`, '!status [agent]')],
    ['a status page', () => statusPage({ views: [view(evil)], resources: null, page: 1, target: evil, title: inertLine(`Agent ${evil}`) })],
    ['a history', () => historyReply(evil, [hostileEntry], 10)],
    ['logs', () => logsReply(evil, [{ line: evil, stream: 'stdout' }])],
    ['templates', () => templatesReply([{ name: evil, description: evil, image: evil, version: 1, changedSinceRegistered: false, resources: { memory: evil } }], [], '!')],
    ['a confirmation', () => confirmReply(specOf('stop')!, evil, '1', '42')],
  ];
  for (const [what, make] of cases) {
    test(what, () => {
      const r = make();
      // the confirmation names its requester on purpose (and pings nobody: allowed_mentions)
      const text = all(r).replace('<@42>', '');
      assert.deepEqual(liveHazards(text.replace(/```\n|\n```$/g, '')), [], text);
    });
  }

  test('alert embeds: agent names, causes, messages and log lines', () => {
    const raised: AlertItem = {
      kind: 'raised',
      seq: 1,
      at: null,
      data: { key: evil, severity: 'critical', agentId: null, agentName: evil, cause: evil, message: evil, lastLogLines: [evil, evil] },
    };
    const resolved: AlertItem = { kind: 'resolved', seq: 2, at: null, data: { key: evil, agentId: null, message: evil }, agentName: evil };
    for (const e of [alertEmbed(raised), alertEmbed(resolved), summaryEmbed([raised, resolved, raised])]) {
      const text = [e.title, e.description, ...(e.fields ?? []).map((f) => f.value.replace(/^```\n|\n```$/g, ''))].join('\n');
      assert.deepEqual(liveHazards(text), [], text);
    }
  });
});
