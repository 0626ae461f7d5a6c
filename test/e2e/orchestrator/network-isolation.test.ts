import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import type { AgentStatusView, StoredLogLine, VolumeListView } from '@sacp/events';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

const run = promisify(execFile);
const SIM_PORT = 8080; // the sim agent's HTTP server, on every address of the container

/**
 * A TCP connection attempt from inside an agent's container (the sim agent image has
 * node), with a short timeout; with `nats`, what a client without a credential is told.
 */
async function probe(container: string, host: string, port: number, nats = false): Promise<string> {
  const script = `
const s = require('net').connect({ host: ${JSON.stringify(host)}, port: ${port}, timeout: 1500 });
let out = '';
const done = (r) => { console.log(r); process.exit(0); };
s.on('connect', () => { if (!${nats}) done('OPEN'); });
s.on('data', (d) => { out += d; if (${nats} && out.includes('INFO')) s.write('CONNECT {"verbose":false,"pedantic":false}\\r\\nPING\\r\\n'); });
s.on('timeout', () => done(${nats} && out ? 'OPEN ' + out.replace(/\\s+/g, ' ') : 'TIMEOUT'));
s.on('close', () => done(${nats} && out ? 'OPEN ' + out.replace(/\\s+/g, ' ') : 'CLOSED'));
s.on('error', (e) => done('ERR ' + e.code));`;
  const { stdout } = await run('docker', ['exec', container, 'node', '-e', script], { timeout: 15_000 });
  return stdout.trim();
}

/** A name looked up inside the container: its address, the resolver's error, or no answer within 8 s (Docker's resolver on an internal network may stay silent). */
async function lookup(container: string, name: string): Promise<string> {
  const script = `setTimeout(() => { console.log('NO ANSWER'); process.exit(0); }, 8000);
require('dns').lookup(${JSON.stringify(name)}, (e, a) => { console.log(e ? 'ERR ' + e.code : 'ADDR ' + a); process.exit(0); });`;
  return (await run('docker', ['exec', container, 'node', '-e', script], { timeout: 15_000 })).stdout.trim();
}

async function execIn(container: string, ...cmd: string[]): Promise<string> {
  return (await run('docker', ['exec', container, ...cmd], { timeout: 15_000 })).stdout;
}

const team = (name: string, members: Array<[string, string]>, over: Record<string, unknown> = {}) => ({
  definition: {
    name,
    members: members.map(([member, template]) => ({ name: member, role: 'worker', template })),
    quota: { memory: '512m', cpus: 2, pids: 512 },
    egress: false,
    sharedVolume: true,
    ...over,
  },
});

