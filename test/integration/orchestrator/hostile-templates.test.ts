import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, type TemplateProblem } from '@sacp/domain';
import { loadConfig } from '../../../apps/orchestrator/src/config';
import { containerPolicyFromConfig } from '../../../apps/orchestrator/src/templates/container-policy.config';
import { TemplateCatalog } from '../../../apps/orchestrator/src/templates/template-catalog';
import { REPO_ROOT } from '../../support/service-process';

/**
 * Every template here is refused by the orchestrator's own template catalog, with the
 * policy it builds from its configuration, host paths resolved on this machine's real
 * file system (symlinks created in a temporary directory). Each case names the field
 * and words of the reason an operator reads.
 */
const GIB = 1024 ** 3;
const HOST = { memoryBytes: 8 * GIB, cpus: 4 };

let dir: string;
let allowed: string;
let socketServer: Server;
let catalog: TemplateCatalog;
let rootCatalog: TemplateCatalog;

const base = { image: 'sacp/sim-agent:latest', resources: { memory: '64m', cpus: 0.25, pids: 64 }, security: { user: '1000' } };

type Case = { name: string; template: Record<string, unknown>; field: string; reason: RegExp };

const sec = (security: Record<string, unknown>) => ({ security: { user: '1000', ...security } });
const mount = (hostPath: () => string) => () => ({ volumes: [{ hostPath: hostPath(), target: '/data' }] });
const port = (host: number) => ({ ports: [{ container: 8080, host }] });

