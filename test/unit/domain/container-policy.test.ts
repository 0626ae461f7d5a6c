import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  checkContainerPolicy,
  checkHostPath,
  checkTemplatePolicy,
  DEFAULT_POLICY,
  type ContainerPolicy,
  type HostPathResolver,
  buildContainerSpec,
  TemplateSchema,
} from '@sacp/domain';

/** Pure checks: the host is a table, so a symlink is just an entry that resolves elsewhere. */
const host: Record<string, { realPath: string | null; socket?: boolean; error?: string }> = {
  '/srv/shared/models': { realPath: '/srv/shared/models' },
  '/srv/shared/link-to-root': { realPath: '/' },
  '/srv/shared/link-to-models': { realPath: '/srv/shared/models' },
  '/srv/shared/link-to-docker': { realPath: '/run/docker.sock', socket: true },
  '/srv/shared/app.sock': { realPath: '/srv/shared/app.sock', socket: true },
  '/srv/shared/gone': { realPath: null, error: 'no such file or directory' },
  '/run': { realPath: '/run' },
};
const resolve: HostPathResolver = (p) => host[p] ?? { realPath: p };
const policy: ContainerPolicy = { ...DEFAULT_POLICY, allowedHostPaths: ['/srv/shared'], maxMemoryBytes: 2 * 1024 ** 3, maxCpus: 2, maxPids: 1000 };
const template = (x: Record<string, unknown> = {}) => TemplateSchema.parse({ name: 't', image: 'i', security: { user: '1000' }, ...x });
const fields = (x: Record<string, unknown>, p = policy) => checkTemplatePolicy(template(x), p, resolve).map((v) => v.field);
const agent = { agentId: '01a21741-34fc-762b-81eb-f9f75a327123', name: 'a', generation: 1, template: { name: 't', version: 1, hash: 'h' } };

