import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_POLICY, buildContainerSpec, MissingSecretError, checkContainerPolicy, parseTemplate, type TemplateProblem, templateHash } from '@sacp/domain';
import { REPO_ROOT } from '../../support/service-process';

const base = { name: 'hostile', image: 'sacp/sim-agent:latest' };
const parse = (obj: unknown, file = 'agents/hostile.json') => parseTemplate(file, JSON.stringify(obj), DEFAULT_POLICY);
const problems = (obj: unknown) => {
  const r = parse(obj);
  assert.equal(r.ok, false, 'expected the template to be refused');
  return (r as { problems: TemplateProblem[] }).problems;
};

describe('agent templates', () => {
  test('the shipped templates grok4, claude and manager are valid', () => {
    const dir = join(REPO_ROOT, 'configs/agents');
    // Array.from: an array of this file's realm; jest runs each test file in its own VM context, fs
    // returns Node's arrays, and deepEqual compares prototypes
    const names = Array.from(readdirSync(dir))
      .filter((f) => f.endsWith('.json'))
      .sort();
    assert.deepEqual(names, ['claude.json', 'grok4.json', 'manager.json']);
    for (const f of names) {
      const r = parseTemplate(`agents/${f}`, readFileSync(join(dir, f), 'utf8'), DEFAULT_POLICY);
      assert.ok(r.ok, `${f}: ${JSON.stringify(!r.ok && r.problems)}`);
    }
  });

  test('a hostile template is refused with a reason for each of privileged, host network, host path and SYS_ADMIN', () => {
    const p = problems({
      ...base,
      network: 'host',
      volumes: [{ hostPath: '/etc', target: '/host-etc' }],
      security: { privileged: true, capAdd: ['SYS_ADMIN'] },
    });
    const byField = Object.fromEntries(p.map((x) => [x.field, x.message]));
    assert.match(byField['security.privileged']!, /privileged containers are refused/);
    assert.match(byField['security.capAdd.0']!, /capability SYS_ADMIN is refused/);
    assert.match(byField['network']!, /network "host" is refused/);
    assert.match(byField['volumes.0.hostPath']!, /host path \/etc may not be mounted/);
    assert.ok(p.every((x) => x.file === 'agents/hostile.json' && x.kind === 'policy'));
  });

  test('a host path is allowed only below a path the admin allows', () => {
    const policy = { ...DEFAULT_POLICY, allowedHostPaths: ['/srv/shared'] };
    const t = (hostPath: string) => parseTemplate('agents/hostile.json', JSON.stringify({ ...base, volumes: [{ hostPath, target: '/data' }] }), policy).ok;
    assert.equal(t('/srv/shared/models'), true);
    assert.equal(t('/srv/shared-not'), false);
    assert.equal(t('/srv/shared/../../etc'), false);
  });

  test('errors name the file, the field and the problem', () => {
    assert.deepEqual(problems({ ...base, resources: { memory: 'lots', cpus: 0.5 } }), [
      { file: 'agents/hostile.json', field: 'resources.memory', message: 'expected a size like "256m" or "1g"', kind: 'invalid' },
    ]);
    const [unknown] = problems({ ...base, imagee: 'x' });
    assert.equal(unknown!.field, 'imagee');
    assert.match(unknown!.message, /unknown field "imagee": a template has only name, description, image/);
    assert.match(parseTemplateText('{ not json').problems[0]!.message, /not valid JSON/);
    assert.match(problems({ ...base, name: 'other' })[0]!.message, /named "other" but its file is hostile.json/);
    assert.match(problems({ ...base, env: { KEY: 42 } })[0]!.message, /secretRef/);
  });

  test('the container spec always carries limits, drops capabilities and refuses no-new-privileges off', () => {
    const r = parse({ ...base, resources: { memory: '128m', cpus: 0.5, pids: 64 } });
    assert.ok(r.ok);
    const spec = buildContainerSpec(
      { agentId: '01a21741-34fc-762b-81eb-f9f75a327123', name: 'a', generation: 1, template: { name: 'hostile', version: 1, hash: 'h' } },
      r.template,
      { instance: 'i', store: 's', secrets: {} },
    );
    assert.deepEqual(spec.resources, { memoryBytes: 128 * 1024 * 1024, nanoCpus: 500_000_000, pidsLimit: 64 });
    assert.deepEqual(spec.security.capDrop, ['ALL']);
    assert.equal(spec.security.noNewPrivileges, true);
    assert.deepEqual(checkContainerPolicy(spec, DEFAULT_POLICY), []);
    assert.deepEqual(
      checkContainerPolicy({ ...spec, security: { ...spec.security, noNewPrivileges: false } }, DEFAULT_POLICY).map((v) => v.field),
      ['security.noNewPrivileges'],
    );
  });

  test('secrets are resolved into the environment only, never into labels, and a missing one says how to add it', () => {
    const r = parse({ ...base, env: { API_KEY: { secretRef: 'k' } } });
    assert.ok(r.ok);
    const agent = { agentId: '01a21741-34fc-762b-81eb-f9f75a327123', name: 'a', generation: 1, template: { name: 'hostile', version: 1, hash: 'h' } };
    const spec = buildContainerSpec(agent, r.template, { instance: 'i', store: 's', secrets: { k: 'sk-live-123' } });
    assert.equal(spec.env.API_KEY, 'sk-live-123');
    assert.ok(!JSON.stringify(spec.labels).includes('sk-live-123'));
    assert.throws(
      () => buildContainerSpec(agent, r.template, { instance: 'i', store: 's', secrets: {} }),
      (e: unknown) => e instanceof MissingSecretError && /sacp secret set k/.test(e.message),
    );
  });

  test('formatting does not change a template version; content does', () => {
    const a = parse(base);
    const b = parseTemplate('agents/hostile.json', JSON.stringify(base, null, 4), DEFAULT_POLICY);
    const c = parse({ ...base, description: 'changed' });
    assert.ok(a.ok && b.ok && c.ok);
    assert.equal(templateHash(a.template), templateHash(b.template));
    assert.notEqual(templateHash(a.template), templateHash(c.template));
  });
});

function parseTemplateText(text: string) {
  return parseTemplate('agents/hostile.json', text, DEFAULT_POLICY) as { ok: false; problems: { message: string }[] };
}
