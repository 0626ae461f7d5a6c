import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_POLICY, parseTeamConfig, parseTemplate, quotaAmounts, templateAmounts, addAmounts, NO_RESOURCES, validateTeamConfig, type TeamConfigProblem } from '@sacp/domain';
import { REPO_ROOT } from '../../support/service-process';

const base = { name: 'coding', members: [{ name: 'coder', role: 'coder', template: 'grok4' }], quota: { memory: '1g', cpus: 2, pids: 512 } };
const problems = (raw: unknown, expectedName?: string): Record<string, string> => {
  const r = validateTeamConfig('teams/coding.json', raw, expectedName);
  assert.equal(r.ok, false, 'expected the configuration to be refused');
  return Object.fromEntries((r as { problems: TeamConfigProblem[] }).problems.map((p) => [p.field, p.message]));
};

describe('team configurations', () => {
  test('the shipped coding team is valid, and its members fit its quota', () => {
    const text = readFileSync(join(REPO_ROOT, 'configs/teams/coding.json'), 'utf8');
    const r = parseTeamConfig('teams/coding.json', text, 'coding');
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    assert.deepEqual(
      r.config.members.map((m) => [m.name, m.role, m.template]),
      [
        ['manager', 'manager', 'manager'],
        ['coder', 'coder', 'grok4'],
        ['reviewer', 'reviewer', 'claude'],
      ],
    );
    assert.equal(r.config.egress, false);
    let used = NO_RESOURCES;
    for (const m of r.config.members) {
      const t = parseTemplate(`agents/${m.template}.json`, readFileSync(join(REPO_ROOT, `configs/agents/${m.template}.json`), 'utf8'), DEFAULT_POLICY);
      assert.ok(t.ok);
      used = addAmounts(used, templateAmounts(t.template));
    }
    const quota = quotaAmounts(r.config.quota);
    assert.ok(used.memory <= quota.memory && used.cpus <= quota.cpus && used.pids <= quota.pids, `${JSON.stringify(used)} within ${JSON.stringify(quota)}`);
  });

  test('the hash is of the content: key order and defaults spelled out do not make a new version', () => {
    const a = validateTeamConfig('x', base);
    const b = validateTeamConfig('x', { quota: { pids: 512, cpus: 2, memory: '1g' }, egress: false, description: '', logRetention: null, members: base.members, name: 'coding' });
    const c = validateTeamConfig('x', { ...base, egress: true });
    assert.ok(a.ok && b.ok && c.ok);
    assert.equal(a.hash, b.hash);
    assert.notEqual(a.hash, c.hash);
    assert.match(a.hash, /^sha256:[0-9a-f]{64}$/);
  });

  test('every problem names its field', () => {
    const p = problems({
      name: 'Coding!',
      members: [
        { name: 'coder', role: 'coder', template: 'grok4', extra: 1 },
        { name: 'x', role: 'Boss', template: '../etc' },
      ],
      quota: { memory: 'lots', cpus: 0, pids: 1 },
      egres: true,
    });
    assert.match(p['name']!, /team names are/);
    assert.match(p['members.0.extra']!, /unknown field "extra"/);
    assert.match(p['members.1.role']!, /roles are/);
    assert.match(p['members.1.template']!, /template names/);
    assert.match(p['quota.memory']!, /size like/);
    assert.ok(p['quota.cpus']);
    assert.ok(p['quota.pids']);
    assert.match(p['egres']!, /unknown field "egres": a team configuration has only name, description, members, quota, egress, logRetention/);
  });

  test('a quota is required, member names are unique, and a file is named after its team', () => {
    assert.match(problems({ name: 'coding' })['quota']!, /expected object|required/i);
    const dup = problems({ ...base, members: [...base.members, { name: 'coder', role: 'coder', template: 'claude' }] });
    assert.match(dup['members.1.name']!, /named twice/);
    assert.match(problems(base, 'other')['name']!, /its file is other.json/);
  });

  test('sizes are bounded: at most 50 members, 500 characters of description', () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ name: `m${i}`, role: 'coder', template: 'grok4' }));
    assert.match(problems({ ...base, members: many })['members']!, /at most 50 members/);
    assert.ok(problems({ ...base, description: 'x'.repeat(501) })['description']);
    assert.match(problems({ ...base, description: 'x'.repeat(80_000) })['(root)'] ?? problems({ ...base, description: 'x'.repeat(80_000) })['description']!, /bytes|500/);
  });

  test('a file that is not JSON is one problem on the file', () => {
    const r = parseTeamConfig('teams/coding.json', '{ nope');
    assert.equal(r.ok, false);
    assert.equal((r as { problems: TeamConfigProblem[] }).problems[0]!.field, '(file)');
  });
});
