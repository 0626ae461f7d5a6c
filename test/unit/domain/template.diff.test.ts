import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { DEFAULT_POLICY, jsonDiff, templateHash, validateTemplate, type TemplateFieldProblem } from '@sacp/domain';

describe('jsonDiff: what changed between two versions, by JSON Pointer', () => {
  test('equal documents have no changes; key order does not matter', () => {
    assert.deepEqual(jsonDiff({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }), []);
  });

  test('changed, added and removed fields at any depth, sorted by key', () => {
    const before = { name: 'grok4', image: 'sim:1', resources: { memory: '512m', cpus: 1 }, env: { A: '1', B: '2' } };
    const after = { name: 'grok4', image: 'sim:2', resources: { memory: '1g', cpus: 1 }, env: { A: '1', C: { secretRef: 'k' } } };
    assert.deepEqual(jsonDiff(before, after), [
      { path: '/env/B', kind: 'removed', before: '2' },
      { path: '/env/C', kind: 'added', after: { secretRef: 'k' } },
      { path: '/image', kind: 'changed', before: 'sim:1', after: 'sim:2' },
      { path: '/resources/memory', kind: 'changed', before: '512m', after: '1g' },
    ]);
  });

  test('arrays index by index: a longer one adds at the end, a shorter one removes', () => {
    assert.deepEqual(jsonDiff({ command: ['a', 'b'] }, { command: ['a', 'c', 'd'] }), [
      { path: '/command/1', kind: 'changed', before: 'b', after: 'c' },
      { path: '/command/2', kind: 'added', after: 'd' },
    ]);
    assert.deepEqual(jsonDiff([1, 2], [1]), [{ path: '/1', kind: 'removed', before: 2 }]);
  });

  test('a value that changes type is one change; "/" and "~" in keys are escaped', () => {
    assert.deepEqual(jsonDiff({ x: [1] }, { x: { 0: 1 } }), [{ path: '/x', kind: 'changed', before: [1], after: { 0: 1 } }]);
    assert.deepEqual(jsonDiff({ 'a/b~c': 1 }, { 'a/b~c': 2 }), [{ path: '/a~1b~0c', kind: 'changed', before: 1, after: 2 }]);
    assert.deepEqual(jsonDiff(1, 2), [{ path: '', kind: 'changed', before: 1, after: 2 }]);
  });

  test('bounded: at most `max` changes', () => {
    const a = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    assert.equal(jsonDiff(a, {}, 10).length, 10);
  });
});

describe('validateTemplate: a posted template, checked as its own file would be', () => {
  const problems = (raw: unknown): TemplateFieldProblem[] => {
    const r = validateTemplate(raw);
    assert.equal(r.ok, false, 'expected the template to be refused');
    return (r as { problems: TemplateFieldProblem[] }).problems;
  };

  test('a valid template comes back with its defaults and its hash', () => {
    const r = validateTemplate({ name: 'coder', image: 'sacp/sim-agent:latest' });
    assert.ok(r.ok);
    assert.equal(r.template.name, 'coder');
    assert.equal(r.hash, templateHash(r.template));
  });

  test('every problem names its field', () => {
    const p = problems({ name: 'Bad Name', image: 'x', resources: { memory: 'lots' }, colour: 'red' });
    const fields = p.map((x) => x.field).sort();
    assert.deepEqual(fields, ['colour', 'name', 'resources.memory']);
    assert.ok(p.every((x) => x.kind === 'invalid' && x.message.length > 0));
    assert.ok(!p.some((x) => 'file' in x), 'no file: the template was posted');
  });

  test('the container policy applies: privileged and host network are refused as policy', () => {
    const p = problems({ name: 'coder', image: 'x', network: 'host', security: { privileged: true } });
    assert.deepEqual(p.map((x) => [x.field, x.kind]).sort(), [
      ['network', 'policy'],
      ['security.privileged', 'policy'],
    ]);
  });

  test('not an object, or nothing at all: one problem at the root', () => {
    for (const raw of [null, 'text', 42, [1], undefined]) {
      const p = problems(raw);
      assert.ok(p.length >= 1 && p[0]!.field === '(root)', JSON.stringify(p));
    }
  });

  test('a stricter or looser policy can be given', () => {
    assert.ok(validateTemplate({ name: 'coder', image: 'x', resources: { memory: '2g' } }, { ...DEFAULT_POLICY, maxMemoryBytes: 1024 ** 3 }).ok === false);
  });
});