describe('container policy (pure)', () => {
  test('a plain template is accepted', () => assert.deepEqual(fields({}), []));

  test('root: uid 0, "root", gid 0 and names refused; numeric non-root accepted; allowed per template only', () => {
    for (const user of ['0', 'root', '0:0', '0:1000', '1000:0', '1000:root', 'root:root', 'agent', '1000:staff', '1:2:3'])
      assert.deepEqual(fields({ security: { user } }), ['security.user'], user);
    for (const user of ['1', '1000', '1000:1000', '65534:65534']) assert.deepEqual(fields({ security: { user } }), [], user);
    assert.deepEqual(fields({ security: { user: '0' } }, { ...policy, allowRootTemplates: ['t'] }), []);
    assert.deepEqual(fields({ security: { user: '0' } }, { ...policy, allowRootTemplates: ['other'] }), ['security.user']);
  });

  test("no user: the image's USER decides, checked where the image is known", () => {
    const spec = buildContainerSpec(agent, template({ security: {} }), { instance: 'i', store: 's', secrets: {} });
    assert.equal(spec.security.user, undefined);
    const check = (imageUser?: string, p = policy) => checkContainerPolicy(spec, p, { imageUser }).map((v) => v.message);
    assert.deepEqual(check(undefined), [], 'unknown image: left to Docker');
    assert.match(check('')[0]!, /security\.user is not set and the image runs as root \(it sets no USER\)/);
    assert.match(check('root')[0]!, /the image's USER is "root": user "root" is root/);
    assert.match(check('node')[0]!, /the image's USER is "node": .*not a numeric uid/);
    assert.deepEqual(check('1000:1000'), []);
    assert.deepEqual(check('', { ...policy, allowRootTemplates: ['t'] }), []);
  });

  test('capabilities: the short list only, by name with or without CAP_', () => {
    assert.deepEqual(fields({ security: { user: '1000', capAdd: ['NET_BIND_SERVICE', 'CAP_CHOWN'] } }), []);
    assert.deepEqual(fields({ security: { user: '1000', capAdd: ['CHOWN', 'SETUID', 'SETGID', 'DAC_OVERRIDE'] } }), [
      'security.capAdd.1',
      'security.capAdd.2',
      'security.capAdd.3',
    ]);
    assert.deepEqual(fields({ security: { user: '1000', capAdd: ['SYS_PTRACE'] } }, { ...policy, allowedCapabilities: ['SYS_PTRACE'] }), []);
    assert.deepEqual(fields({ security: { user: '1000', capAdd: ['ALL'] } }, { ...policy, allowedCapabilities: ['ALL'] }), ['security.capAdd.0'], 'ALL never');
  });

  test('host ports: 0 or in the range, never below 1024 nor reserved, even with a wide range', () => {
    const ports = (host: number, p = policy) => fields({ ports: [{ container: 80, host }] }, p);
    assert.deepEqual(ports(0), []);
    assert.deepEqual(ports(20000), []);
    assert.deepEqual(ports(29999), []);
    for (const bad of [22, 80, 443, 1023, 3101, 4222, 5432, 8222, 19999, 30000]) assert.deepEqual(ports(bad), ['ports.0.host'], String(bad));
    const wide = { ...policy, hostPorts: { min: 1, max: 65535 } };
    assert.deepEqual(ports(22, wide), ['ports.0.host']);
    assert.deepEqual(ports(5432, wide), ['ports.0.host']);
    assert.deepEqual(ports(8080, wide), []);
  });

  test('host paths: the resolved path is checked, not the written one', () => {
    const check = (p: string) => checkHostPath(p, resolve(p), policy, 'f').map((v) => v.message);
    assert.deepEqual(check('/srv/shared/models'), []);
    assert.deepEqual(check('/srv/shared/link-to-models'), []);
    assert.match(check('/srv/shared/link-to-root')[0]!, /host's root directory \(it resolves to \/, symlinks followed\)/);
    assert.match(check('/srv/shared/link-to-docker')[0]!, /is the container runtime's socket \/run\/docker\.sock \(it resolves to \/run\/docker\.sock/);
    assert.match(check('/srv/shared/app.sock')[0]!, /it is a Unix socket/);
    assert.match(check('/srv/shared/gone')[0]!, /cannot be resolved \(no such file or directory\)/);
    assert.match(check('/srv/shared/../../etc')[0]!, /contains "\.\."/);
    assert.match(check('/srv/shared-not')[0]!, /not below a path the admin allows \(\/srv\/shared; SACP_ALLOWED_HOST_PATHS\)/);
    assert.match(checkHostPath('/run', resolve('/run'), { ...policy, allowedHostPaths: ['/'] }, 'f')[0]!.message, /it holds the container runtime's socket/);
  });

  test('limits past the maximum are refused with both numbers', () => {
    const v = checkTemplatePolicy(template({ resources: { memory: '4g', cpus: 3, pids: 2000 } }), policy);
    assert.deepEqual(
      v.map((x) => [x.field, x.message.replace(/ \(the .*|; the .*/, '')]),
      [
        ['resources.memory', 'memory 4 GiB (4294967296 bytes) exceeds the maximum 2 GiB (2147483648 bytes'],
        ['resources.cpus', '3 CPUs exceeds the maximum 2'],
        ['resources.pids', 'pids limit 2000 exceeds the maximum 1000 (SACP_MAX_PIDS)'],
      ],
    );
  });

  test('the last check refuses a spec that got past the template check: root, capabilities, ports, mounts', () => {
    const spec = buildContainerSpec(agent, template(), { instance: 'i', store: 's', secrets: {} });
    assert.deepEqual(checkContainerPolicy(spec, policy), []);
    const bad = {
      ...spec,
      security: { ...spec.security, user: '0', capAdd: ['SYS_ADMIN'] },
      ports: [{ containerPort: 22, hostPort: 22, protocol: 'tcp' as const }],
      mounts: [{ type: 'bind' as const, source: '/srv/shared/link-to-root', target: '/h', readOnly: true }],
    };
    assert.deepEqual(
      checkContainerPolicy(bad, policy, { resolve }).map((v) => v.field),
      ['security.user', 'security.capAdd.0', 'ports.0.hostPort', 'mounts.0.source'],
    );
  });
});