describe('network isolation: team networks, agents in no team, and what no agent reaches (real Docker, real sim agents)', () => {
  const cp = new TestControlPlane({ monitors: 1, env: { MONITOR_LOG_DISCOVER_MS: '500' } });
  const ids: Record<string, string> = {};

  const view = async (name: string): Promise<AgentStatusView> => (await cp.status(name))[0]!;
  const container = async (name: string) => {
    const v = await view(name);
    const c = v.containerId ? await cp.docker.inspect(v.containerId) : null;
    assert.ok(c, `${name} has a container`);
    return c;
  };
  const ipOf = async (name: string) => Object.values((await container(name)).networks)[0]!;
  const networkInfo = (name: string) =>
    cp.docker['client'].api.getNetwork(name).inspect() as Promise<{
      Id: string;
      Internal: boolean;
      Labels: Record<string, string>;
      Options: Record<string, string>;
      IPAM: { Config: Array<{ Subnet: string; Gateway: string }> };
    }>;
  const net = (team: string, egress = false) => `sacp-${cp.instance}-team-${team}${egress ? '_egress' : ''}`;
  const events = async (agentId: string) => (await (await cp.eventStore()).readStream(`agent-${agentId}`)).map((e) => e.type);
  const running = (name: string, notContainer?: string | null) =>
    waitFor(
      `${name} running${notContainer ? ' in a new container' : ''}`,
      async () => {
        const v = await view(name).catch(() => null);
        return v && v.state.observed === 'running' && v.containerId && v.containerId !== notContainer ? v : null;
      },
      60_000,
      200,
    );

  beforeAll(async () => {
    await cp.start();
    for (const [name, members] of [
      [
        'alpha',
        [
          ['a1', 'probed'],
          ['a2', 'sim'],
        ],
      ],
      ['beta', [['b1', 'sim']]],
    ] as const) {
      const created = await cp.command('team.create', team(name, members as unknown as Array<[string, string]>));
      assert.ok(created.ok, JSON.stringify(created));
      const deployed = await cp.command('team.deploy', { team: name });
      assert.ok(deployed.ok, JSON.stringify(deployed));
    }
    for (const solo of ['solo-1', 'solo-2']) await cp.deploy('sim', solo);
    for (const name of ['alpha-a1', 'alpha-a2', 'beta-b1', 'solo-1', 'solo-2']) ids[name] = (await running(name)).id;
  }, 180_000);
  afterAll(async () => cp.stop(), 60_000);

  test('each team has its own internal network with the control plane labels; members carry sacp.team, agents in no team share a network without inter-container traffic', async () => {
    const alpha = await networkInfo(net('alpha'));
    assert.equal(alpha.Internal, true);
    assert.equal(alpha.Labels['sacp.team'], 'alpha');
    assert.equal(alpha.Labels['sacp.network'], 'team');
    assert.equal(alpha.Labels['sacp.instance'], cp.instance);
    assert.equal(alpha.Labels['sacp.store'], await cp.storeId());
    const solo = await networkInfo(`sacp-${cp.instance}-solo`);
    assert.equal(solo.Options['com.docker.network.bridge.enable_icc'], 'false');
    assert.equal((await container('alpha-a1')).labels['sacp.team'], 'alpha');
    assert.equal((await container('beta-b1')).labels['sacp.team'], 'beta');
    assert.equal((await container('solo-1')).labels['sacp.team'], undefined);
    assert.deepEqual(Object.keys((await container('alpha-a2')).networks), [net('alpha')]);
    assert.deepEqual(Object.keys((await container('solo-1')).networks), [`sacp-${cp.instance}-solo`]);
  });

  test('members of a team reach each other by agent name; nobody reaches another team or another agent in no team, by name or by address', async () => {
    const a1 = (await container('alpha-a1')).name;
    const b1 = (await container('beta-b1')).name;
    const s1 = (await container('solo-1')).name;
    assert.equal(await probe(a1, 'alpha-a2', SIM_PORT), 'OPEN', 'alpha-a1 → alpha-a2 by name');
    assert.equal(await probe(a1, await ipOf('alpha-a2'), SIM_PORT), 'OPEN', 'alpha-a1 → alpha-a2 by address');
    assert.notEqual(await probe(a1, 'beta-b1', SIM_PORT), 'OPEN', 'alpha-a1 → beta-b1 by name');
    assert.doesNotMatch(await lookup(a1, 'beta-b1'), /^ADDR/, 'the other team is not even resolved');
    assert.match(await lookup(a1, 'alpha-a2'), /^ADDR \d/);
    assert.equal(await probe(a1, await ipOf('beta-b1'), SIM_PORT), 'TIMEOUT', 'alpha-a1 → beta-b1 by address');
    assert.equal(await probe(b1, await ipOf('alpha-a1'), SIM_PORT), 'TIMEOUT', 'beta-b1 → alpha-a1 by address');
    assert.equal(await probe(s1, await ipOf('solo-2'), SIM_PORT), 'TIMEOUT', 'solo-1 → solo-2: no inter-container traffic');
    assert.notEqual(await probe(s1, 'solo-2', SIM_PORT), 'OPEN', 'solo-1 → solo-2 by name');
    assert.equal(await probe(s1, await ipOf('alpha-a1'), SIM_PORT), 'TIMEOUT', 'solo-1 → a team member');
    assert.equal(await probe(a1, await ipOf('solo-1'), SIM_PORT), 'TIMEOUT', 'a team member → solo-1');
  }, 60_000);

  test('an internal team network has no route out: its only gateway is the host end of its own bridge, and Docker drops whatever leaves its subnet', async () => {
    const alpha = await networkInfo(net('alpha'));
    const { Subnet: subnet, Gateway: gateway } = alpha.IPAM.Config[0]!;
    const routes = (await execIn((await container('alpha-a1')).name, 'cat', '/proc/net/route'))
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/));
    const hex = (ip: string) =>
      ip
        .split('.')
        .map((o) => Number(o).toString(16).padStart(2, '0').toUpperCase())
        .reverse()
        .join('');
    // Docker 20.10 gives a container on an internal network a default route via the bridge's
    // address (Docker 26+ gives none): it leads to the host, never past it (the rule below)
    for (const [iface, dest, gw] of routes) {
      assert.equal(iface, 'eth0');
      if (dest === '00000000') assert.equal(gw, hex(gateway), 'a default route, if any, is the own bridge');
    }
    const { stdout } = await run('iptables', ['-S', 'DOCKER-ISOLATION-STAGE-1']);
    const bridge = `br-${alpha.Id.slice(0, 12)}`;
    assert.ok(stdout.split('\n').includes(`-A DOCKER-ISOLATION-STAGE-1 ! -d ${subnet} -i ${bridge} -j DROP`), `traffic out of ${bridge} is dropped:\n${stdout}`);
    assert.ok(stdout.split('\n').includes(`-A DOCKER-ISOLATION-STAGE-1 ! -s ${subnet} -o ${bridge} -j DROP`), `traffic into ${bridge} from elsewhere is dropped`);
  });

  test("no agent reaches Postgres or the control plane's HTTP ports; NATS, where its port answers, gives no session without a credential", async () => {
    const pgPort = Number(new URL(cp.databaseUrl).port || 5432);
    const natsPort = Number(new URL(cp.nats.url).port);
    const httpPorts = [...cp.orchestrators, ...cp.monitors].map((s) => s.port);
    const hostAddresses = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    for (const name of ['alpha-a1', 'solo-1']) {
      const c = await container(name);
      const gateway = (await networkInfo(Object.keys(c.networks)[0]!)).IPAM.Config[0]!.Gateway;
      for (const host of new Set([gateway, ...hostAddresses])) {
        for (const port of [pgPort, ...httpPorts]) assert.notEqual(await probe(c.name, host, port), 'OPEN', `${name} → ${host}:${port}`);
        const nats = await probe(c.name, host, natsPort, true);
        if (nats.startsWith('OPEN')) {
          assert.match(nats, /Authorization Violation/, `${name} → NATS at ${host}: ${nats}`);
          assert.doesNotMatch(nats, /PONG/);
        }
      }
    }
  }, 120_000);

  test("the team's shared volume is mounted at /team in every member, labelled and listed with its team", async () => {
    await execIn((await container('alpha-a1')).name, 'sh', '-c', 'echo from-a1 > /team/note');
    assert.equal((await execIn((await container('alpha-a2')).name, 'cat', '/team/note')).trim(), 'from-a1');
    const list = await cp.query<VolumeListView>('volume.list', { orphaned: false, limit: 100 });
    assert.ok(list.ok);
    const shared = list.result.volumes.find((v) => v.name === `sacp-${cp.instance}-team-alpha-shared`);
    assert.deepEqual([shared?.kind, shared?.team, shared?.orphaned], ['team-shared', { name: 'alpha', exists: true }, false]);
    assert.ok(!(await execIn((await container('solo-1')).name, 'ls', '/')).split('\n').includes('team'), 'an agent in no team has no /team');
  });

  test("the log collector files a member's lines under its team (the sacp.team label), an agent in no team's under none", async () => {
    const search = async (body: Record<string, unknown>) => {
      const r = await cp.query<StoredLogLine[]>('logs.search', { limit: 50, ...body });
      assert.ok(r.ok, JSON.stringify(r));
      return r.result;
    };
    const lines = await waitFor('lines of team alpha', async () => ((await search({ team: 'alpha' })).length ? search({ team: 'alpha' }) : null), 30_000, 500);
    assert.ok(lines.every((l) => l.team === 'alpha' && l.agentName.startsWith('alpha-')));
    const solo = await waitFor('lines of solo-1', async () => ((await search({ agent: 'solo-1' })).length ? search({ agent: 'solo-1' }) : null), 30_000, 500);
    assert.ok(solo.every((l) => l.team === null));
  }, 70_000);

  test('an HTTP health check works for a member of an internal team, where Docker publishes no port: the monitor probes the container address', async () => {
    const c = await container('alpha-a1');
    assert.equal(await cp.docker.publishedPort(c.id, SIM_PORT), null, 'nothing is published on an internal network');
    await cp.waitForAgent(ids['alpha-a1']!, (a) => a.health === 'healthy', 'healthy by its HTTP check', 30_000);
  }, 40_000);

  test('membership converges: an agent that leaves its team gets a new container off the team network and without the label; joining another team puts it there', async () => {
    const before = await view('alpha-a2');
    const left = await cp.command('team.remove_member', { team: 'alpha', agent: 'alpha-a2' });
    assert.ok(left.ok, JSON.stringify(left));
    const after = await running('alpha-a2', before.containerId);
    const c = await container('alpha-a2');
    assert.equal(c.labels['sacp.team'], undefined);
    assert.deepEqual(Object.keys(c.networks), [`sacp-${cp.instance}-solo`]);
    assert.notEqual(await probe((await container('alpha-a1')).name, 'alpha-a2', SIM_PORT), 'OPEN', 'its old team no longer reaches it');
    const types = await events(after.id);
    assert.ok(types.includes('agent.team_changed') && types.lastIndexOf('agent.container_removed') > types.indexOf('agent.team_changed'), types.join(','));

    const joined = await cp.command('team.add_member', { team: 'beta', agent: 'alpha-a2', role: 'worker' });
    assert.ok(joined.ok, JSON.stringify(joined));
    await running('alpha-a2', after.containerId);
    assert.equal((await container('alpha-a2')).labels['sacp.team'], 'beta');
    assert.equal(await probe((await container('beta-b1')).name, 'alpha-a2', SIM_PORT), 'OPEN', 'its new team reaches it by name');
  }, 120_000);

  test('a change of egress moves the running members to the other network of their team (agent.networks_changed); the unused network goes', async () => {
    const before = await container('beta-b1');
    const changed = await cp.command('team.change', { team: 'beta', egress: true });
    assert.ok(changed.ok, JSON.stringify(changed));
    await waitFor(
      'beta-b1 on the egress network',
      async () => {
        const c = await container('beta-b1');
        return Object.keys(c.networks).join() === net('beta', true) ? c : null;
      },
      30_000,
    );
    assert.equal((await container('beta-b1')).id, before.id, 'the same container');
    assert.ok((await events(ids['beta-b1']!)).includes('agent.networks_changed'));
    assert.equal((await networkInfo(net('beta', true))).Internal, false);
    assert.equal(await probe((await container('beta-b1')).name, 'alpha-a2', SIM_PORT), 'OPEN', 'members still reach each other by name');
    await waitFor('the internal network of beta removed', async () => !(await networkInfo(net('beta')).catch(() => null)), 30_000);

    // a member with an HTTP check moved while it runs stays healthy: the monitor looks its address up again
    const a1 = await view('alpha-a1');
    assert.ok((await cp.command('team.change', { team: 'alpha', egress: true })).ok);
    await waitFor('alpha-a1 on the egress network', async () => Object.keys((await container('alpha-a1')).networks).join() === net('alpha', true), 30_000);
    await new Promise((r) => setTimeout(r, 5000));
    const after = await view('alpha-a1');
    assert.deepEqual([after.containerId, after.restarts, after.health], [a1.containerId, a1.restarts, 'healthy']);
  }, 90_000);

  test("a deleted team's network goes once no container uses it; its volume stays (orphaned) unless the delete asks for it", async () => {
    for (const [t, agent] of [
      ['alpha', 'alpha-a1'],
      ['beta', 'beta-b1'],
      ['beta', 'alpha-a2'],
    ] as const) {
      const before = await view(agent);
      const r = await cp.command('team.remove_member', { team: t, agent });
      assert.ok(r.ok, JSON.stringify(r));
      await running(agent, before.containerId);
    }
    const alpha = await cp.command('team.delete', { team: 'alpha' });
    assert.ok(alpha.ok, JSON.stringify(alpha));
    await waitFor(
      'the networks of alpha removed',
      async () => !(await networkInfo(net('alpha')).catch(() => null)) && !(await networkInfo(net('alpha', true)).catch(() => null)),
      30_000,
    );
    const list = await cp.query<VolumeListView>('volume.list', { orphaned: true, limit: 100 });
    assert.ok(list.ok);
    assert.deepEqual(
      list.result.volumes.filter((v) => v.kind === 'team-shared').map((v) => [v.name, v.team]),
      [[`sacp-${cp.instance}-team-alpha-shared`, { name: 'alpha', exists: false }]],
    );

    const beta = await cp.command<{ volumesRemoved: string[] }>('team.delete', { team: 'beta', volumes: true });
    assert.ok(beta.ok, JSON.stringify(beta));
    assert.deepEqual(beta.result.volumesRemoved, [`sacp-${cp.instance}-team-beta-shared`]);
    assert.ok(beta.events.some((e) => e.type === 'volume.removed'));
    assert.equal(await cp.docker.inspectVolume(`sacp-${cp.instance}-team-beta-shared`), null);
    await waitFor('the networks of beta removed', async () => !(await networkInfo(net('beta', true)).catch(() => null)), 30_000);
  }, 120_000);
});