const cases: Array<Omit<Case, 'template'> & { template: Record<string, unknown> | (() => Record<string, unknown>) }> = [
  // root
  { name: 'uid 0', template: sec({ user: '0' }), field: 'security.user', reason: /user "0" is root.*SACP_ALLOW_ROOT_TEMPLATES/ },
  { name: 'user root', template: sec({ user: 'root' }), field: 'security.user', reason: /user "root" is root/ },
  { name: 'uid 0 with gid 0', template: sec({ user: '0:0' }), field: 'security.user', reason: /user "0:0" is root/ },
  { name: 'uid 000', template: sec({ user: '000' }), field: 'security.user', reason: /user "000" is root/ },
  { name: 'non-root uid in group 0', template: sec({ user: '1000:0' }), field: 'security.user', reason: /has group 0 \(root\)/ },
  { name: 'a user name the image may map to root', template: sec({ user: 'toor' }), field: 'security.user', reason: /not a numeric uid\[:gid\].*may be root/ },
  // privileged and every dangerous capability
  { name: 'privileged', template: sec({ privileged: true }), field: 'security.privileged', reason: /privileged containers are refused/ },
  ...['DAC_OVERRIDE', 'SETUID', 'SETGID', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'NET_RAW', 'MKNOD', 'BPF', 'FOWNER', 'SETPCAP'].map(
    (cap) => ({
      name: `capAdd ${cap}`,
      template: sec({ capAdd: [cap] }),
      field: 'security.capAdd.0',
      reason: new RegExp(`capability ${cap} is refused \\(it .+\\): only NET_BIND_SERVICE, CHOWN may be added`),
    }),
  ),
  { name: 'capAdd CAP_SYS_ADMIN spelled with its prefix', template: sec({ capAdd: ['CAP_SYS_ADMIN'] }), field: 'security.capAdd.0', reason: /capability SYS_ADMIN is refused/ },
  { name: 'capAdd ALL', template: sec({ capAdd: ['ALL'] }), field: 'security.capAdd.0', reason: /capability ALL is refused: it is a privileged container by another name/ },
  {
    name: 'capAdd of no such capability',
    template: sec({ capAdd: ['NET_BIND_SERVICE', 'SUPERPOWERS'] }),
    field: 'security.capAdd.1',
    reason: /SUPERPOWERS is not a Linux capability/,
  },
  // ports
  { name: 'host port 22', template: port(22), field: 'ports.0.host', reason: /host port 22 is refused: ports below 1024/ },
  { name: 'host port 80', template: port(80), field: 'ports.0.host', reason: /host port 80 is refused: ports below 1024/ },
  { name: 'host port 5432 (Postgres)', template: port(5432), field: 'ports.0.host', reason: /host port 5432 is refused: it is one of the control plane's own ports/ },
  { name: 'host port 4222 (NATS)', template: port(4222), field: 'ports.0.host', reason: /host port 4222 is refused: it is one of the control plane's own ports/ },
  { name: 'host port 8222 (NATS monitoring)', template: port(8222), field: 'ports.0.host', reason: /control plane's own ports/ },
  { name: 'host port 3101 (orchestrator health)', template: port(3101), field: 'ports.0.host', reason: /control plane's own ports/ },
  { name: 'host port 9999 outside the range', template: port(9999), field: 'ports.0.host', reason: /outside the range agents may publish, 20000-29999 \(SACP_HOST_PORT_RANGE\)/ },
  {
    name: 'the same host port twice',
    template: {
      ports: [
        { container: 1, host: 20001 },
        { container: 2, host: 20001 },
      ],
    },
    field: 'ports.1.host',
    reason: /published twice/,
  },
  // host paths
  { name: '/etc', template: mount(() => '/etc'), field: 'volumes.0.hostPath', reason: /host path \/etc may not be mounted: it is not below a path the admin allows/ },
  { name: '/', template: mount(() => '/'), field: 'volumes.0.hostPath', reason: /it is the host's root directory/ },
  { name: '".." out of an allowed path', template: mount(() => `${allowed}/../../etc`), field: 'volumes.0.hostPath', reason: /it contains "\.\."/ },
  {
    name: 'a symlink under an allowed path to /',
    template: mount(() => `${allowed}/to-root`),
    field: 'volumes.0.hostPath',
    reason: /it is the host's root directory \(it resolves to \/, symlinks followed\)/,
  },
  {
    name: 'a symlink under an allowed path to /etc',
    template: mount(() => `${allowed}/to-etc`),
    field: 'volumes.0.hostPath',
    reason: /it resolves to \/etc \(symlinks followed\), which is not below a path the admin allows/,
  },
  {
    name: 'a path through a symlinked directory',
    template: mount(() => `${allowed}/to-etc/ssl`),
    field: 'volumes.0.hostPath',
    reason: /resolves to \/etc\/ssl .*not below a path the admin allows/,
  },
  {
    name: 'a symlink chain to /',
    template: mount(() => `${allowed}/chain`),
    field: 'volumes.0.hostPath',
    reason: /host's root directory \(it resolves to \/, symlinks followed\)/,
  },
  { name: 'a symlink loop', template: mount(() => `${allowed}/loop`), field: 'volumes.0.hostPath', reason: /cannot be resolved \(a symlink loop\)/ },
  {
    name: 'a path that does not exist',
    template: mount(() => `${allowed}/nothing-here`),
    field: 'volumes.0.hostPath',
    reason: /cannot be resolved \(no such file or directory\); a host path must exist/,
  },
  {
    name: 'the Docker socket',
    template: mount(() => '/var/run/docker.sock'),
    field: 'volumes.0.hostPath',
    reason: /it is the container runtime's socket \/var\/run\/docker\.sock, which would hand the host to the agent/,
  },
  {
    name: 'the containerd socket, whether or not it exists here',
    template: mount(() => '/run/containerd/containerd.sock'),
    field: 'volumes.0.hostPath',
    reason: /it is the container runtime's socket \/run\/containerd\/containerd\.sock/,
  },
  { name: 'the Docker socket at /run', template: mount(() => '/run/docker.sock'), field: 'volumes.0.hostPath', reason: /it is the container runtime's socket \/run\/docker\.sock/ },
  { name: 'the directory holding the Docker socket', template: mount(() => '/var/run'), field: 'volumes.0.hostPath', reason: /it holds the container runtime's socket/ },
  {
    name: 'a symlink under an allowed path to the Docker socket',
    template: mount(() => `${allowed}/docker.sock`),
    field: 'volumes.0.hostPath',
    reason: /resolves to .*docker\.sock, symlinks followed|container runtime's socket/,
  },
  {
    name: 'a Unix socket under an allowed path',
    template: mount(() => `${allowed}/agent.sock`),
    field: 'volumes.0.hostPath',
    reason: /it is a Unix socket; sockets of the host are never mounted/,
  },
  // networks and namespaces
  { name: 'host network', template: { network: 'host' }, field: 'network', reason: /network "host" is refused/ },
  { name: "another container's network", template: { network: 'container:sacp-orchestrator' }, field: 'network', reason: /network "container:sacp-orchestrator" is refused/ },
  { name: 'a network the admin did not allow', template: { network: 'db-internal' }, field: 'network', reason: /not in the admin's allowed networks/ },
  { name: 'network_mode host', template: { network_mode: 'host' }, field: 'network_mode', reason: /network_mode is refused: use "network"/ },
  { name: 'pid host', template: { pid: 'host' }, field: 'pid', reason: /pid is refused: sharing the host's .*process namespace/ },
  { name: 'ipc host', template: { ipcMode: 'host' }, field: 'ipcMode', reason: /ipcMode is refused: sharing the host's .*IPC namespace/ },
  { name: 'uts host', template: { uts: 'host' }, field: 'uts', reason: /uts is refused: sharing the host's UTS namespace/ },
  { name: 'userns host', template: { userns_mode: 'host' }, field: 'userns_mode', reason: /userns_mode is refused: the host's user namespace/ },
  { name: 'cgroupns host', template: { cgroupns: 'host' }, field: 'cgroupns', reason: /cgroup namespace/ },
  // devices, sysctls, security options and other escape hatches
  { name: 'devices', template: { devices: ['/dev/sda:/dev/sda'] }, field: 'devices', reason: /devices is refused: host devices are never given to agents/ },
  { name: 'GPU device requests', template: { deviceRequests: [{ count: -1 }] }, field: 'deviceRequests', reason: /host devices \(GPUs included\)/ },
  { name: 'sysctls', template: { sysctls: { 'kernel.core_pattern': '|/tmp/x' } }, field: 'sysctls', reason: /sysctls is refused: kernel parameters/ },
  {
    name: 'seccomp unconfined',
    template: sec({ securityOpt: ['seccomp=unconfined'] }),
    field: 'security.securityOpt',
    reason: /securityOpt is refused: security options stay Docker's defaults/,
  },
  {
    name: 'apparmor unconfined (top level, snake case)',
    template: { security_opt: ['apparmor=unconfined'] },
    field: 'security_opt',
    reason: /security_opt is refused: .*never unconfined/,
  },
  { name: 'seccomp profile in security', template: sec({ seccomp: 'unconfined' }), field: 'security.seccomp', reason: /seccomp profile stays Docker's default/ },
  { name: 'no-new-privileges off', template: sec({ noNewPrivileges: false }), field: 'security.noNewPrivileges', reason: /no-new-privileges is always on/ },
  { name: 'extra groups', template: { group_add: ['docker'] }, field: 'group_add', reason: /supplementary groups/ },
  { name: 'privileged at the top level', template: { privileged: true }, field: 'privileged', reason: /privileged containers are refused/ },
  { name: 'cap_add at the top level', template: { cap_add: ['SYS_ADMIN'] }, field: 'cap_add', reason: /capabilities go in security.capAdd/ },
  { name: 'raw binds', template: { binds: ['/:/host'] }, field: 'binds', reason: /host paths go in volumes\[\]\.hostPath/ },
  { name: 'volumes_from', template: { volumes_from: ['sacp-postgres'] }, field: 'volumes_from', reason: /other containers' volumes are refused/ },
  {
    name: 'shared mount propagation',
    template: () => ({ volumes: [{ hostPath: join(allowed, 'models'), target: '/m', propagation: 'rshared' }] }),
    field: 'volumes.0.propagation',
    reason: /mount propagation stays private/,
  },
  {
    name: 'a port published on every interface',
    template: { ports: [{ container: 8080, host: 20080, hostIp: '0.0.0.0' }] },
    field: 'ports.0.hostIp',
    reason: /published on 127\.0\.0\.1 only/,
  },
  { name: 'another runtime', template: { runtime: 'runc-unsafe' }, field: 'runtime', reason: /container runtime is not chosen/ },
  {
    name: 'OOM killer off',
    template: { resources: { memory: '64m', cpus: 0.25, pids: 64, oomKillDisable: true } },
    field: 'resources.oomKillDisable',
    reason: /OOM killer always applies/,
  },
  {
    name: 'an unknown field',
    template: { entrypointOverride: ['sh'] },
    field: 'entrypointOverride',
    reason: /unknown field "entrypointOverride": a template has only name, description, image/,
  },
  { name: 'an unknown security field', template: sec({ rootless: false }), field: 'security.rootless', reason: /unknown field "rootless"/ },
  // limits
  {
    name: 'memory past the host',
    template: { resources: { memory: '64g', cpus: 1, pids: 64 } },
    field: 'resources.memory',
    reason: /memory 64 GiB \(68719476736 bytes\) exceeds the maximum 8 GiB \(8589934592 bytes/,
  },
  { name: 'CPUs past the host', template: { resources: { memory: '64m', cpus: 32, pids: 64 } }, field: 'resources.cpus', reason: /32 CPUs exceeds the maximum 4/ },
  {
    name: 'pids past the policy',
    template: { resources: { memory: '64m', cpus: 1, pids: 20000 } },
    field: 'resources.pids',
    reason: /pids limit 20000 exceeds the maximum 4096 \(SACP_MAX_PIDS\)/,
  },
  { name: 'pids past any host', template: { resources: { memory: '64m', cpus: 1, pids: 1_000_000 } }, field: 'resources.pids', reason: /less than or equal to 32768|<=32768/ },
];

function writeTemplate(agents: string, name: string, body: Record<string, unknown>) {
  writeFileSync(join(agents, `${name}.json`), JSON.stringify({ name, ...base, ...body }));
}

const problemsOf = (c: TemplateCatalog, name: string): TemplateProblem[] => {
  try {
    c.readOne(name);
  } catch (err) {
    assert.ok(err instanceof DomainError, String(err));
    return (err.details as { problems: TemplateProblem[] }).problems;
  }
  return [];
};

/** A credential file for the orchestrator's configuration; nothing here connects to the bus. */
function credentialFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sacp-cred-')), 'orchestrator.json');
  writeFileSync(file, JSON.stringify({ user: 'orchestrator', password: 'unused' }), { mode: 0o600 });
  return file;
}

function catalogFor(configDir: string, env: Record<string, string> = {}): TemplateCatalog {
  const config = loadConfig({
    DATABASE_URL: 'postgres://sacp@127.0.0.1:5432/sacp',
    NATS_URL: 'nats://127.0.0.1:4222',
    NATS_CREDENTIALS_FILE: credentialFile(),
    SACP_CONFIG_DIR: configDir,
    SACP_ALLOWED_HOST_PATHS: allowed,
    SACP_MAX_PIDS: '4096',
    ...env,
  });
  return new TemplateCatalog(configDir, containerPolicyFromConfig(config, HOST), null as never);
}

describe('hostile templates are refused by the orchestrator, each with its field and reason', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sacp-hostile-'));
    allowed = join(dir, 'allowed');
    mkdirSync(join(allowed, 'models'), { recursive: true });
    symlinkSync('/', join(allowed, 'to-root'));
    symlinkSync('/etc', join(allowed, 'to-etc'));
    symlinkSync(join(allowed, 'to-root'), join(allowed, 'chain'));
    symlinkSync(join(allowed, 'loop'), join(allowed, 'loop'));
    symlinkSync('/var/run/docker.sock', join(allowed, 'docker.sock'));
    socketServer = createServer();
    await new Promise<void>((ok) => socketServer.listen(join(allowed, 'agent.sock'), ok));
    mkdirSync(join(dir, 'configs/agents'), { recursive: true });
    catalog = catalogFor(join(dir, 'configs'));
  });
  afterAll(async () => {
    await new Promise((ok) => socketServer.close(ok));
    rmSync(dir, { recursive: true, force: true });
  });

  test(`at least 30 variants (${cases.length})`, () => assert.ok(cases.length >= 30));

  for (const [i, c] of cases.entries()) {
    test(c.name, () => {
      const name = `hostile-${i}`;
      writeTemplate(join(dir, 'configs/agents'), name, typeof c.template === 'function' ? c.template() : c.template);
      const problems = problemsOf(catalog, name);
      const hit = problems.find((p) => p.field === c.field);
      assert.ok(hit, `expected a problem on ${c.field}, got ${JSON.stringify(problems)}`);
      assert.match(hit.message, c.reason);
      assert.equal(hit.file, `agents/${name}.json`);
    });
  }

  test('the legitimate templates are accepted: the shipped ones and every valid test fixture', () => {
    for (const configDir of [join(REPO_ROOT, 'configs'), join(REPO_ROOT, 'test/fixtures/configs')]) {
      const c = catalogFor(configDir, { SACP_ALLOWED_NETWORKS: 'sacp-agents' });
      const names = readdirSync(join(configDir, 'agents'))
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -5));
      for (const name of names) {
        if (name === 'broken' || name === 'hostile') continue; // refused on purpose, below
        assert.deepEqual(problemsOf(c, name), [], name);
      }
    }
    const fixtures = catalogFor(join(REPO_ROOT, 'test/fixtures/configs'));
    assert.ok(problemsOf(fixtures, 'broken').some((p) => p.field === 'resources.memory'));
    const hostile = problemsOf(fixtures, 'hostile').map((p) => p.field);
    for (const f of ['network', 'security.privileged', 'security.capAdd.0', 'volumes.0.hostPath']) assert.ok(hostile.includes(f), `${f} in ${hostile.join(',')}`);
  });

  test('within the policy: a real directory below an allowed path, a symlink that stays inside, a port in the range, allowed capabilities', () => {
    const agents = join(dir, 'configs/agents');
    symlinkSync(join(allowed, 'models'), join(allowed, 'models-link'));
    writeTemplate(agents, 'fine', {
      volumes: [
        { hostPath: join(allowed, 'models'), target: '/models' },
        { hostPath: join(allowed, 'models-link'), target: '/m2' },
      ],
      ports: [
        { container: 8080, host: 20080 },
        { container: 8081, host: 0 },
      ],
      security: { user: '1000:1000', capAdd: ['NET_BIND_SERVICE', 'CAP_CHOWN'] },
      resources: { memory: '1g', cpus: 2, pids: 512 },
    });
    assert.deepEqual(problemsOf(catalog, 'fine'), []);
  });

  test('switches: root only for the templates an admin names; capabilities and the port range widened by an admin', () => {
    const agents = join(dir, 'configs/agents');
    writeTemplate(agents, 'needs-root', { ...sec({ user: '0' }), ...port(40000) });
    writeTemplate(agents, 'also-root', sec({ user: 'root' }));
    writeTemplate(agents, 'wider', { ...sec({ capAdd: ['SYS_PTRACE'] }), ...port(5432) });
    rootCatalog = catalogFor(join(dir, 'configs'), {
      SACP_ALLOW_ROOT_TEMPLATES: 'needs-root',
      SACP_HOST_PORT_RANGE: '1024-65535',
      SACP_ALLOWED_CAPABILITIES: 'NET_BIND_SERVICE,SYS_PTRACE',
    });
    assert.deepEqual(problemsOf(rootCatalog, 'needs-root'), []);
    assert.match(problemsOf(rootCatalog, 'also-root').find((p) => p.field === 'security.user')!.message, /is root/);
    // a widened range never reaches the control plane's own ports
    assert.deepEqual(
      problemsOf(rootCatalog, 'wider').map((p) => [p.field, p.message.replace(/ \(.*/, '')]),
      [['ports.0.host', "host port 5432 is refused: it is one of the control plane's own ports"]],
    );
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'postgres://x@h/x', NATS_URL: 'nats://h:4222', NATS_CREDENTIALS_FILE: credentialFile(), SACP_HOST_PORT_RANGE: '1-65535' }),
      /SACP_HOST_PORT_RANGE.*below 1024 are never published/,
    );
    assert.ok(readFileSync(join(agents, 'needs-root.json'), 'utf8').includes('"0"'));
  });

  test("the policy reserves the configured ports of Postgres, NATS and the health endpoint, and caps limits by the admin's maximum and the host", () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://sacp@127.0.0.1:25433/sacp',
      NATS_URL: 'nats://127.0.0.1:24223,nats://127.0.0.1:24224',
      NATS_CREDENTIALS_FILE: credentialFile(),
      ORCHESTRATOR_HTTP_PORT: '23101',
      SACP_MAX_MEMORY: '1g',
      SACP_MAX_CPUS: '16',
      SACP_ALLOWED_CAPABILITIES: 'net_bind_service, CAP_KILL',
    });
    const p = containerPolicyFromConfig(config, HOST);
    for (const port of [25433, 24223, 24224, 23101, 5432, 4222, 3100, 3103]) assert.ok(p.reservedPorts.includes(port), String(port));
    assert.equal(p.maxMemoryBytes, GIB, "the admin's maximum is below the host's");
    assert.equal(p.maxCpus, 4, "the host's CPUs are below the admin's maximum");
    assert.deepEqual(p.allowedCapabilities, ['NET_BIND_SERVICE', 'KILL']);
    assert.ok(p.forbiddenHostPaths.includes('/var/run/docker.sock') && p.forbiddenHostPaths.includes('/run/docker.sock'));
  });
});
